"""The page x role pairs the scale benchmark measures (every list, detail, search and dashboard page
and API list, per role), and the weights of the locust mix.

A path holds {placeholders} filled from the targets that bench/scale/prepare.py finds in the
generated database (the showcase call of Tehran with a few hundred proposals, an open call, the
accounts' organizations and proposals...).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = {
    "anon": "",
    "citizen": "citizen",
    "member": "org.member",
    "org_admin": "org.admin",
    "staff": "staff.tehran",
    "facilitator": "facilitator.tehran",
    "judge": "judge.tehran",
    "manager": "manager.tehran",
    "admin": "admin",
}

SEARCH_FA = "بازیافت"
SEARCH_EN = "recycling"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    roles: tuple[str, ...]
    weight: int = 1  # share of the locust mix (per role)


PAGES = [
    # public pages
    Page("home", "/fa/", tuple(ROLES), 6),
    Page("directory p1", "/fa/organizations/", ("anon", "org_admin", "manager"), 4),
    Page("directory deep page", "/fa/organizations/?page={deep_page}", ("anon",), 1),
    Page("directory search fa", f"/fa/organizations/?q={SEARCH_FA}", ("anon", "org_admin"), 3),
    Page("directory search en", f"/en/organizations/?q={SEARCH_EN}", ("anon",), 2),
    Page("directory filter", "/fa/organizations/?province=Tehran&kind=startup", ("anon",), 1),
    Page("organization detail", "/fa/organizations/{org_slug}/", ("anon", "org_admin"), 3),
    Page("cities", "/fa/cities/", ("anon",), 1),
    Page("city page", "/fa/c/tehran/", ("anon",), 1),
    Page("taxonomy", "/fa/taxonomy/", ("anon",), 1),
    Page("calls open", "/fa/challenges/", ("anon", "citizen", "org_admin"), 5),
    Page("calls closed", "/fa/challenges/?status=closed", ("anon", "org_admin"), 2),
    Page("calls results", "/fa/challenges/?status=results", ("anon",), 1),
    Page("calls search", f"/fa/challenges/?q={SEARCH_FA}", ("anon",), 2),
    Page("calls ?mine", "/fa/challenges/?mine=on", ("org_admin", "member"), 2),
    Page("call detail (open)", "/fa/challenges/{open_call}/", ("anon", "org_admin", "manager"), 5),
    Page("call detail (showcase)", "/fa/challenges/{showcase_call}/", ("anon",), 1),
    Page("call results", "/fa/challenges/{results_call}/results/", ("anon",), 1),
    Page("missions", "/fa/missions/", ("anon", "org_admin"), 1),
    Page("mission detail", "/fa/missions/{mission}/", ("anon",), 1),
    # city side
    Page("city calls (Tehran)", "/fa/c/tehran/calls/", ("manager", "staff", "facilitator", "admin"), 2),
    Page("call manage", "/fa/c/tehran/calls/{definition_call}/", ("manager", "facilitator"), 1),
    Page("needs (unit)", "/fa/c/tehran/needs/", ("staff",), 2),
    Page("triage inbox", "/fa/c/tehran/triage/", ("manager",), 2),
    Page("need detail (triage)", "/fa/c/tehran/needs/{need}/", ("manager",), 1),
    Page("my reports", "/fa/report-problem/mine/", ("citizen",), 1),
    Page("notifications", "/fa/notifications/", ("citizen", "manager"), 1),
    # proposals and evaluation
    Page("proposals", "/fa/proposals/", ("manager", "org_admin", "member", "judge", "admin"), 3),
    Page("call's proposals", "/fa/proposals/?call={showcase_call}", ("manager",), 2),
    Page("proposals search", f"/fa/proposals/?q={SEARCH_FA}", ("manager", "org_admin"), 1),
    Page("proposal detail", "/fa/proposals/{proposal_manager}/", ("manager",), 2),
    Page("proposal detail (own)", "/fa/proposals/{proposal_org}/", ("org_admin",), 2),
    Page("proposal detail (judge)", "/fa/proposals/{proposal_judge}/", ("judge",), 1),
    Page("proposal scores", "/fa/proposals/{proposal_manager}/scores/", ("manager",), 1),
    Page("evaluation", "/fa/calls/{showcase_call}/evaluation/", ("manager",), 2),
    Page("export csv", "/fa/calls/{showcase_call}/proposals.csv", ("manager",), 1),
    Page("judge queue", "/fa/judging/", ("judge",), 2),
    Page("judge scoring", "/fa/judging/proposals/{proposal_judge}/", ("judge",), 1),
    # matching, consortia, account
    Page("calls for you", "/fa/organizations/{org_slug}/calls-for-you/", ("org_admin",), 1),
    Page("organizations to invite", "/fa/organizations/to-invite/{open_call}/", ("manager",), 1),
    Page("my consortia", "/fa/consortia/", ("org_admin",), 1),
    Page("profile", "/fa/accounts/profile/", ("member",), 1),
    # Django admin change lists
    Page("admin organizations", "/fa/admin/directory/organization/", ("admin",), 1),
    Page("admin proposals", "/fa/admin/proposals/proposal/", ("admin",), 1),
    Page("admin calls", "/fa/admin/challenges/call/", ("admin",), 1),
    Page("admin users", "/fa/admin/accounts/user/", ("admin",), 1),
    # REST API lists (and a few details)
    Page("API organizations", "/api/v1/organizations", ("anon",), 3),
    Page("API organizations ?q en", f"/api/v1/organizations?q={SEARCH_EN}", ("anon",), 2),
    Page("API organizations ?q fa", f"/api/v1/organizations?q={SEARCH_FA}", ("anon",), 1),
    Page("API organizations deep", "/api/v1/organizations?page={deep_api_page}", ("anon",), 1),
    Page("API organizations filter", "/api/v1/organizations?province=Tehran&kind=startup", ("anon",), 1),
    Page("API calls", "/api/v1/calls", ("anon",), 3),
    Page("API calls open", "/api/v1/calls?status=open", ("anon",), 2),
    Page("API calls closed", "/api/v1/calls?status=closed", ("anon",), 1),
    Page("API calls city+q", f"/api/v1/calls?city=tehran&q={SEARCH_FA}", ("anon",), 1),
    Page("API calls ?open_to", "/api/v1/calls?open_to={org_slug}", ("org_admin",), 1),
    Page("API call detail", "/api/v1/calls/{open_call}", ("anon",), 2),
    Page("API proposals", "/api/v1/proposals", ("manager", "org_admin", "judge"), 2),
    Page("API proposals ?call", "/api/v1/proposals?call={showcase_call}", ("manager",), 1),
    Page("API city needs", "/api/v1/cities/tehran/needs", ("manager", "staff"), 1),
    Page("API city calls", "/api/v1/cities/tehran/calls", ("manager",), 1),
    Page("API judging", "/api/v1/judging", ("judge",), 1),
    Page("API ranking", "/api/v1/calls/{showcase_call}/ranking", ("manager",), 1),
    Page("API call matches", "/api/v1/challenges/{open_call}/matches", ("manager",), 1),
    Page("API org matches", "/api/v1/organizations/{org_slug}/matches", ("org_admin",), 1),
    Page("API missions", "/api/v1/missions", ("anon",), 1),
    Page("API consortia", "/api/v1/consortia", ("org_admin",), 1),
    Page("API me", "/api/v1/me", ("member",), 1),
    Page("API cities", "/api/v1/cities", ("anon",), 1),
]


def pairs(targets: dict, only: str = "") -> list[dict]:
    """Every (page, role) with its filled path, in the table's order; `only`: the pairs whose name
    contains one of its "|"-separated parts."""
    parts = [part for part in only.lower().split("|") if part]
    out = []
    for page in PAGES:
        for role in page.roles:
            name = f"{page.name} ({role})"
            if parts and not any(part in name.lower() for part in parts):
                continue
            out.append({"page": page.name, "role": role, "path": page.path.format(**targets), "weight": page.weight})
    return out
