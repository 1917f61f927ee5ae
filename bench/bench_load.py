"""Load over two application servers (`make bench-load`; `make bench` runs it too).

    .venv/bin/python bench/bench_load.py                      # 50 users, think time 1-3 s, 60 s
    .venv/bin/python bench/bench_load.py --users 50 --think 0 --time 30
    .venv/bin/python bench/bench_load.py --runs 50:1-3,50:0   # several runs, USERS:THINK each

It reuses the national-scale benchmark's machinery (bench/scale_run.py): a generated volume in
its own PostgreSQL database (`hamafza_scale_load`, 2 % of issue 19's volume by default; reused
when complete), the matching index, and the page x role plan of bench/scale/pages.py (the main
pages of every role and the REST API's lists, weighted). It then starts two gunicorn servers with
the production settings (127.0.0.1:8121 and :8122, 2 sync workers each) and runs locust headless,
bounded in time, with the users spread over both servers in turn, each user in one role
(visitors most often). It prints requests per second, p50/p95/p99 and errors of each run, the
slowest pages at p95 and the load average before and after (the machine may be shared). Both
servers run on this machine, so they share one matching index directory (on separate machines
each has its own). Target: p95 <= 300 ms and no error for 50 users.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale_run as sr  # noqa: E402
from bench.scale.pages import pairs as page_pairs  # noqa: E402

TARGET_P95_MS = 300
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def app_cpu(servers) -> float:
    """CPU seconds used so far by the servers' gunicorn workers."""
    total = 0.0
    for server in servers:
        children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()
        total += sum(_cpu_seconds(int(child)) for child in children)
    return total


def db_cpu(db: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving the benchmark's database (the
    servers keep their connections, DATABASE_CONN_MAX_AGE=60)."""
    with sr._pg() as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (db,))]
    return sum(_cpu_seconds(pid) for pid in pids)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=0.02, help="share of issue 19's volume (default 2 %%)")
    p.add_argument("--db", default="hamafza_scale_load", help="the benchmark's database (hamafza_scale*)")
    p.add_argument("--ports", default="8121,8122", help="the two servers' ports")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--think", default="1-3", help="think time between a user's requests, seconds: 0 or MIN-MAX")
    p.add_argument("--runs", default="", help="several runs as USERS:THINK,... (overrides --users/--think)")
    p.add_argument("--time", type=int, default=60, help="seconds per run")
    return p.parse_args(argv)


def main(argv=None) -> int:
    opts = parse_args(argv if argv is not None else sys.argv[1:])
    if not opts.db.startswith("hamafza_scale"):
        raise SystemExit("--db must start with hamafza_scale (the benchmark drops and recreates it)")
    version = sr.pg_check()
    args = sr.parse_args(["--scale", str(opts.scale), "--db", opts.db, "--workers", str(opts.workers)])
    env = sr.bench_env(args)
    print("# Load over two application servers (issue 17)")
    print(f"code: {sr.git_head()}; machine: {os.cpu_count()} cores, PostgreSQL {version}")
    print(f"load average at start: {sr.load_average()}")
    meta = sr.ensure_volume(args, env)
    counts = meta["counts"]
    print(
        f"volume: database {opts.db} (scale {opts.scale}): organizations {counts.get('directory_organization', 0):,}, "
        f"calls {counts.get('challenges_call', 0):,}, proposals {counts.get('proposals_proposal', 0):,}, "
        f"users {counts.get('accounts_user', 0):,}"
    )
    if not (ROOT / "var" / opts.db / "static").exists():
        sr.manage(env, "collectstatic", "--noinput", "-v", "0")
    args.skip_index = True  # rebuilt only when this database has no index yet
    sr.rebuild_index(args, env)

    runs = [tuple(r.split(":")) for r in opts.runs.split(",")] if opts.runs else [(str(opts.users), opts.think)]
    with tempfile.TemporaryDirectory(prefix="load-plan-") as tmp:
        targets_path = Path(tmp) / "targets.json"
        targets_path.write_text(json.dumps(meta["targets"]))
        prepared = sr.django_step(env, "prepare", str(targets_path))
        plan = {
            "pairs": page_pairs(prepared["targets"]),
            "sessions": prepared["sessions"],
            "session_cookie": prepared["session_cookie"],
        }
        plan_path = Path(tmp) / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        api = sum(1 for pair in plan["pairs"] if pair["path"].startswith("/api/"))
        print(f"workload: {len(plan['pairs'])} page x role pairs ({api} REST API calls), weighted per role")

        servers = []
        for port in opts.ports.split(","):
            server_args = copy.copy(args)
            server_args.port = int(port)
            server = sr.Server(server_args, env)
            boot = server.start()
            servers.append(server)
            print(f"server {server.url}: gunicorn, {opts.workers} sync workers, production settings, up {boot:.0f} s")
        import requests

        for server in servers:  # each worker opens the matching index on its first search
            for _ in range(opts.workers * 2):
                requests.get(f"{server.url}/fa/organizations/?q=recycling", timeout=600)
        os.environ["BENCH_SCALE_HOSTS"] = ",".join(s.url for s in servers)
        args.locust_time = opts.time
        ok = True
        for users, think in runs:
            load_before = sr.load_average()
            started = time.monotonic()
            cpu_app, cpu_db = app_cpu(servers), db_cpu(opts.db)
            result = sr.run_locust(args, servers[0], plan_path, int(users), think)
            cpu_app, cpu_db = app_cpu(servers) - cpu_app, db_cpu(opts.db) - cpu_db
            label = "no think time" if think == "0" else f"think time {think} s"
            print(
                f"{result['users']} users over {len(servers)} servers, {label}, {time.monotonic() - started:.0f} s: "
                f"{result['rps']:.1f} requests/s, p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
                f"p99 {result['p99']:.0f} ms, {result['failures']} errors of {result['requests']} requests "
                f"(load average before {load_before}, after {sr.load_average()})"
            )
            print("  slowest at p95: " + "; ".join(f"{name} {ms:.0f} ms" for name, ms in result["worst"]))
            if result["requests"]:
                per_app = 1000 * cpu_app / result["requests"]
                per_db = 1000 * cpu_db / result["requests"]
                cores = os.cpu_count() or 1
                print(
                    f"  CPU per request: {per_app:.0f} ms in the app servers + {per_db:.0f} ms in PostgreSQL; "
                    f"the {cores} cores would serve about {cores * 1000 / (per_app + per_db):.0f} requests/s if the "
                    f"benchmark had them to itself (it got {cpu_app + cpu_db:.0f} CPU s of "
                    f"{cores * (time.monotonic() - started):.0f} in this run)"
                )
            within = result["p95"] <= TARGET_P95_MS and result["failures"] == 0
            print(f"  target p95 <= {TARGET_P95_MS} ms and 0 errors: {'met' if within else 'NOT met'}")
            ok = ok and result["failures"] == 0
        for server in servers:
            server.stop()
    print(f"load average at the end: {sr.load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
