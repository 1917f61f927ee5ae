"""The national-scale benchmark of issue 19 (`make bench-scale`; `make bench-scale-smoke` at 2 %).

    .venv/bin/python bench/scale_run.py                          # full volume, database hamafza_scale
    .venv/bin/python bench/scale_run.py --scale 0.02 --db hamafza_scale_smoke --locust-time 15
    .venv/bin/python bench/scale_run.py --only "proposals"       # only the pairs whose name has this
    .venv/bin/python bench/scale_run.py --regenerate             # drop and generate the volume again

1. Generates the volume in its own PostgreSQL database with COPY (bench/scale/generate.py): it
   creates the database, migrates it, loads the taxonomy and writes the rows; a database that
   already holds a complete volume of the same generator, scale and seed is reused. It never
   touches another database.
2. Rebuilds the matching index with `hamafza index_rebuild`, timed.
3. Serves with gunicorn (2 sync workers) and the production settings on 127.0.0.1:PORT, warms each
   page up, then measures p50/p95 and bytes of every page x role pair of bench/scale/pages.py;
   a second pass through Django's test client counts the queries of each.
4. Runs locust headless for a bounded time (20 and 50 users without think time, 50 users with
   1-3 s of think time) on a mixed workload and prints requests/s, p95 and errors.

The results go to standard output (and to --output). The gunicorn process is stopped on exit,
also on Ctrl-C. PostgreSQL settings are left at their defaults (see docs/operations.md).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import csv
import datetime
import json
import os
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale.generate import GENERATOR_VERSION  # noqa: E402
from bench.scale.pages import pairs as page_pairs  # noqa: E402

VENV_BIN = Path(sys.executable).parent
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
META_TABLE = "bench_scale_meta"
# Commands run after the COPY, for tables derived from the generated ones, which the services
# and models keep on every write but COPY bypasses: the precomputed eligibility of open calls per
# organization (ADR 0019) and the organizations' words of the directory search (ADR 0034).
POST_GENERATE_COMMANDS: list[list[str]] = [["eligible_calls", "rebuild"], ["organization_words", "rebuild"]]

_out_lines: list[str] = []


def say(line: str = "") -> None:
    print(line, flush=True)
    _out_lines.append(line)


def note(line: str) -> None:
    """Progress on stderr (not part of the results)."""
    print(f"[scale] {line}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# PostgreSQL: the benchmark's own database
# ------------------------------------------------------------------------------------------------
def _pg(dbname: str = "postgres", **kwargs):
    import psycopg

    return psycopg.connect(f"{PG_BASE}/{dbname}", connect_timeout=5, **kwargs)


def pg_check() -> str:
    try:
        with _pg() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # psycopg.OperationalError and anything the driver raises
        raise SystemExit(
            f"PostgreSQL is not reachable at {PG_BASE} ({exc.__class__.__name__}: {exc}).\n"
            "The scale benchmark needs PostgreSQL (user postgres, trust). Start it, e.g.\n"
            "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
            "or point BENCH_PG_URL at a server."
        ) from exc


def db_exists(db: str) -> bool:
    with _pg() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone() is not None


def db_meta(db: str) -> dict:
    with _pg(db) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (META_TABLE,)).fetchone()[0]
        if not found:
            return {}
        return {k: json.loads(v) for k, v in conn.execute(f"SELECT key, value FROM {META_TABLE}")}  # noqa: S608


def db_drop_create(db: str, *, create: bool = True) -> None:
    from psycopg import sql

    if not db.startswith("hamafza_scale"):
        raise SystemExit(f"refusing to drop {db}: the benchmark only manages databases named hamafza_scale*")
    with _pg(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))


def db_write_meta(db: str, meta: dict) -> None:
    with _pg(db, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value text NOT NULL)")
        for key, value in meta.items():
            conn.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, json.dumps(value, ensure_ascii=False, default=str)),
            )


def db_analyze(db: str) -> float:
    started = time.monotonic()
    with _pg(db, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def db_settings(db: str, settings: list[str]) -> None:
    """ALTER DATABASE db SET name = value for each "name=value" (only the benchmark's database;
    new connections see them). Without any, the database's own settings are reset to the server's."""
    from psycopg import sql

    with _pg(autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} RESET ALL").format(sql.Identifier(db)))
        for item in settings:
            name, _, value = item.partition("=")
            if not name.replace("_", "").isalnum() or not value:
                raise SystemExit(f"--pg-set wants NAME=VALUE, not {item!r}")
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(db), sql.Identifier(name.strip()), sql.Literal(value.strip())
                )
            )


def db_size(db: str) -> str:
    with _pg(db) as conn:
        return conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]


# ------------------------------------------------------------------------------------------------
# Django subprocesses with the production settings
# ------------------------------------------------------------------------------------------------
def bench_env(args) -> dict:
    var = ROOT / "var" / args.db
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"{PG_BASE}/{args.db}",
            "DATABASE_CONN_MAX_AGE": "60",
            "SECRET_KEY": "scale-benchmark-only-" + "x" * 40,
            "HAMAFZA_VAR_DIR": str(var),
            "MATCHING_INDEX_DIR": str(var / "index"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # served over plain HTTP on the loopback: cookies without the Secure flag
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            # one machine, no Celery worker: background tasks run inside the request
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "ALLOW_EAGER_TASKS": "1",
            # the benchmark's sessions are opened directly; a second factor is not part of what it measures
            "TWO_FACTOR_REQUIRED": "0",
            # one client address makes every request: the per-address API limit would answer 429
            "API_RATE_LIMIT_PER_MINUTE": "10000000",
            "API_RATE_LIMIT_ANON_PER_MINUTE": "10000000",
            "LOG_LEVEL": "ERROR",
            "GUNICORN_ACCESS_LOG": "",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def run(cmd: list[str], env: dict, *, capture: bool = False, label: str = "") -> str:
    note(f"$ {' '.join(shlex.quote(c) for c in cmd)}")
    stdout = subprocess.PIPE if capture else sys.stderr
    proc = subprocess.run(cmd, env=env, cwd=ROOT, text=True, stdout=stdout, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{label or cmd[0]} failed with exit code {proc.returncode}")
    return proc.stdout or ""


def manage(env: dict, *args: str, capture: bool = False) -> str:
    return run([str(VENV_BIN / "python"), "manage.py", *args], env, capture=capture, label=f"manage.py {args[0]}")


def django_step(env: dict, *args: str) -> object:
    out = run([str(VENV_BIN / "python"), "-m", "bench.scale.django_steps", *args], env, capture=True, label=args[0])
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
# 1-2. volume and index
# ------------------------------------------------------------------------------------------------
def ensure_volume(args, env) -> dict:
    wanted = {"generator": GENERATOR_VERSION, "scale": args.scale, "seed": args.seed}
    if args.regenerate and db_exists(args.db):
        note(f"--regenerate: dropping {args.db}")
        db_drop_create(args.db, create=False)
    if db_exists(args.db):
        meta = db_meta(args.db)
        if meta.get("complete") and all(meta.get(k) == v for k, v in wanted.items()):
            age = (datetime.date.today() - datetime.date.fromisoformat(meta["day"])).days
            if age > 20:
                note(f"the volume is {age} days old: open calls are closing; consider --regenerate")
            note(f"reusing {args.db} (generated {meta['day']} in {meta['seconds']} s)")
            manage(env, "migrate", "--noinput", "-v", "0")  # new migrations of the code under test
            meta["reused"] = True
            return meta
        note(f"{args.db} holds no complete volume of {wanted}: generating it again")
    db_drop_create(args.db)
    started, cpu = time.monotonic(), children_cpu()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_taxonomy")
    migrated = time.monotonic() - started
    result = django_step(env, "generate", "--scale", str(args.scale), "--seed", str(args.seed))
    for command in POST_GENERATE_COMMANDS:
        manage(env, *command)
    analyze = db_analyze(args.db)
    meta = {
        **wanted,
        "day": datetime.date.today().isoformat(),
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(children_cpu() - cpu, 1),
        "migrate_seconds": round(migrated, 1),
        "copy_seconds": result["seconds"],
        "analyze_seconds": round(analyze, 1),
        "counts": result["counts"],
        "targets": result["targets"],
        "complete": True,
    }
    db_write_meta(args.db, meta)
    meta["reused"] = False
    return meta


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rebuild_index(args, env) -> tuple[float, float] | None:
    """(wall seconds, CPU seconds) of `hamafza index_rebuild`, or None when skipped."""
    if args.skip_index and (ROOT / "var" / args.db / "index").exists():
        note("--skip-index: keeping the existing matching index")
        return None
    started, cpu = time.monotonic(), children_cpu()
    out = manage(env, "index_rebuild", "--no-progress", capture=True)
    note(out.strip())
    return time.monotonic() - started, children_cpu() - cpu


# ------------------------------------------------------------------------------------------------
# 3. gunicorn
# ------------------------------------------------------------------------------------------------
class Server:
    def __init__(self, args, env):
        self.url = f"http://127.0.0.1:{args.port}"
        self.proc = None
        self.args = args
        self.env = env

    def start(self) -> float:
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "deploy/gunicorn.conf.py",  # the production hooks (each worker opens the index at boot)
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.args.port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
        note(f"$ {' '.join(cmd)}")
        started = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with code {self.proc.returncode} (is port {self.args.port} free?)")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def worker_rss_mb(self) -> list[str]:
        """Each worker's resident memory: total (own anonymous memory + mapped files, which the
        workers share through the page cache)."""
        if self.proc is None:
            return []
        sizes = []
        for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
            try:
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            mb = {}
            for line in status.splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile"):
                    mb[key] = int(value.split()[0]) // 1024
            if "VmRSS" in mb:
                sizes.append(f"{mb['VmRSS']} MB ({mb.get('RssAnon', 0)} own + {mb.get('RssFile', 0)} mapped files)")
        return sizes

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None


def fetch(session, url: str, cookie: str | None, cookie_name: str) -> tuple[float, int, int]:
    cookies = {cookie_name: cookie} if cookie else None
    started = time.perf_counter()
    response = session.get(url, cookies=cookies, allow_redirects=False, timeout=300)
    body = response.content
    return (time.perf_counter() - started) * 1000, response.status_code, len(body)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(args, server: Server, plan: dict) -> list[dict]:
    import requests

    session = requests.Session()
    cookie_name = plan["session_cookie"]
    results = []
    for pair in plan["pairs"]:
        url = server.url + pair["path"]
        cookie = plan["sessions"].get(pair["role"])
        first_ms, status, size = fetch(session, url, cookie, cookie_name)
        times = []
        started = time.monotonic()
        while len(times) < args.repeat and (len(times) < args.min_repeat or time.monotonic() - started < args.budget):
            ms, status, size = fetch(session, url, cookie, cookie_name)
            times.append(ms)
        row = {
            **pair,
            "status": status,
            "bytes": size,
            "first_ms": first_ms,
            "n": len(times),
            "p50": statistics.median(times),
            "p95": percentile(times, 0.95),
        }
        results.append(row)
        note(f"{pair['page']} ({pair['role']}): {status} p50 {row['p50']:.0f} ms p95 {row['p95']:.0f} ms")
    return results


# ------------------------------------------------------------------------------------------------
# 4. locust
# ------------------------------------------------------------------------------------------------
def _num(value: str) -> float:
    """A locust CSV figure; "N/A" (no request finished in the run) reads as 0."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def run_locust(args, server: Server, plan_path: Path, users: int, think: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="scale-locust-") as tmp:
        prefix = Path(tmp) / "run"
        env = dict(os.environ, BENCH_SCALE_PLAN=str(plan_path), BENCH_SCALE_THINK=think)
        cmd = [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "scale" / "locustfile.py"),
            "--headless",
            "--host",
            server.url,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{args.locust_time}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ]
        note(f"$ {' '.join(cmd)}")
        log = Path(tmp) / "locust.log"
        with log.open("w") as handle:
            subprocess.run(cmd, env=env, cwd=ROOT, check=False, stdout=handle, stderr=subprocess.STDOUT)
        stats_file = Path(f"{prefix}_stats.csv")
        if not stats_file.exists():
            print(log.read_text(), file=sys.stderr)
            raise SystemExit("locust wrote no statistics (its output is above)")
        rows = list(csv.DictReader(stats_file.open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    worst = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: float(r["95%"] or 0), reverse=True)[:5]
    return {
        "users": users,
        "think": think,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": _num(total["Requests/s"]),
        "p50": _num(total["50%"]),
        "p95": _num(total["95%"]),
        "p99": _num(total["99%"]),
        "worst": [(r["Name"], _num(r["95%"])) for r in worst],
    }


# ------------------------------------------------------------------------------------------------
def print_table(results: list[dict], queries: dict) -> None:
    say(f"| {'page':<28} | {'role':<11} | {'p50 ms':>7} | {'p95 ms':>7} | {'queries':>7} | {'KB':>7} | status |")
    dash = "-" * 6 + ":"
    say(f"| {'-' * 28} | {'-' * 11} | {dash} | {dash} | {dash} | {dash} | -----: |")
    for row in results:
        q = queries.get((row["page"], row["role"]), {})
        qn = q.get("queries", "")
        say(
            f"| {row['page']:<28} | {row['role']:<11} | {row['p50']:>7.0f} | {row['p95']:>7.0f} | {qn!s:>7} "
            f"| {row['bytes'] / 1024:>7.1f} | {row['status']:>6} |"
        )
    over = [r for r in results if r["p95"] > 100]
    bad = [r for r in results if r["status"] >= 400]
    say("")
    say(f"{len(over)} of {len(results)} page x role pairs over 100 ms at p95; {len(bad)} answered 4xx/5xx")
    say("slowest 10 at p95:")
    for r in sorted(results, key=lambda r: r["p95"], reverse=True)[:10]:
        say(f"  {r['p95']:>7.0f} ms  {r['page']} ({r['role']})  {r['path']}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, text=True, capture_output=True, check=True
        )
        return out.stdout.strip()[:100]
    except (OSError, subprocess.CalledProcessError):
        return "?"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="share of the full volume (1 = issue 19's volume)")
    p.add_argument("--seed", type=int, default=19)
    p.add_argument("--db", default="hamafza_scale", help="the benchmark's database (created; hamafza_scale*)")
    p.add_argument("--regenerate", action="store_true", help="drop the database and generate the volume again")
    p.add_argument("--skip-index", action="store_true", help="keep an existing matching index")
    p.add_argument("--generate-only", action="store_true", help="stop after the volume and the index")
    p.add_argument(
        "--pg-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the benchmark's database only, e.g. jit=off or work_mem=32MB "
        "(repeatable; without it the server's defaults apply)",
    )
    p.add_argument("--port", type=int, default=8105)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--repeat", type=int, default=15, help="timed requests per pair at most")
    p.add_argument("--min-repeat", type=int, default=5, help="timed requests per pair at least")
    p.add_argument("--budget", type=float, default=12.0, help="seconds per pair after which it stops at min-repeat")
    p.add_argument(
        "--only",
        default="",
        help="measure only the pairs whose 'page (role)' contains this (or one of its |-separated parts)",
    )
    p.add_argument("--no-queries", action="store_true", help="skip the query-count pass")
    p.add_argument("--locust-only", action="store_true", help="skip the sequential page timings (only locust)")
    p.add_argument("--locust-time", type=int, default=60, help="seconds per locust run (0: no locust)")
    p.add_argument(
        "--locust-runs",
        default="20:0,50:0,50:1-3",
        help="USERS:THINK per locust run, THINK in seconds ('0' or 'MIN-MAX')",
    )
    p.add_argument("--explain", type=int, default=0, metavar="N", help="EXPLAIN ANALYZE the N slowest pairs' queries")
    p.add_argument("--output", type=Path, help="also write the results to this file")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.db.startswith("hamafza_scale"):
        raise SystemExit("--db must start with hamafza_scale (the benchmark drops and recreates it)")
    version = pg_check()
    env = bench_env(args)
    command = "python bench/scale_run.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    say("# Hamafza national-scale benchmark (issue 19)")
    say(f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}   code: {git_head()}")
    say(f"command: {command.strip()}")
    tuned = ", ".join(args.pg_set) if args.pg_set else "at their defaults"
    say(f"machine: {os.cpu_count()} cores, PostgreSQL {version} (settings {tuned})")
    say(f"load average at start: {load_average()}")

    meta = ensure_volume(args, env)
    db_settings(args.db, args.pg_set)
    counts = meta["counts"]
    say("")
    say(f"## Volume (database {args.db}, {db_size(args.db)}; scale {args.scale}, seed {args.seed})")
    if meta["reused"]:
        say(f"reused, generated on {meta['day']} in {meta['seconds']:.0f} s")
    else:
        say(
            f"generated in {meta['seconds']:.0f} s: migrate and taxonomy {meta['migrate_seconds']:.0f} s, "
            f"COPY {meta['copy_seconds']:.0f} s, VACUUM ANALYZE {meta['analyze_seconds']:.0f} s "
            f"({meta['cpu_seconds']:.0f} s of CPU in the Python processes; PostgreSQL's not counted)"
        )
    shown = [
        ("cities", "core_city"),
        ("units", "core_unit"),
        ("users", "accounts_user"),
        ("organizations", "directory_organization"),
        ("capability links", "directory_organization_capabilities"),
        ("memberships", "directory_organizationmembership"),
        ("needs", "challenges_need"),
        ("calls", "challenges_call"),
        ("follows", "challenges_callfollow"),
        ("questions", "challenges_callquestion"),
        ("proposals", "proposals_proposal"),
        ("panels", "proposals_panel"),
        ("panel members", "proposals_panelmember"),
        ("score sheets", "proposals_scoresheet"),
        ("scores", "proposals_score"),
        ("call results", "challenges_callresult"),
        ("missions", "consortia_mission"),
    ]
    say(", ".join(f"{label} {counts.get(table, 0):,}" for label, table in shown))

    if not (ROOT / "var" / args.db / "static").exists():
        manage(env, "collectstatic", "--noinput", "-v", "0")  # WhiteNoise serves from there
    index_seconds = rebuild_index(args, env)
    say("")
    say("## Matching index")
    if index_seconds:
        wall, cpu = index_seconds
        say(f"rebuild (hamafza index_rebuild): {wall:.0f} s wall clock, {cpu:.0f} s of CPU")
        say(f"load average after the rebuild: {load_average()}")
    else:
        say("rebuild skipped (--skip-index)")
    if args.generate_only:
        return 0

    with tempfile.TemporaryDirectory(prefix="scale-plan-") as tmp:
        targets_path = Path(tmp) / "targets.json"
        targets_path.write_text(json.dumps(meta["targets"]))
        prepared = django_step(env, "prepare", str(targets_path))
        plan = {
            "pairs": page_pairs(prepared["targets"], args.only),
            "sessions": prepared["sessions"],
            "session_cookie": prepared["session_cookie"],
        }
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))

        server = Server(args, env)
        boot = server.start()
        say(f"gunicorn: {args.workers} sync workers, production settings, up in {boot:.1f} s")
        # each worker opened the matching index at boot (deploy/gunicorn.conf.py's post_worker_init)
        first_search = []
        for _ in range(args.workers * 2):
            import requests

            t0 = time.perf_counter()
            requests.get(f"{server.url}/fa/organizations/?q=recycling", timeout=600)
            first_search.append((time.perf_counter() - t0) * 1000)
        say(
            "first directory searches after boot (each worker opened the index at boot): "
            + ", ".join(f"{ms / 1000:.1f} s" for ms in first_search)
        )
        say(f"worker memory after the first searches: {', '.join(server.worker_rss_mb())}")

        results, queries = [], {}
        if not args.locust_only:
            say("")
            say(f"## Pages: p50/p95 over {args.min_repeat}-{args.repeat} sequential requests after one warm-up request")
            say(f"load average before: {load_average()}")
            results = measure(args, server, plan)
            say(f"load average after: {load_average()}")
        if results and not args.no_queries:
            # a separate pass through Django's test client with CaptureQueriesContext
            queries = {(q["page"], q["role"]): q for q in django_step(env, "queries", str(plan_path))}
        say("")
        if results:
            print_table(results, queries)

        if args.explain and results:
            slowest = sorted(results, key=lambda r: r["p95"], reverse=True)[: args.explain]
            explain_path = Path(tmp) / "explain.json"
            explain_path.write_text(json.dumps({**plan, "pairs": slowest}, ensure_ascii=False))
            say("")
            say(f"## EXPLAIN (ANALYZE, BUFFERS) of the slowest queries of the {args.explain} slowest pairs")
            for item in django_step(env, "explain", str(explain_path)):
                say("")
                say(f"### {item['page']} ({item['role']}): {item['queries']} queries, {item['sql_ms']:.0f} ms of SQL")
                for query in item["slowest"]:
                    say(f"{query['ms']:.0f} ms: {query['sql'][:600]}")
                    say("\n".join("    " + row[0] for row in query["plan"]))

        if args.locust_time > 0:
            say("")
            say(f"## Locust: mixed workload of the pairs above (weighted), {args.locust_time} s per run")
            for spec in args.locust_runs.split(","):
                users, think = spec.split(":")
                result = run_locust(args, server, plan_path, int(users), think)
                label = "no think time" if think == "0" else f"think time {think} s"
                say(
                    f"{result['users']:>3} users, {label:<18}: {result['rps']:6.1f} requests/s, "
                    f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, "
                    f"{result['failures']} errors of {result['requests']} requests; load average {load_average()}"
                )
                say("      worst p95: " + "; ".join(f"{name} {ms:.0f} ms" for name, ms in result["worst"]))
        server.stop()
    say("")
    say(f"load average at the end: {load_average()}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text("\n".join(_out_lines) + "\n")
        note(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
