"""Profile the calls pairs of issue 19 in-process on a benchmark clone (ADR 0029, addendum): for each
page, the wall time of N requests through Django's test client with the production settings, its
queries and their SQL time, and the functions with the most CPU of one request (cProfile).

    .venv/bin/python bench/scale_profile_calls.py --db hamafza_scale_x [--repeat 10] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("org_admin", "/fa/challenges/?mine=on"),
    ("member", "/fa/challenges/?mine=on"),
    ("org_admin", "/api/v1/calls?open_to={org}"),
    ("org_admin", "/fa/challenges/"),
    ("org_admin", "/fa/organizations/{org}/calls-for-you/"),
    ("", "/fa/challenges/?q=بازیافت"),
    ("", "/api/v1/calls?city=tehran&q=بازیافت"),
]
LOGINS = {"org_admin": "org.admin", "member": "org.member"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.scale_run import bench_env

    os.environ.update(bench_env(argparse.Namespace(db=args.db)))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.scale.generate import DOMAIN
    from hamafza.directory.models import OrganizationMembership

    users = get_user_model().objects
    admin = users.get(email=f"org.admin@{DOMAIN}")
    org = OrganizationMembership.objects.filter(user=admin).select_related("organization").first().organization
    print(f"load average {os.getloadavg()}")
    for role, path in PAGES:
        path = path.format(org=org.slug)
        if args.only and args.only not in path:
            continue
        client = Client()
        if role:
            client.force_login(users.get(email=f"{LOGINS[role]}@{DOMAIN}"))
        client.get(path)
        walls, sqls = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(path)
                walls.append((time.perf_counter() - t0) * 1000)
            sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        slow = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
        print(
            f"\n## {path} ({role or 'anon'}): {response.status_code}, {len(ctx.captured_queries)} queries, "
            f"wall p50 {statistics.median(walls):.1f} max {max(walls):.1f} ms, SQL p50 {statistics.median(sqls):.1f} ms"
        )
        for q in slow:
            print(f"   {float(q['time']) * 1000:.1f} ms: {q['sql'][:160]}")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            client.get(path)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
            print("\n".join(line for line in out.getvalue().splitlines()[6:40] if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
