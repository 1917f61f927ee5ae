"""Eligible open calls precomputed per organization (issue 19, ADR 0019): build cost and read speed.

Creates its own PostgreSQL database (default `hz_eligible_bench`; BENCH_PG_URL for the server),
migrates it, writes N organizations and the open calls with the scale generator's mix of
restrictions (20 % to 1-3 provinces, 15 % to kinds, 10 % to a certificate), then prints:
  * `eligible_calls rebuild` time, rows, table + index size;
  * publishing or editing one restricted call: the part in the request (`call_changed`: one
    DELETE) and the task (`refresh_call`: one INSERT ... SELECT); `refresh_organizations` (one
    organization changed); `eligible_calls check` (the rule in Python against the table, asserted
    in step);
  * the read behind calls `?mine=on` / API `?open_to` (the first page of open calls an
    organization may apply to): p50/p95 through the table, and the former Python check of every
    open call for comparison.

    .venv/bin/python bench/bench_eligible_calls.py                    # 100,000 organizations, 2,003 open calls
    .venv/bin/python bench/bench_eligible_calls.py --orgs 20000 --calls 500
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def _setup(db: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = f"{PG_BASE}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(fn, repeat=1):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, times


def _ms(times) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"p50 {1000 * statistics.median(times):.1f} ms, p95 {1000 * p95:.1f} ms"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=100_000)
    ap.add_argument("--calls", type=int, default=2003, help="open calls")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--db", default="hz_eligible_bench")
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args(argv)
    _setup(args.db)

    from django.db import connection, transaction
    from django.utils import timezone

    from hamafza.accounts.models import User
    from hamafza.challenges import eligible_calls
    from hamafza.challenges.eligibility import call_eligibility_for
    from hamafza.challenges.models import Call
    from hamafza.challenges.selectors import call_list_public
    from hamafza.core.models import City, Unit
    from hamafza.core.provinces import PROVINCES as PROVINCE_CHOICES
    from hamafza.directory.models import Organization, OrganizationKind

    provinces = [code for code, _ in PROVINCE_CHOICES]
    rng = random.Random(args.seed)
    now = timezone.now()
    kinds = [k for k, _ in OrganizationKind.choices]
    t = time.perf_counter()
    Organization.objects.bulk_create(
        [
            Organization(
                name=f"org {i}",
                slug=f"org-{i}",
                city_name=rng.choice(provinces),
                province=rng.choice(provinces),
                kind=rng.choice(kinds),
                knowledge_based=(kb := rng.random() < 0.25),
                certificate_valid_until=(now.date() + datetime.timedelta(days=rng.randint(-200, 900))) if kb else None,
            )
            for i in range(args.orgs)
        ],
        batch_size=5000,
    )
    city = City.objects.create(name_fa="قم", name_en="Qom", slug="qom", province="Qom")
    unit = Unit.objects.create(city=city, slug="u", name_fa="واحد", name_en="Unit")
    user = User.objects.create(email="bench@example.org")
    calls = []
    for i in range(args.calls):
        elig = {"allowed_provinces": [], "allowed_kinds": [], "knowledge_based_required": False}
        if rng.random() < 0.2:
            elig["allowed_provinces"] = sorted(set(rng.sample(provinces, rng.randint(1, 3))))
        if rng.random() < 0.15:
            elig["allowed_kinds"] = sorted({"startup", "knowledge_based_company", rng.choice(kinds)})
        if rng.random() < 0.1:
            elig["knowledge_based_required"] = True
        calls.append(
            Call(
                city=city,
                unit=unit,
                title=f"call {i}",
                state=Call.State.PUBLISHED,
                opens_at=now - datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=rng.randint(1, 90)),
                created_by=user,
                **elig,
            )
        )
    Call.objects.bulk_create(calls, batch_size=2000)
    print(
        f"eligible-calls benchmark: {args.orgs} organizations, {args.calls} open calls "
        f"(written in {time.perf_counter() - t:.1f} s); load average {os.getloadavg()[0]:.1f}"
    )

    done, (t_rebuild,) = _timed(eligible_calls.rebuild)
    with connection.cursor() as cur:
        cur.execute("ANALYZE challenges_eligiblecall")
        cur.execute(
            "SELECT pg_size_pretty(pg_table_size('challenges_eligiblecall')), "
            "pg_size_pretty(pg_indexes_size('challenges_eligiblecall'))"
        )
        table_size, index_size = cur.fetchone()
    restricted = sum(1 for c in calls if c.allowed_provinces or c.allowed_kinds or c.knowledge_based_required)
    print(
        f"rebuild: {t_rebuild:.1f} s, {done['rows']} rows for {done['calls']} calls ({restricted} restricted), "
        f"table {table_size} + indexes {index_size}"
    )
    sample_calls = [c for c in calls if c.allowed_kinds][:5] or calls[:5]

    def in_request(call):
        # What the publishing/editing request does: delete the call's rows and enqueue the task after
        # the commit (rolled back here, so the task is not run).
        with transaction.atomic():
            eligible_calls.call_changed(call)
            transaction.set_rollback(True)

    _, t_request = _timed(lambda: [in_request(c) for c in sample_calls])
    _, t_call = _timed(lambda: [eligible_calls.refresh_call(c) for c in sample_calls])
    print(
        f"one restricted call published or edited: in the request (DELETE of its rows) "
        f"{1000 * t_request[0] / len(sample_calls):.1f} ms, the task (refresh_call) "
        f"{1000 * t_call[0] / len(sample_calls):.0f} ms each"
    )
    org_ids = list(Organization.objects.order_by("?").values_list("pk", flat=True)[: args.repeat])
    _, t_org = _timed(lambda: eligible_calls.refresh_organizations([org_ids[0]]), repeat=5)
    print(f"refresh_organizations (one organization changed): {_ms(t_org)}")
    problems, (t_check,) = _timed(eligible_calls.disagreements)
    assert problems == [], problems
    print(f"eligible_calls check (the rule in Python against the table): {t_check:.1f} s, in step")

    def page_via_table(oid):
        return list(call_list_public(status="open", open_to_organizations=[oid])[:20])

    def page_via_python(oid):
        org = Organization.objects.get(pk=oid)
        open_calls = list(Call.objects.filter(state=Call.State.PUBLISHED, closes_at__gt=timezone.now()))
        ids = {c.pk for c in open_calls if call_eligibility_for(call=c, organization=org, invited_ids=set())[0]}
        return list(call_list_public(status="open").filter(pk__in=ids)[:20])

    times_table, times_python = [], []
    for oid in org_ids:
        times_table += _timed(lambda oid=oid: page_via_table(oid))[1]
    for oid in org_ids[:10]:
        times_python += _timed(lambda oid=oid: page_via_python(oid))[1]
    assert [c.pk for c in page_via_table(org_ids[0])] == [c.pk for c in page_via_python(org_ids[0])]
    print(f"first page of open calls for one organization, through the table: {_ms(times_table)}")
    print(f"the same, checking every open call in Python (before): {_ms(times_python)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
