"""Pilots: the ones the caller may see, one pilot, starting one from an awarded proposal, its plan,
its state transitions (with the audit trail) and scaling a completed pilot up into an agreement."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import NO_NUL, InputSchema, city_from_slug, id_param, unit_from_slug
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.pilots import rules, selectors, services
from hamafza.pilots.api.common import REFUSED_DOC, pilot_for
from hamafza.pilots.models import Agreement, Pilot
from hamafza.proposals.models import Proposal

router = ApiRouter()

PilotState = Literal[tuple(Pilot.State.values)]  # type: ignore[valid-type]
AgreementKind = Literal[tuple(Agreement.Kind.values)]  # type: ignore[valid-type]
MAX_RIAL = 10**16


class PilotPartyOut(Schema):
    organization: str = Field(alias="organization.slug", description="The organization's slug.")
    organization_name: str = Field(alias="organization.display_name")
    role: Literal["lead", "member"]
    role_name: str = Field(description="Its role in the consortium, if any.")
    share_percent: float | None


class PilotOut(Schema):
    id: int
    title: str
    city: str = Field(alias="city.slug")
    unit: str = Field(alias="unit.slug", description="The host unit's slug.")
    call: int = Field(alias="call_id")
    proposal: int = Field(alias="proposal_id", description="The awarded proposal.")
    state: PilotState
    start_date: datetime.date | None
    end_date: datetime.date | None
    created_at: datetime.datetime
    completed_at: datetime.datetime | None


class PilotDetailOut(PilotOut):
    summary: str
    stop_reason: str
    parties: list[PilotPartyOut]
    confidential: bool = Field(alias="api_confidential", description="Whether you see the budget, payments and files.")
    approved_budget_rial: int | None = Field(
        alias="api_budget", description="Null unless you see the confidential parts."
    )
    can_manage: bool = Field(alias="api_can_manage")


class PilotTransitionOut(Schema):
    from_state: str = Field(description="Empty for the start.")
    to_state: PilotState
    reason: str
    by: str | None = Field(description="The name of who did it.")
    at: datetime.datetime


class PilotFilters(ListQuery):
    city: str | None = Field(None, max_length=60, pattern=NO_NUL, description="Only this city's pilots (slug).")
    state: PilotState | None = None
    ordering: ordering_param("created_at", "end_date") | None = None


class PilotStartIn(InputSchema):
    unit: str | None = Field(
        None, max_length=60, pattern=NO_NUL, description="The host unit's slug (default: the canvas's pilot site)."
    )
    title: str = Field("", max_length=200, pattern=NO_NUL, description="Default: the proposal's title.")


class PilotPlanPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL)
    summary: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="The host unit's slug.")
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    approved_budget_rial: int | None = Field(None, ge=0, le=MAX_RIAL)


class PilotTransitionIn(InputSchema):
    to_state: PilotState
    reason: str = Field("", max_length=2000, pattern=NO_NUL, description="Required to stop the pilot.")


class ScaleUpIn(InputSchema):
    kind: AgreementKind = "cooperation"
    title: str = Field("", max_length=200, pattern=NO_NUL)


def pilot_detail_of(request, pilot: Pilot) -> Pilot:
    """The pilot with what the caller may see of its confidential parts."""
    pilot.api_confidential = rules.can(request.user, "pilots.view_pilot_confidential", pilot)
    pilot.api_budget = pilot.approved_budget_rial if pilot.api_confidential else None
    pilot.api_can_manage = rules.can(request.user, "pilots.manage_pilot", pilot)
    return pilot


def _detail(request, pilot_id: int) -> Pilot:
    return pilot_detail_of(request, selectors.pilot_get_for(user=request.user, pk=pilot_id))


@router.get(
    "/pilots",
    response=page_of(PilotOut),
    summary="Pilots you may see",
    description="The city's managers, the host unit's staff (and the staff of the city's other units) and the "
    "members of the party organizations see a pilot; newest first.",
)
def pilot_list(request, filters: Query[PilotFilters]):
    city = city_from_slug(filters.city, "query.city") if filters.city else None
    qs = selectors.pilot_list_for(user=request.user, city=city, state=filters.state or "")
    return paginate(order(qs, filters.ordering, default=("-created_at",)), filters)


@router.post(
    "/proposals/{proposal_id}/pilot",
    response={201: PilotDetailOut},
    summary="Start a pilot from an awarded proposal",
    description="The innovation managers of the proposal's city (404 for others). The applicant (and a "
    "consortium's members) become the parties; the canvas's KPI is copied in. 409 `refused` when the "
    "proposal is not awarded or already has a pilot.",
    openapi_extra=REFUSED_DOC,
)
def pilot_start(request, payload: PilotStartIn, proposal_id: int = id_param("The proposal's id.")):
    proposal = Proposal.objects.select_related("city").filter(pk=proposal_id).first()
    if proposal is None or not rules.can(request.user, "pilots.start_pilot", proposal):
        raise Http404
    unit = unit_from_slug(proposal.city, payload.unit, "body.unit")
    pilot = services.pilot_start(proposal=proposal, by=request.user, unit=unit, title=payload.title)
    return Status(201, _detail(request, pilot.pk))


@router.get("/pilots/{pilot_id}", response=PilotDetailOut, summary="One pilot")
def pilot_detail(request, pilot_id: int = id_param("The pilot's id.")):
    return _detail(request, pilot_id)


@router.patch(
    "/pilots/{pilot_id}",
    response=PilotDetailOut,
    summary="Change a pilot's plan",
    description="The city's managers, while the pilot is open (409 `refused` after). Fields left out are kept.",
    openapi_extra=REFUSED_DOC,
)
def pilot_update(request, payload: PilotPlanPatch, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n in ("title", "summary", "unit") if n in changes and changes[n] is None]
    if nulls:
        raise invalid_parameters([{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls])
    if "unit" in changes:
        changes["unit"] = unit_from_slug(pilot.city, changes["unit"], "body.unit")
    services.pilot_update_plan(pilot=pilot, by=request.user, **changes)
    return _detail(request, pilot.pk)


@router.get(
    "/pilots/{pilot_id}/transitions",
    response=list[PilotTransitionOut],
    summary="The audit trail of a pilot's states",
)
def pilot_transitions(request, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id)
    return [
        {
            "from_state": t.from_state,
            "to_state": t.to_state,
            "reason": t.reason,
            "by": t.by.display_name if t.by else None,
            "at": t.at,
        }
        for t in pilot.transitions.select_related("by")
    ]


@router.post(
    "/pilots/{pilot_id}/transitions",
    response=PilotDetailOut,
    summary="Move a pilot to another state",
    description="The city's managers: planned → running (dates and a KPI set) → paused ⇄ running → completed "
    "(final report approved), or stopped with a `reason`. 409 `refused` otherwise.",
    openapi_extra=REFUSED_DOC,
)
def pilot_transition(request, payload: PilotTransitionIn, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    services.pilot_transition(pilot=pilot, by=request.user, to_state=payload.to_state, reason=payload.reason)
    return _detail(request, pilot.pk)


@router.post(
    "/pilots/{pilot_id}/agreement",
    response={201: int},
    summary="Scale a completed pilot up into a draft agreement",
    description="The city's managers: a draft agreement with the city, the host unit and every party "
    "organization, linked to the pilot and its call. Answers the new agreement's id. 409 `refused` unless "
    "the pilot is completed.",
    openapi_extra=REFUSED_DOC,
)
def pilot_scale_up(request, payload: ScaleUpIn, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    if not payload.kind:
        raise invalid("body.kind", _("This field is required."))
    agreement = services.agreement_from_pilot(pilot=pilot, by=request.user, kind=payload.kind, title=payload.title)
    return Status(201, agreement.pk)
