"""`make cluster-test`: two application servers, a Celery worker and beat on PostgreSQL and Redis,
on this machine, with what deploy/ ships, and four checks across the servers.

    .venv/bin/python scripts/cluster/cluster_test.py [--keep] [--no-nginx]

It creates its own PostgreSQL database (`hamafza_cluster`, dropped and created again; never any
other), starts its own Redis (port 6391, in memory, no file), loads the demo, builds each server's
matching index, and starts:

    server A   gunicorn -c deploy/gunicorn.conf.py on 127.0.0.1:8201 (production settings)
    server B   the same on 127.0.0.1:8202, with its own matching index directory
    front      nginx on 127.0.0.1:8200 balancing A and B, when nginx is installed (apt-get install
               nginx-light); otherwise the checks talk to A and B directly
    worker     celery -A config worker (acks late, visibility timeout 10 s for the test)
    beat       celery -A config beat (closing due calls every 3 s for the test)

A and B share the var/ directory (uploaded files), PostgreSQL and Redis, as deploy/ describes.
Checks, one line each (PASS or FAIL):

1. an organization saved through A (its profile rewritten for an open call) is found by matching
   (the call's ranked organizations) on B, whose index catches up from the database's change log;
2. a file uploaded through A (a proposal attachment) downloads through B byte for byte;
3. a call whose deadline has passed is closed by beat, without anyone reading it;
4. a task survives a worker restart: the worker is killed (SIGKILL) in the middle of the task,
   started again, and the task runs again to completion.

Every process it started is stopped at the end (also on Ctrl-C); --keep leaves the database.
Exit code 0 when every check passed.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BASE = os.environ.get("CLUSTER_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = "hamafza_cluster"
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", "6391"))
REDIS = f"redis://127.0.0.1:{REDIS_PORT}"
PORT_A, PORT_B, PORT_FRONT = 8201, 8202, 8200
WORK = ROOT / "var" / "cluster"
DEMO_PASSWORD = "hamafza-demo"  # noqa: S105 - the documented demo accounts

_procs: list[subprocess.Popen] = []
results: list[bool] = []


def note(line: str) -> None:
    print(f"[cluster] {line}", file=sys.stderr, flush=True)


def check(ok: bool, line: str) -> None:
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {line}", flush=True)


# ------------------------------------------------------------------------------------------------
# processes
# ------------------------------------------------------------------------------------------------
def start(name: str, cmd: list[str], env: dict) -> subprocess.Popen:
    log = open(WORK / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process's life
    note(f"start {name}: {' '.join(cmd)}")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
    proc.name = name
    _procs.append(proc)
    return proc


def stop(proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 30) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def stop_all() -> None:
    for proc in reversed(_procs):
        stop(proc)
    _procs.clear()


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s (logs in {WORK / 'logs'})")


def wait_for(predicate, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


# ------------------------------------------------------------------------------------------------
# services: PostgreSQL, Redis
# ------------------------------------------------------------------------------------------------
def pg(dbname: str = "postgres", **kwargs):
    import psycopg

    return psycopg.connect(f"{PG_BASE}/{dbname}", connect_timeout=5, **kwargs)


def fresh_database() -> None:
    from psycopg import sql

    try:
        with pg(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
    except Exception as exc:  # psycopg.OperationalError and whatever the driver raises
        raise SystemExit(f"PostgreSQL is not reachable at {PG_BASE}: {exc}") from exc


def start_redis() -> None:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    start(
        "redis",
        [server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        dict(os.environ),
    )
    import redis

    client = redis.Redis.from_url(REDIS)
    if not wait_for(lambda: _ping(client), 20):
        raise SystemExit(f"redis did not start on port {REDIS_PORT} (is the port taken?)")


def _ping(client) -> bool:
    try:
        return client.ping()
    except Exception:  # redis.ConnectionError while it starts
        return False


# ------------------------------------------------------------------------------------------------
# the installation
# ------------------------------------------------------------------------------------------------
def base_env(use_front: bool) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{PG_BASE}/{DB}",
            "DATABASE_CONN_MAX_AGE": "60",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # plain HTTP on the loopback: no redirect to HTTPS, cookies without the Secure flag
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CACHE_URL": f"{REDIS}/1",
            "CELERY_BROKER_URL": f"{REDIS}/0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": "10",
            "CLOSE_DUE_CALLS_EVERY_SECONDS": "3",
            "HAMAFZA_VAR_DIR": str(WORK / "shared"),
            "API_RATE_LIMIT_PER_MINUTE": "100000",
            "API_RATE_LIMIT_ANON_PER_MINUTE": "100000",
            "API_TOKEN_CREATE_PER_MINUTE": "1000",
            # the test signs in with passwords through the API (the two-factor setup is tested elsewhere)
            "TWO_FACTOR_REQUIRED": "0",
            "LOG_LEVEL": "WARNING",
            "CLUSTER_TEST_REDIS": f"{REDIS}/2",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "scripts" / "cluster")]),
        }
    )
    if use_front:
        env["SECURE_PROXY_SSL_HEADER"] = "X-Forwarded-Proto"
        env["API_TRUSTED_PROXIES"] = "1"
    return env


def manage(env: dict, *args: str) -> str:
    note(f"hamafza {' '.join(args)}")
    proc = subprocess.run(  # noqa: S603
        [str(VENV_BIN / "python"), "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def server_env(env: dict, name: str) -> dict:
    return env | {"MATCHING_INDEX_DIR": str(WORK / f"index-{name}")}


def start_server(env: dict, name: str, port: int) -> str:
    start(
        f"server-{name}",
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "config.wsgi:application"],
        server_env(env, name)
        | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_LOG_LEVEL": "warning"},
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/healthz")
    return url


def start_worker(env: dict) -> subprocess.Popen:
    proc = start(
        "worker",
        [str(VENV_BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "1",
         "--include", "cluster_tasks", "--hostname", f"cluster-{uuid.uuid4().hex[:6]}@%h"],
        server_env(env, "worker"),
    )  # fmt: skip
    return proc


def start_front() -> str | None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        note("nginx is not installed (apt-get install nginx-light): the checks talk to A and B directly")
        return None
    conf_dir = WORK / "nginx"
    conf_dir.mkdir(parents=True, exist_ok=True)
    # The shipped deploy/nginx/hamafza.conf, with this machine's upstreams and plain HTTP.
    conf = f"""
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {WORK}/logs/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {conf_dir}/body;
    proxy_temp_path {conf_dir}/proxy;
    fastcgi_temp_path {conf_dir}/fastcgi;
    uwsgi_temp_path {conf_dir}/uwsgi;
    scgi_temp_path {conf_dir}/scgi;
    upstream hamafza_app {{
        server 127.0.0.1:{PORT_A} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:{PORT_B} max_fails=3 fail_timeout=10s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{PORT_FRONT};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://hamafza_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 70s;
        }}
    }}
}}
"""
    (conf_dir / "nginx.conf").write_text(conf)
    start("nginx", [nginx, "-c", str(conf_dir / "nginx.conf"), "-g", "daemon off;"], dict(os.environ))
    url = f"http://127.0.0.1:{PORT_FRONT}"
    wait_http(f"{url}/healthz", timeout=20)
    return url


# ------------------------------------------------------------------------------------------------
# API helpers
# ------------------------------------------------------------------------------------------------
def token(server: str, email: str) -> dict:
    response = requests.post(
        f"{server}/api/v1/auth/tokens",
        json={"email": email, "password": DEMO_PASSWORD, "name": "cluster test"},
        timeout=30,
    )
    if response.status_code != 201:
        raise SystemExit(f"token for {email}: HTTP {response.status_code} {response.text[:300]}")
    return {"Authorization": f"Bearer {response.json()['token']}"}


def rank_on(server: str, headers: dict, call_id: int, slug: str) -> tuple[int | None, float | None]:
    response = requests.get(f"{server}/api/v1/challenges/{call_id}/matches?top=100", headers=headers, timeout=60)
    response.raise_for_status()
    for i, row in enumerate(response.json(), start=1):
        if row["organization"]["slug"] == slug:
            return i, row["score"]
    return None, None


def pick_calls(conn, org: dict, b: str) -> tuple[dict, dict, dict]:
    """The open call the organization may apply to where it ranks worst on B today (for checks 1
    and 2), another published call (for check 3), and B's manager token for the first."""
    rows = conn.execute(
        "SELECT c.id, c.title, c.description, ci.slug, c.allowed_provinces, c.allowed_kinds, "
        "c.knowledge_based_required FROM challenges_call c JOIN core_city ci ON ci.id = c.city_id "
        "WHERE c.state = 'published' AND c.closes_at > now() ORDER BY c.id"
    ).fetchall()
    calls = [
        {"id": r[0], "title": r[1], "description": r[2], "city": r[3], "provinces": r[4], "kinds": r[5], "kb": r[6]}
        for r in rows
    ]

    def eligible(c):
        return (
            (not c["provinces"] or org["province"] in c["provinces"])
            and (not c["kinds"] or org["kind"] in c["kinds"])
            and (not c["kb"] or org["knowledge_based"])
        )

    managers = {}
    ranked = []
    for call in filter(eligible, calls):
        if call["city"] not in managers:
            managers[call["city"]] = token(b, f"manager.{call['city']}@demo.hamafza.ir")
        rank, _ = rank_on(b, managers[call["city"]], call["id"], org["slug"])
        ranked.append((rank or 1000, call))
    if not ranked or len(calls) < 2:
        raise SystemExit(f"the demo has no suitable published calls: {calls}")
    target = max(ranked, key=lambda item: item[0])[1]
    other = next(c for c in calls if c["id"] != target["id"])
    target["capabilities"] = [
        r[0]
        for r in conn.execute(
            "SELECT cap.code FROM challenges_call_capabilities cc JOIN core_capability cap "
            "ON cap.id = cc.capability_id WHERE cc.call_id = %s ORDER BY cap.code",
            (target["id"],),
        )
    ]
    return target, other, managers[target["city"]]


# ------------------------------------------------------------------------------------------------
# the checks
# ------------------------------------------------------------------------------------------------
def check_matching(a: str, b: str, org: dict, call: dict, admin: dict, manager_b: dict) -> None:
    before = rank_on(b, manager_b, call["id"], org["slug"])
    started = time.monotonic()
    response = requests.patch(
        f"{a}/api/v1/organizations/{org['slug']}",
        headers=admin,
        json={
            "description_fa": f"{call['title']}. {call['description']}",
            "capabilities": call["capabilities"],
        },
        timeout=60,
    )
    if response.status_code != 200:
        check(False, f"organization saved through A: PATCH answered {response.status_code} {response.text[:200]}")
        return

    def near_top():
        rank, score = rank_on(b, manager_b, call["id"], org["slug"])
        return (rank, score) if rank is not None and rank <= 3 else None

    after = wait_for(near_top, 60)
    seconds = time.monotonic() - started
    shown = f"rank {before[0] or 'not in the top 100'} -> {after[0] if after else 'not in the top 3'}"
    check(
        bool(after),
        f"organization '{org['slug']}' saved through A (profile rewritten for call #{call['id']}) is found by "
        f"matching on B: {shown} of the call's ranked organizations, {seconds:.1f} s after the save",
    )


def check_upload(a: str, b: str, front: str | None, org: dict, call: dict, admin: dict, manager_b: dict) -> None:
    def start_proposal():
        return requests.post(
            f"{a}/api/v1/calls/{call['id']}/proposals",
            headers=admin,
            json={"organization": org["slug"], "title": "آزمون چند سروری"},
            timeout=60,
        )

    response = start_proposal()
    if response.status_code == 409 and '"refused"' in response.text:
        # an invitation-only call: the city's manager invites the organization the matching found (through B)
        invite = requests.post(
            f"{b}/api/v1/challenges/{call['id']}/invitations",
            headers=manager_b,
            json={"organizations": [org["slug"]]},
            timeout=60,
        )
        note(f"invitation through B: HTTP {invite.status_code} {invite.text[:200]}")
        response = start_proposal()
    if response.status_code == 201:
        proposal = response.json()["id"]
    elif response.status_code == 409 and "existing" in response.text:
        proposal = response.json()["existing"]
    else:
        check(
            False, f"file uploaded through A: starting a proposal answered {response.status_code} {response.text[:200]}"
        )
        return
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% "
        + secrets.token_hex(4096).encode()
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    digest = hashlib.sha256(content).hexdigest()
    response = requests.post(
        f"{a}/api/v1/proposals/{proposal}/attachments",
        headers=admin,
        files={"file": ("cluster-plan.pdf", content, "application/pdf")},
        timeout=60,
    )
    if response.status_code != 201:
        check(False, f"file uploaded through A: HTTP {response.status_code} {response.text[:200]}")
        return
    attachment = response.json()["id"]
    got = {}
    for name, server in [("B", b)] + ([("the front", front)] if front else []):
        download = requests.get(
            f"{server}/api/v1/proposals/{proposal}/attachments/{attachment}", headers=admin, timeout=60
        )
        got[name] = (download.status_code, hashlib.sha256(download.content).hexdigest())
    ok = all(status == 200 and sha == digest for status, sha in got.values())
    where = " and ".join(f"{name} (HTTP {status})" for name, (status, _) in got.items())
    check(
        ok,
        f"file uploaded through A ({len(content)} bytes, attachment #{attachment}) downloads through {where} with "
        f"the same SHA-256 {digest[:12]}…",
    )


def check_beat(conn, call: dict) -> None:
    conn.execute(
        "UPDATE challenges_call SET opens_at = now() - interval '2 days', closes_at = now() - interval '1 minute' "
        "WHERE id = %s",
        (call["id"],),
    )
    started = time.monotonic()

    def closed():
        row = conn.execute("SELECT state, closed_at FROM challenges_call WHERE id = %s", (call["id"],)).fetchone()
        return row if row[0] == "closed" else None

    row = wait_for(closed, 60)
    check(
        bool(row),
        f"due call #{call['id']} ({call['city']}) closed by beat without anyone reading it: state "
        f"{row[0] if row else 'still published'} after {time.monotonic() - started:.1f} s",
    )


def check_worker_restart(env: dict, worker: subprocess.Popen) -> subprocess.Popen:
    import redis
    from celery import Celery

    client = redis.Redis.from_url(env["CLUSTER_TEST_REDIS"])
    run = uuid.uuid4().hex[:8]
    app = Celery(broker=env["CELERY_BROKER_URL"])
    app.send_task("cluster_test.slow_mark", args=[run, 6.0])

    def count(what):
        return int(client.get(f"cluster-test:{run}:{what}") or 0)

    if not wait_for(lambda: count("starts") >= 1, 60):
        check(False, "task survives a worker restart: the task never started")
        return worker
    stop(worker, signal.SIGKILL)  # a crash in the middle of the task, not a polite shutdown
    killed_done = count("done")
    started = time.monotonic()
    worker = start_worker(env)
    finished = wait_for(lambda: count("done") >= 1, 120)
    check(
        bool(finished) and killed_done == 0 and count("starts") >= 2,
        f"task survives a worker restart: worker killed (SIGKILL) during the task, restarted; the task ran "
        f"again and finished {time.monotonic() - started:.1f} s later ({count('starts')} starts, {count('done')} "
        f"completion; acks_late, visibility timeout 10 s, sweep every 10 s)",
    )
    return worker


# ------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the database hamafza_cluster afterwards")
    parser.add_argument("--no-nginx", action="store_true", help="do not start nginx in front")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    atexit.register(stop_all)

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "logs").mkdir(parents=True)
    fresh_database()
    start_redis()
    use_front = not args.no_nginx and bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())
    env = base_env(use_front)
    began = time.monotonic()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_taxonomy")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    worker = start_worker(env)  # the demo's index updates go through the broker
    manage(env, "demo")
    for name in ("a", "b"):  # an operator runs this once on each new server
        manage(server_env(env, name), "index_rebuild", "--no-progress")
    start("beat", [str(VENV_BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO",
                   "--schedule", str(WORK / "celerybeat-schedule")], env)  # fmt: skip
    a = start_server(env, "a", PORT_A)
    b = start_server(env, "b", PORT_B)
    front = start_front() if use_front else None
    note(f"installation ready in {time.monotonic() - began:.0f} s")

    print(
        f"cluster: A {a}, B {b}, front {front or 'none (nginx not installed)'}, worker + beat, "
        f"PostgreSQL {DB}, Redis :{REDIS_PORT}",
        flush=True,
    )
    health = {
        n: requests.get(f"{u}/healthz", timeout=10).json() for n, u in [("A", a), ("B", b), ("front", front)] if u
    }
    check(
        all(h.get("status") == "ok" for h in health.values()),
        "health: " + ", ".join(f"{n} {h.get('status')}/{h.get('database')}" for n, h in health.items()),
    )

    with pg(DB, autocommit=True) as conn:
        slug, province, kind, kb = conn.execute(
            "SELECT o.slug, o.province, o.kind, o.knowledge_based FROM directory_organization o "
            "JOIN directory_organizationmembership m ON m.organization_id = o.id JOIN accounts_user u "
            "ON u.id = m.user_id WHERE u.email = 'org.admin@demo.hamafza.ir' ORDER BY o.id LIMIT 1"
        ).fetchone()
        org = {"slug": slug, "province": province, "kind": kind, "knowledge_based": kb}
        target, other, manager_b = pick_calls(conn, org, b)
        admin = token(a, "org.admin@demo.hamafza.ir")
        check_matching(a, b, org, target, admin, manager_b)
        check_upload(a, b, front, org, target, admin, manager_b)
        check_beat(conn, other)
    check_worker_restart(env, worker)

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed", flush=True)
    stop_all()
    if not args.keep:
        from psycopg import sql

        with pg(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
