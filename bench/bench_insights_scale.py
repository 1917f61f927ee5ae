"""Insights at national scale: p50/p95 and query counts of the dashboards on PostgreSQL.

Generates, once, in its own database (default `hamafza_scale_insights`): issue 19's national volume
with bench/scale/generate.py (100 cities, 100,000 organizations, 50,000 calls, 80,000 needs,
500,000 proposals, results, … with COPY), then pilots for most awards (parties with and without
shares, every state) and agreements (pilot contracts and MoUs/cooperation agreements with
several parties), also with COPY. Then it times, in-process through Django's test client, the
city dashboard (the largest city, as its innovation manager), the national dashboard (as a
platform admin), the public summary and its register pages (a deep keyset page too), the API, the
OCDS package and the calendar feed (served from their stored files; one build of each is timed
too), and prints p50, p95, max, the number of queries and the bytes of each, with the load average.

    .venv/bin/python bench/bench_insights_scale.py                # generate if needed, then measure
    .venv/bin/python bench/bench_insights_scale.py --scale 0.05   # a smaller volume (another database)
    .venv/bin/python bench/bench_insights_scale.py --regenerate   # drop and generate again

Run it with `nice`: generating the full volume takes ~10–30 minutes depending on the machine.
Needs PostgreSQL on 127.0.0.1:5432 as user postgres (BENCH_PG_URL to change).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _pg(dbname="postgres", **kwargs):
    import psycopg

    return psycopg.connect(f"{PG_BASE}/{dbname}", connect_timeout=5, **kwargs)


def database_exists(db: str) -> bool:
    with _pg() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone() is not None


def drop_create(db: str) -> None:
    from psycopg import sql

    if not db.startswith("hamafza_scale_insights"):
        raise SystemExit(f"refusing to drop {db}: this benchmark manages only databases named hamafza_scale_insights*")
    with _pg(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))


def setup_django(db: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG_BASE}/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["HAMAFZA_VAR_DIR"] = str(ROOT / "var" / db)
    (ROOT / "var" / db).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


# ------------------------------------------------------------------------------------------------
# Pilots and agreements on top of the issue-19 volume
# ------------------------------------------------------------------------------------------------
def generate_pilots_and_agreements(*, seed: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench.scale.copier import Copier
    from hamafza.accounts.models import User
    from hamafza.pilots.models import Agreement, AgreementParty, Pilot, PilotParty

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    copier = Copier(now, log=note)
    admin_id = User.objects.filter(is_superuser=True).order_by("pk").values_list("pk", flat=True).first()
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT DISTINCT ON (p.id) p.id, p.call_id, p.city_id, p.organization_id, c.unit_id,
                   c.results_published_at, c.title
            FROM proposals_proposal p
            JOIN challenges_callresult r ON r.call_id = p.call_id AND r.organization_id = p.organization_id
            JOIN challenges_call c ON c.id = p.call_id
            WHERE r.outcome = 'awarded' AND c.state = 'results_published' AND c.results_published_at IS NOT NULL
            ORDER BY p.id
            """
        )
        awarded = cur.fetchall()
        cur.execute("SELECT id FROM directory_organization ORDER BY id")
        org_ids = [r[0] for r in cur.fetchall()]
    note(f"awarded proposals to turn into pilots: {len(awarded):,}")
    states = ["planned"] * 15 + ["running"] * 35 + ["completed"] * 40 + ["stopped"] * 10
    pilots = []
    for pid, call_id, city_id, _org, unit_id, published, title in awarded:
        if rng.random() > 0.8:
            continue
        state = rng.choice(states)
        running = None if state == "planned" else published + timedelta(days=rng.randint(5, 120))
        if running and running > now:
            running = now - timedelta(days=1)
        completed = running + timedelta(days=rng.randint(60, 300)) if state == "completed" else None
        if completed and completed > now:
            completed = now
        pilots.append(
            {
                "city_id": city_id,
                "call_id": call_id,
                "proposal_id": pid,
                "unit_id": unit_id,
                "title": f"آزمایش {title}"[:200],
                "state": state,
                "stop_reason": "توقف به دلیل نبود بودجه" if state == "stopped" else "",
                "approved_budget_rial": rng.randrange(500, 50_000) * 1_000_000,
                "started_by_id": admin_id,
                "running_since": running,
                "completed_at": completed,
                "stopped_at": now if state == "stopped" else None,
            }
        )
    copier.copy(Pilot, pilots)
    rows = list(Pilot.objects.values_list("pk", "proposal__organization_id", "city_id", "running_since"))
    parties = []
    for pk, lead, _city, _ran in rows:
        members = rng.choice([0, 0, 0, 1, 2])
        others = rng.sample(org_ids, members) if members else []
        others = [o for o in others if o != lead]
        with_shares = rng.random() < 0.5 and others
        parties.append(
            {
                "pilot_id": pk,
                "organization_id": lead,
                "role": "lead",
                "share_percent": 60 if with_shares else None,
            }
        )
        for o in others:
            share = round(40 / len(others), 2) if with_shares else None
            parties.append({"pilot_id": pk, "organization_id": o, "role": "member", "share_percent": share})
    copier.copy(PilotParty, parties)
    agreements = []
    started = [r for r in rows if r[3] is not None]
    for pk, _lead, city_id, ran in started:
        if rng.random() < 0.6:
            agreements.append(
                _agreement(rng, now, admin_id, city_id, kind="pilot_contract", pilot_id=pk, signed=ran.date())
            )
    city_ids = sorted({r[2] for r in rows}) or [1]
    for _ in range(max(1, len(rows) // 2)):
        signed = (now - timedelta(days=rng.randint(1, 1100))).date()
        agreements.append(
            _agreement(
                rng,
                now,
                admin_id,
                rng.choice(city_ids),
                kind=rng.choice(["mou", "cooperation", "licence", "purchase"]),
                signed=signed,
            )
        )
    copier.copy(Agreement, agreements)
    lead_of = {pk: lead for pk, lead, _c, _r in rows}
    aparties = []
    for pk, pilot_id in Agreement.objects.values_list("pk", "pilot_id"):
        aparties.append({"agreement_id": pk, "kind": "city", "name": "", "organization_id": None})
        orgs = [lead_of[pilot_id]] if pilot_id else rng.sample(org_ids, rng.randint(1, 3))
        for o in orgs:
            aparties.append({"agreement_id": pk, "kind": "organization", "name": "", "organization_id": o})
    copier.copy(AgreementParty, aparties)
    return copier.counts


def _agreement(rng, now, admin_id, city_id, *, kind, signed, pilot_id=None) -> dict:
    status = rng.choice(["draft", "signed", "active", "active", "completed", "terminated"])
    return {
        "city_id": city_id,
        "title": f"توافق‌نامه {rng.randint(1, 10**6)}",
        "kind": kind,
        "value_rial": rng.randrange(100, 80_000) * 1_000_000,
        "value_public": rng.random() < 0.4,
        "signed_on": None if status == "draft" else signed,
        "duration_months": rng.choice([6, 12, 24]),
        "status": status,
        "termination_reason": "پایان زودهنگام" if status == "terminated" else "",
        "pilot_id": pilot_id,
        "created_by_id": admin_id,
    }


# ------------------------------------------------------------------------------------------------
# Measuring
# ------------------------------------------------------------------------------------------------
def measure(client, url: str, repeat: int, **headers) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, **headers)  # warm up (builds a stored file or figures the first time)
    if response.status_code not in (200, 304):
        raise SystemExit(f"{url} answered {response.status_code}")
    times, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, **headers)
            size = len(response.content)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {"p50": statistics.median(times), "p95": p95, "max": times[-1], "queries": queries, "bytes": size}


def time_build(label: str, build) -> None:
    """Time one build of a stored open-data file (what a change costs, once, in the background)."""
    started = time.perf_counter()
    size = len(build())
    print(f"{label:<40} {(time.perf_counter() - started) * 1000:>8.0f} ms once, {size:,} bytes")


def _print_row(label: str, r: dict) -> None:
    print(f"{label:<40} {r['p50']:>8.0f} {r['p95']:>8.0f} {r['max']:>8.0f} {r['queries']:>8} {r['bytes']:>11,}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national volume (1.0: the full one)")
    parser.add_argument("--db", default=None, help="database (default hamafza_scale_insights, or _<scale>)")
    parser.add_argument("--regenerate", action="store_true", help="drop the database and generate again")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    db = args.db or (
        "hamafza_scale_insights" if args.scale == 1.0 else f"hamafza_scale_insights_{args.scale:g}".replace(".", "_")
    )
    fresh = args.regenerate or not database_exists(db)
    if fresh:
        drop_create(db)
    setup_django(db)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if fresh:
        from bench.scale.generate import Generator

        call_command("load_taxonomy", verbosity=0)
        started = time.monotonic()
        Generator(scale=args.scale, seed=args.seed, log=note).run()
        note(f"issue-19 volume generated in {time.monotonic() - started:.0f} s")
    from hamafza.pilots.models import Pilot

    if not Pilot.objects.exists():
        started = time.monotonic()
        counts = generate_pilots_and_agreements(seed=args.seed)
        note(f"pilots and agreements generated in {time.monotonic() - started:.0f} s: {counts}")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return report(args.repeat)


def report(repeat: int) -> int:
    from django.db.models import Count
    from django.test import Client

    from hamafza.accounts.models import CityRole, User
    from hamafza.challenges.models import Call
    from hamafza.core.models import City
    from hamafza.directory.models import Organization
    from hamafza.pilots.models import Agreement, Pilot
    from hamafza.proposals.models import Proposal

    volume = {
        "cities": City.objects.count(),
        "organizations": Organization.objects.count(),
        "calls": Call.objects.count(),
        "proposals": Proposal.objects.count(),
        "pilots": Pilot.objects.count(),
        "agreements": Agreement.objects.count(),
    }
    city = City.objects.annotate(n=Count("calls")).order_by("-n").first()
    manager = (
        User.objects.filter(city_roles__city=city, city_roles__role=CityRole.Role.INNOVATION_MANAGER)
        .order_by("pk")
        .first()
    )
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if manager is None or admin is None:
        raise SystemExit("the generated volume has no manager of the largest city or no platform admin")
    from hamafza.insights import open_data, registers
    from hamafza.insights.periods import current_jalali_year

    year = current_jalali_year()
    awards = registers.register_rows("awards", city)
    deep = awards[max(0, awards.count() // 2)]
    deep_cursor = registers.cursor_of("awards", deep)
    ocds_url = f"/fa/c/{city.slug}/open-data/ocds.json"
    pages = [
        ("city dashboard", manager, f"/fa/c/{city.slug}/insights/", {}),
        ("city dashboard, this year", manager, f"/fa/c/{city.slug}/insights/?year={year}", {}),
        ("city dashboard, CSV of a table", manager, f"/fa/c/{city.slug}/insights/?export=per-unit&format=csv", {}),
        ("national dashboard", admin, "/fa/insights/", {}),
        ("national dashboard, this year", admin, f"/fa/insights/?year={year}", {}),
        ("API city figures", manager, f"/api/v1/insights/cities/{city.slug}/figures", {}),
        ("API national figures", admin, "/api/v1/insights/national/figures", {}),
        ("public summary", None, f"/fa/c/{city.slug}/summary/", {}),
        ("register of calls, page 1", None, f"/fa/c/{city.slug}/summary/calls/", {}),
        ("register of awards, deep page", None, f"/fa/c/{city.slug}/summary/awards/?after={deep_cursor}", {}),
        ("register of open calls", None, f"/fa/c/{city.slug}/summary/open-calls/", {}),
        ("API summary", None, f"/api/v1/insights/cities/{city.slug}/summary", {}),
        (
            "API register of awards, deep",
            None,
            f"/api/v1/insights/cities/{city.slug}/registers/awards?after={deep_cursor}",
            {},
        ),
        ("OCDS package", None, ocds_url, {}),
        ("OCDS package, gzip", None, ocds_url, {"HTTP_ACCEPT_ENCODING": "gzip"}),
        ("API OCDS package, gzip", None, f"/api/v1/insights/cities/{city.slug}/ocds", {"HTTP_ACCEPT_ENCODING": "gzip"}),
        ("calendar feed", None, f"/fa/c/{city.slug}/calendar.ics", {}),
    ]
    print(f"load average at start: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    print("volume: " + ", ".join(f"{k} {v:,}" for k, v in volume.items()))
    print(f"largest city: {city.slug} ({city.n:,} calls); {repeat} timed requests per page after one warm-up")
    base = "http://testserver"
    time_build("build of the OCDS package", lambda: open_data.build("ocds", city, base=base, language="fa")[1])
    time_build("build of the calendar feed", lambda: open_data.build("calendar", city, base=base, language="fa")[1])
    print(f"{'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'bytes':>11}")
    for label, user, url, headers in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        _print_row(label, measure(client, url, repeat, **headers))
    etag = Client().get(ocds_url)["ETag"]
    _print_row("OCDS package, conditional GET (304)", measure(Client(), ocds_url, repeat, HTTP_IF_NONE_MATCH=etag))
    print(f"load average at end: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
