"""The steps of the scale benchmark that run inside Django (with the production settings and the
benchmark database, as bench/scale_run.py starts them):

    python -m bench.scale.django_steps generate --scale 1 --seed 19   # COPY the volume, print JSON
    python -m bench.scale.django_steps prepare TARGETS_JSON           # targets + sessions, print JSON
    python -m bench.scale.django_steps queries PLAN_JSON              # queries per page, print JSON
    python -m bench.scale.django_steps explain PLAN_JSON              # EXPLAIN ANALYZE the slowest

Each prints one JSON document on its last line of standard output.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path


def _setup():
    import django

    django.setup()


def generate(scale: float, seed: int) -> dict:
    from .generate import Generator

    return Generator(scale=scale, seed=seed, log=lambda line: print(line, file=sys.stderr, flush=True)).run()


def prepare(targets: dict) -> dict:
    """Fill the remaining targets from the database and open one session per role."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from hamafza.challenges.models import Call, Need
    from hamafza.directory.models import Organization
    from hamafza.proposals.models import ConflictDeclaration, Proposal

    from .generate import DOMAIN
    from .pages import ROLES

    t = dict(targets)
    t["org_slug"] = t["org_admin_org"]
    # a call in problem definition that the facilitator account works on
    t["definition_call"] = (
        Call.objects.filter(
            city__slug="tehran", state="in_definition", facilitators__email=f"facilitator.tehran@{DOMAIN}"
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    ).first() or t["definition_call"]
    t["results_call"] = (
        Call.objects.filter(city__slug="tehran", state="results_published").order_by("-pk").values_list("pk", flat=True)
    ).first()
    t["need"] = (
        Need.objects.filter(city__slug="tehran", status="submitted").order_by("-pk").values_list("pk", flat=True)
    ).first()
    t["proposal_manager"] = (
        Proposal.objects.filter(call_id=t["showcase_call"], status="submitted")
        .order_by("pk")
        .values_list("pk", flat=True)
    ).first()
    t["proposal_org"] = (
        Proposal.objects.filter(organization__slug=t["org_slug"]).order_by("-pk").values_list("pk", flat=True)
    ).first()
    t["proposal_judge"] = (
        ConflictDeclaration.objects.filter(
            member__user__email=f"judge.tehran@{DOMAIN}",
            has_conflict=False,
            member__panel__status="scoring",
            proposal__status="submitted",
        )
        .order_by("proposal_id")
        .values_list("proposal_id", flat=True)
    ).first()
    n_orgs = Organization.objects.count()
    t["deep_page"] = max(2, min(2000, math.ceil(n_orgs / 24) // 2))
    t["deep_api_page"] = max(2, min(2500, math.ceil(n_orgs / 20) // 2))
    missing = [k for k, v in t.items() if v is None]
    if missing:
        raise SystemExit(f"the generated database lacks targets: {', '.join(missing)}")
    sessions = {}
    users = get_user_model().objects
    for role, local in ROLES.items():
        if not local:
            continue
        client = Client()
        client.force_login(users.get(email=f"{local}@{DOMAIN}"))
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"targets": t, "sessions": sessions, "session_cookie": settings.SESSION_COOKIE_NAME}


def queries(plan: dict) -> list[dict]:
    """Each pair once through Django's test client after a warm-up request: queries, status, bytes."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    for pair in plan["pairs"]:
        client = Client()
        cookie = plan["sessions"].get(pair["role"])
        if cookie:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        client.get(pair["path"])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(pair["path"])
            body = response.getvalue()  # a streamed response reads its rows here
        out.append(
            {
                "page": pair["page"],
                "role": pair["role"],
                "queries": len(ctx.captured_queries),
                "status": response.status_code,
                "bytes": len(body),
            }
        )
        print(f"  {pair['page']} ({pair['role']}): {len(ctx.captured_queries)} queries", file=sys.stderr, flush=True)
    return out


def explain(plan: dict, *, top: int = 2) -> list[dict]:
    """For each pair: its queries by time, and EXPLAIN (ANALYZE, BUFFERS) of the `top` slowest."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    for pair in plan["pairs"]:
        client = Client()
        cookie = plan["sessions"].get(pair["role"])
        if cookie:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        client.get(pair["path"])
        with CaptureQueriesContext(connection) as ctx:
            client.get(pair["path"]).getvalue()  # a streamed response reads its rows here
        captured = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        plans = []
        for query in captured[:top]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plans.append({"ms": float(query["time"]) * 1000, "sql": query["sql"], "plan": cursor.fetchall()})
        out.append(
            {
                "page": pair["page"],
                "role": pair["role"],
                "sql_ms": sum(float(q["time"]) for q in captured) * 1000,
                "queries": len(captured),
                "slowest": plans,
            }
        )
    return out


def main(argv: list[str]) -> None:
    _setup()
    step = argv[0]
    if step == "generate":
        scale = float(argv[argv.index("--scale") + 1])
        seed = int(argv[argv.index("--seed") + 1])
        result = generate(scale, seed)
    elif step == "prepare":
        result = prepare(json.loads(Path(argv[1]).read_text()))
    elif step == "queries":
        result = queries(json.loads(Path(argv[1]).read_text()))
    elif step == "explain":
        result = explain(json.loads(Path(argv[1]).read_text()))
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
