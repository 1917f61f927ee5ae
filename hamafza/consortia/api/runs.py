"""Proposal runs of the consortium optimiser, for a mission or a call, and forming one of the
proposed consortia. A run the caller may not see is a 404."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from hamafza.consortia import selectors, services
from hamafza.consortia.api.common import REFUSED_DOC, code_of, target_of
from hamafza.consortia.api.consortia import ConsortiumDetailOut, consortium_detail_of
from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.params import NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.models import Organization

router = ApiRouter()


class ProposeIn(InputSchema):
    top: int = Field(5, ge=1, le=services.TOP_MAX, description="How many consortia to propose.")
    max_members: int = Field(
        6, ge=1, le=services.MEMBERS_MAX, description="Distinct member organizations per consortium at most."
    )


class SeatOut(Schema):
    role: str = Field(description="The role's code.")
    role_name: str
    fitness: float | None
    capabilities: list[str] = Field(description="The capability codes matched for this role.")


class ProposedMemberOut(Schema):
    organization: str = Field(description="The organization's slug.")
    organization_name: str
    locality: float
    track_record: float
    can_lead: bool = Field(description="Whether you are an admin of it (and may form the consortium it leads).")
    seats: list[SeatOut]


class ProposedConsortiumOut(Schema):
    rank: int = Field(description="Send it as `rank` to form this consortium.")
    objective: float
    gap: float | None = Field(description="The optimality gap (0 when proven optimal).")
    status: str
    members: list[ProposedMemberOut]


class RunRoleOut(Schema):
    code: str
    name: str
    min: int
    max: int
    capabilities: list[str]
    candidates: int = Field(description="Eligible candidates found for the role.")


class InfeasibleRoleOut(Schema):
    role: str = Field(description="The role's code.")
    found: int = Field(description="Eligible candidates found.")
    reason: str


class RunOut(Schema):
    id: int
    mission: int | None
    call: int | None
    top: int
    max_members: int
    created_at: datetime.datetime
    roles: list[RunRoleOut]
    consortia: list[ProposedConsortiumOut]
    infeasible: list[InfeasibleRoleOut] = Field(description="Roles nobody eligible can fill.")
    reason: str = Field(description="Why no consortium was proposed when every role has candidates; else empty.")
    fewer: bool = Field(description="Fewer consortia exist than were asked for.")


class FormIn(InputSchema):
    lead: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="The lead organization's slug.")
    rank: int = Field(ge=1, le=1000, description="The proposed consortium's rank in the run.")


def _run_out(run, user) -> dict:
    view = selectors.run_view(run=run, user=user)
    return {
        "id": run.pk,
        "mission": run.mission_id,
        "call": run.call_id,
        "top": run.top,
        "max_members": run.max_members,
        "created_at": run.created_at,
        "roles": [
            {
                "code": r["code"],
                "name": r["name"],
                "min": r["min"],
                "max": r["max"],
                "capabilities": list(r["capabilities"]),
                "candidates": r["candidates"],
            }
            for r in view["roles"]
        ],
        "consortia": [
            {
                "rank": c.rank,
                "objective": c.objective,
                "gap": c.gap,
                "status": c.status,
                "members": [
                    {
                        "organization": m.organization.slug,
                        "organization_name": m.organization.display_name,
                        "locality": m.locality,
                        "track_record": m.track_record,
                        "can_lead": m.can_lead,
                        "seats": [
                            {
                                "role": s.role.get("code", ""),
                                "role_name": s.role.get("name", ""),
                                "fitness": s.fitness,
                                "capabilities": [code_of(c) for c in s.capabilities],
                            }
                            for s in m.seats
                        ],
                    }
                    for m in c.members
                ],
            }
            for c in view["consortia"]
        ],
        "infeasible": [
            {"role": i["role"].get("code", ""), "found": i["found"], "reason": i["text"]} for i in view["infeasible"]
        ],
        "reason": view["joint_reason"],
        "fewer": view["fewer"],
    }


def _propose(request, target, payload: ProposeIn):
    ensure_perm(request, "consortia.propose_consortia", target)
    run = services.consortia_propose(target=target, by=request.user, top=payload.top, max_members=payload.max_members)
    return Status(201, _run_out(run, request.user))


PROPOSE_DESCRIPTION = (
    "The target's managers. Runs the exact optimiser over the eligible candidates of every role and "
    "stores the run: the `top` best consortia with members, roles, fitness, matched capabilities, "
    "objective and gap, or the roles nobody eligible can fill. 409 `refused` without roles."
)


@router.post(
    "/missions/{mission_id}/proposals-run",
    response={201: RunOut},
    summary="Propose consortia for a mission",
    description=PROPOSE_DESCRIPTION,
    openapi_extra=REFUSED_DOC,
)
def mission_propose(request, payload: ProposeIn, mission_id: int = id_param("The mission's id.")):
    return _propose(request, target_of(request, "mission", mission_id), payload)


@router.post(
    "/calls/{call_id}/consortium-runs",
    response={201: RunOut},
    summary="Propose consortia for a call",
    description=PROPOSE_DESCRIPTION,
    openapi_extra=REFUSED_DOC,
)
def call_propose(request, payload: ProposeIn, call_id: int = id_param("The call's id.")):
    return _propose(request, target_of(request, "call", call_id), payload)


@router.get(
    "/consortium-runs/{run_id}",
    response=RunOut,
    summary="A proposal run",
    description="The target's managers and members of the organizations proposed in it; 404 for others.",
)
def run_detail(request, run_id: int = id_param("The run's id.")):
    run = selectors.run_get(pk=run_id)
    ensure_perm(request, "consortia.view_run", run, hide=True)
    return _run_out(run, request.user)


@router.post(
    "/consortium-runs/{run_id}/form",
    response={201: ConsortiumDetailOut},
    summary="Form a proposed consortium",
    description="An admin of the lead organization, which must be a member of the consortium proposed at `rank`. "
    "The lead's seats become accepted members; the lead's admins then invite the others. 409 `refused` "
    "when the lead already leads a consortium for the target or the roles changed since the run.",
    openapi_extra=REFUSED_DOC,
)
def consortium_form(request, payload: FormIn, run_id: int = id_param("The run's id.")):
    run = selectors.run_get(pk=run_id)
    ensure_perm(request, "consortia.form_consortium", run, hide=True)
    lead = Organization.objects.filter(slug=payload.lead).first()
    if lead is None:
        raise invalid("body.lead", _("No such organization."))
    consortium = services.consortium_form(run=run, rank=payload.rank, lead=lead, by=request.user)
    return Status(201, consortium_detail_of(request, selectors.consortium_get(pk=consortium.pk)))
