"""Reads of the consortia app. Each page's data comes in a fixed number of queries, whatever the
number of roles, members, invitations or candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.models import Call
from hamafza.consortia.models import (
    Consortium,
    ConsortiumInvitation,
    Mission,
    MissionRole,
    ProposalRun,
)
from hamafza.consortia.rules import admin_org_ids, member_org_ids
from hamafza.core.models import Capability
from hamafza.directory.models import Organization, OrganizationMembership


def _target_kwargs(target) -> dict:
    return {"mission": target} if isinstance(target, Mission) else {"call": target}


# --------------------------------------------------------------------------------------------
# Missions and targets
# --------------------------------------------------------------------------------------------
def _count_of(related: QuerySet, by: str) -> Coalesce:
    """The number of rows of `related` (filtered on ``by = OuterRef("pk")``) as a scalar subquery."""
    counted = related.filter(**{by: OuterRef("pk")}).order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def mission_list(*, city=None):
    """Missions (public), newest first, with their city and the number of roles and consortia."""
    # The counts are subqueries read for the rows shown (a page), not a GROUP BY over every
    # mission's roles and consortia before the LIMIT (issue 19).
    qs = Mission.objects.select_related("city").annotate(
        n_roles=_count_of(MissionRole.objects, "mission_id"),
        n_consortia=_count_of(Consortium.objects, "mission_id"),
    )
    if city is not None:
        qs = qs.filter(city=city)
    return qs.order_by("-created_at", "-pk")


def mission_get(*, pk: int) -> Mission:
    try:
        return Mission.objects.select_related("city", "call").get(pk=pk)
    except Mission.DoesNotExist as exc:
        raise Http404("No such mission") from exc


def call_target_get(*, call_id: int, user):
    """A call as a consortium target: visible to whoever may see the call, else 404."""
    try:
        call = Call.objects.select_related("city").get(pk=call_id)
    except Call.DoesNotExist as exc:
        raise Http404("No such call") from exc
    if not user.has_perm("challenges.view_call", call):
        raise Http404("No such call")
    return call


def roles_of(target):
    return (
        MissionRole.objects.filter(**_target_kwargs(target))
        .prefetch_related(Prefetch("capabilities", queryset=Capability.objects.select_related("domain")))
        .order_by("position", "pk")
    )


def consortia_visible(*, target, user, manager: bool):
    """The target's consortia the user may see: all for its manager, else those whose lead, member
    or invited organization the user belongs to."""
    qs = Consortium.objects.filter(**_target_kwargs(target)).select_related("lead")
    if not manager:
        mine = member_org_ids(user)
        if not mine:
            return Consortium.objects.none()
        qs = qs.filter(
            Q(lead_id__in=mine) | Q(members__organization_id__in=mine) | Q(invitations__organization_id__in=mine)
        ).distinct()
    return qs.annotate(n_members=Count("members__organization", distinct=True)).order_by("-created_at", "-pk")


def runs_of(*, target, limit: int = 5):
    return list(ProposalRun.objects.filter(**_target_kwargs(target)).select_related("created_by")[:limit])


# --------------------------------------------------------------------------------------------
# A run of the optimiser, ready for the page
# --------------------------------------------------------------------------------------------
@dataclass
class Seat:
    role: dict
    fitness: float | None
    capabilities: list


@dataclass
class ProposedMember:
    organization: object
    seats: list[Seat]
    locality: float
    track_record: float
    can_lead: bool = False


@dataclass
class ProposedConsortium:
    rank: int
    objective: float
    gap: float | None
    status: str
    breakdown: dict
    members: list[ProposedMember] = field(default_factory=list)


def _capabilities_by_code(codes) -> dict:
    return {c.code: c for c in Capability.objects.filter(code__in=set(codes))}


def run_view(*, run: ProposalRun, user) -> dict:
    """The proposed consortia of a run with organizations, role names, fitness and capability
    names; the roles nobody eligible can fill (with how many were found); whether fewer consortia
    than asked for exist. Two queries (organizations, capabilities) whatever the size."""
    doc = run.result or {}
    roles = {r["code"]: r for r in doc.get("roles", [])}
    consortia_doc = doc.get("consortia", [])
    ids = {int(m["organization"]) for c in consortia_doc for m in c["members"]}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    codes = {code for r in roles.values() for code in r["capabilities"]}
    codes |= {
        code for c in consortia_doc for m in c["members"] for a in m["roles"] for code in a["capabilities_matched"]
    }
    caps = _capabilities_by_code(codes)
    admin_of = admin_org_ids(user)
    consortia = []
    for c in consortia_doc:
        pc = ProposedConsortium(c["rank"], c["objective"], c.get("gap"), c.get("status", ""), c.get("breakdown", {}))
        for m in c["members"]:
            org = orgs.get(int(m["organization"]))
            if org is None:  # removed since the run
                continue
            seats = [
                Seat(
                    roles.get(a["role"], {"code": a["role"], "name": a["role_name"]}),
                    a.get("fitness"),
                    [caps.get(code) or code for code in a.get("capabilities_matched", [])],
                )
                for a in m["roles"]
            ]
            pc.members.append(
                ProposedMember(org, seats, m.get("locality", 0.0), m.get("track_record", 0.0), org.pk in admin_of)
            )
        consortia.append(pc)
    candidates = doc.get("candidates", {})
    infeasible = []
    for code in doc.get("infeasible_roles", []):
        role = roles.get(code, {"code": code, "name": code, "min": 1})
        found = len(candidates.get(code, []))
        if role.get("min", 1) > run.max_members:
            text = _("%(role)s needs %(min)s members, but a consortium may have at most %(n)s.") % {
                "role": role["name"],
                "min": role["min"],
                "n": run.max_members,
            }
        else:
            text = _("%(role)s needs %(min)s eligible organization(s); %(found)s found.") % {
                "role": role["name"],
                "min": role.get("min", 1),
                "found": found,
            }
        infeasible.append({"role": role, "found": found, "text": text})
    joint = ""
    if not consortia and not infeasible:
        match = re.search(r"needs (?:between \d+ and )?(\d+) members", doc.get("reason", ""))
        joint = _(
            "Every role has eligible organizations, but no consortium of at most %(n)s members "
            "fills all roles together."
        ) % {"n": run.max_members}
        if match:
            joint += " " + _("The smallest such consortium needs %(m)s members.") % {"m": match.group(1)}
        elif not candidates or not any(candidates.values()):
            joint = _("No organization is an eligible candidate for any role.")
    role_rows = [
        {
            **r,
            "capability_objects": [caps.get(code) or code for code in r["capabilities"]],
            "candidates": len(candidates.get(r["code"], [])),
        }
        for r in doc.get("roles", [])
    ]
    return {
        "consortia": consortia,
        "roles": role_rows,
        "infeasible": infeasible,
        "joint_reason": joint,
        "fewer": bool(consortia) and len(consortia) < run.top,
        "stats": doc.get("stats", {}),
    }


def run_get(*, pk: int) -> ProposalRun:
    try:
        return ProposalRun.objects.select_related("mission__city", "call__city", "created_by").get(pk=pk)
    except ProposalRun.DoesNotExist as exc:
        raise Http404("No such run") from exc


# --------------------------------------------------------------------------------------------
# Consortia
# --------------------------------------------------------------------------------------------
def consortium_get(*, pk: int) -> Consortium:
    try:
        return Consortium.objects.select_related(
            "lead", "mission__city", "mission__call", "call__city", "run", "proposal"
        ).get(pk=pk)
    except Consortium.DoesNotExist as exc:
        raise Http404("No such consortium") from exc


def consortium_coverage(*, consortium: Consortium, roles=None, members=None, invitations=None) -> dict:
    """Per role: accepted members, pending invitations, minimum and maximum, whether the minimum
    is met; and whether the consortium is complete (every role has its minimum)."""
    if roles is None:
        roles = list(MissionRole.objects.filter(mission_id=consortium.mission_id, call_id=consortium.call_id))
    if members is None:
        members = list(consortium.members.select_related("organization"))
    if invitations is None:
        invitations = list(consortium.invitations.filter(status="pending").select_related("organization"))
    rows = []
    for role in roles:
        mine = [m for m in members if m.role_id == role.pk]
        pending = [i for i in invitations if i.role_id == role.pk and i.status == "pending"]
        rows.append(
            {
                "role": role,
                "members": mine,
                "pending": pending,
                "filled": len(mine) >= role.min_members,
                "full": len(mine) >= role.max_members,
            }
        )
    return {
        "rows": rows,
        "complete": bool(rows) and all(r["filled"] for r in rows),
        "organizations": len({m.organization_id for m in members}),
    }


def consortium_page(*, consortium: Consortium) -> dict:
    """Everything the consortium page shows, in a fixed number of queries: the coverage per role
    with member and capability names, every invitation, and per role the run's proposed members and
    eligible candidates not yet in or invited (for the lead's invite form)."""
    roles = list(
        MissionRole.objects.filter(mission_id=consortium.mission_id, call_id=consortium.call_id)
        .prefetch_related("capabilities")
        .order_by("position", "pk")
    )
    members = list(consortium.members.select_related("organization"))
    invitations = list(consortium.invitations.select_related("organization", "role", "invited_by", "responded_by"))
    coverage = consortium_coverage(
        consortium=consortium, roles=roles, members=members, invitations=[i for i in invitations if i.is_pending]
    )
    run_doc = consortium.run.result if consortium.run_id else {}
    proposed_doc = next((c for c in run_doc.get("consortia", []) if c.get("rank") == consortium.rank), None)
    proposed: dict[str, list[str]] = {}
    if proposed_doc:
        for m in proposed_doc["members"]:
            for a in m["roles"]:
                proposed.setdefault(a["role"], []).append(m["organization"])
    candidates = run_doc.get("candidates", {})
    ids = {int(e["organization"]) for lst in candidates.values() for e in lst}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=ids)} if ids else {}
    codes = {code for lst in candidates.values() for e in lst for code in e.get("capabilities", [])}
    codes |= {code for m in members for code in m.capabilities_matched}
    codes |= {code for i in invitations for code in i.capabilities_matched}
    caps = _capabilities_by_code(codes)
    busy = {(m.role_id, m.organization_id) for m in members} | {
        (i.role_id, i.organization_id) for i in invitations if i.is_pending
    }
    for row in coverage["rows"]:
        role = row["role"]
        choices = []
        for e in candidates.get(role.code, []):
            org = orgs.get(int(e["organization"]))
            if org is None or (role.pk, org.pk) in busy:
                continue
            choices.append(
                {
                    "organization": org,
                    "fitness": e["fitness"],
                    "capabilities": [caps.get(c) or c for c in e.get("capabilities", [])],
                    "proposed": e["organization"] in proposed.get(role.code, []),
                }
            )
        choices.sort(key=lambda c: (not c["proposed"], -c["fitness"]))
        row["choices"] = choices
        for m in row["members"]:
            m.capability_objects = [caps.get(c) or c for c in m.capabilities_matched]
    for i in invitations:
        i.capability_objects = [caps.get(c) or c for c in i.capabilities_matched]
    return {"coverage": coverage, "invitations": invitations, "roles": roles}


def invitations_for_user(*, user):
    """Pending invitations to the user's organizations (any membership), with what the page shows."""
    mine = member_org_ids(user)
    if not mine:
        return ConsortiumInvitation.objects.none()
    return (
        ConsortiumInvitation.objects.filter(organization_id__in=mine, status="pending")
        .select_related("organization", "role", "consortium__lead", "consortium__mission", "consortium__call")
        .order_by("-created_at", "-pk")
    )


def consortia_for_user(*, user):
    """Consortia the user's organizations lead or belong to."""
    mine = member_org_ids(user)
    if not mine:
        return Consortium.objects.none()
    return (
        Consortium.objects.filter(Q(lead_id__in=mine) | Q(members__organization_id__in=mine))
        .distinct()
        .select_related("lead", "mission", "call")
        .order_by("-created_at", "-pk")
    )


def application_readers(user):
    """The ids of the proposals `user` reads as an admin of a member organization of the consortium
    that applied with them (the proposals' reader hook). Only the lead's members edit them."""
    admin_orgs = OrganizationMembership.objects.filter(user_id=user.pk, role=OrganizationMembership.Role.ADMIN).values(
        "organization_id"
    )
    return (
        Consortium.objects.filter(proposal__isnull=False, members__organization_id__in=admin_orgs)
        .values_list("proposal_id", flat=True)
        .distinct()
    )


# --------------------------------------------------------------------------------------------
# Navigation (registered in apps.py)
# --------------------------------------------------------------------------------------------
def missions_navigation(request, flags) -> list[dict]:
    """The public list of missions (navigation order 50)."""
    return [{"label": pgettext_lazy("menu", "Missions"), "url": reverse("consortia:mission_list"), "group": "explore"}]


def my_consortia_navigation(request, flags) -> list[dict]:
    """ "My consortia" for members of an organization (navigation order 90, flag ``has_org``)."""
    if flags.get("has_org"):
        return [
            {"label": pgettext_lazy("menu", "My consortia"), "url": reverse("consortia:my_consortia"), "group": "work"}
        ]
    return []
