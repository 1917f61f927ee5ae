"""A pilot's milestones (set by the managers, submitted by the company, accepted or returned with a
reason by the host unit's staff) and its payments against them (planned vs paid; confidential)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.pilots import selectors, services
from hamafza.pilots.api.common import REFUSED_DOC, pilot_confidential_for, pilot_for
from hamafza.pilots.models import Milestone, Payment

router = ApiRouter()
MAX_RIAL = 10**16


class PilotMilestoneOut(Schema):
    id: int
    title: str
    description: str
    due_date: datetime.date
    status: Literal[tuple(Milestone.Status.values)]  # type: ignore[valid-type]
    return_reason: str
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None


class PilotMilestoneIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=5000, pattern=NO_NUL)
    due_date: datetime.date


class PilotMilestoneReviewIn(InputSchema):
    accept: bool = Field(description="true accepts, false returns (then `reason` is required).")
    reason: str = Field("", max_length=2000, pattern=NO_NUL)


class PilotPaymentOut(Schema):
    id: int
    milestone: int | None = Field(alias="milestone_id")
    planned_rial: int
    paid_rial: int | None
    paid_on: datetime.date | None
    note: str


class PilotPaymentIn(InputSchema):
    milestone: int | None = Field(None, ge=1, le=MAX_ID, description="One of the pilot's milestones.")
    planned_rial: int = Field(ge=0, le=MAX_RIAL)
    paid_rial: int | None = Field(None, ge=0, le=MAX_RIAL, description="With `paid_on`, once paid.")
    paid_on: datetime.date | None = None
    note: str = Field("", max_length=300, pattern=NO_NUL)


def _milestone(pilot, milestone_id: int) -> Milestone:
    milestone = pilot.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return milestone


@router.get("/pilots/{pilot_id}/milestones", response=list[PilotMilestoneOut], summary="The milestones of a pilot")
def milestone_list(request, pilot_id: int = id_param("The pilot's id.")):
    return selectors.milestones_of(pilot=pilot_for(request, pilot_id))


@router.post(
    "/pilots/{pilot_id}/milestones",
    response={201: PilotMilestoneOut},
    summary="Add a milestone",
    description="The city's managers, while the pilot is open.",
    openapi_extra=REFUSED_DOC,
)
def milestone_add(request, payload: PilotMilestoneIn, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    return Status(201, services.milestone_save(pilot=pilot, by=request.user, **payload.model_dump()))


@router.post(
    "/pilots/{pilot_id}/milestones/{milestone_id}/submit",
    response=PilotMilestoneOut,
    summary="Submit a milestone for review",
    description="The party organizations' members, while the pilot runs and the milestone is pending or returned.",
    openapi_extra=REFUSED_DOC,
)
def milestone_submit(
    request, pilot_id: int = id_param("The pilot's id."), milestone_id: int = id_param("The milestone's id.")
):
    pilot = pilot_for(request, pilot_id, "pilots.submit_milestone")
    return services.milestone_submit(milestone=_milestone(pilot, milestone_id), by=request.user)


@router.post(
    "/pilots/{pilot_id}/milestones/{milestone_id}/review",
    response=PilotMilestoneOut,
    summary="Accept or return a milestone",
    description="The host unit's staff and the city's managers; returning needs a `reason` (409 `refused` without).",
    openapi_extra=REFUSED_DOC,
)
def milestone_review(
    request,
    payload: PilotMilestoneReviewIn,
    pilot_id: int = id_param("The pilot's id."),
    milestone_id: int = id_param("The milestone's id."),
):
    pilot = pilot_for(request, pilot_id, "pilots.review_milestone")
    return services.milestone_review(
        milestone=_milestone(pilot, milestone_id), by=request.user, accept=payload.accept, reason=payload.reason
    )


@router.get(
    "/pilots/{pilot_id}/payments",
    response=list[PilotPaymentOut],
    summary="The payments of a pilot",
    description="Confidential: the city's managers, the host unit's staff and the party organizations' members "
    "(404 for others).",
)
def payment_list(request, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_confidential_for(request, pilot_id)
    return selectors.payments_of(pilot=pilot, user=request.user)


def _payment_fields(pilot, payload: PilotPaymentIn) -> dict:
    data = payload.model_dump()
    if data["milestone"] is not None:
        milestone = pilot.milestones.filter(pk=data["milestone"]).first()
        if milestone is None:
            raise invalid("body.milestone", _("No milestone of this pilot has this id."))
        data["milestone"] = milestone
    return data


@router.post(
    "/pilots/{pilot_id}/payments",
    response={201: PilotPaymentOut},
    summary="Plan a payment",
    description="The city's managers. 409 `refused` when the planned payments would exceed the approved budget, "
    "or a payment against a milestone is paid before the milestone is accepted.",
    openapi_extra=REFUSED_DOC,
)
def payment_add(request, payload: PilotPaymentIn, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    return Status(201, services.payment_save(pilot=pilot, by=request.user, **_payment_fields(pilot, payload)))


@router.put(
    "/pilots/{pilot_id}/payments/{payment_id}",
    response=PilotPaymentOut,
    summary="Change a payment or record it paid",
    description="The city's managers; the whole payment (as on the page).",
    openapi_extra=REFUSED_DOC,
)
def payment_update(
    request,
    payload: PilotPaymentIn,
    pilot_id: int = id_param("The pilot's id."),
    payment_id: int = id_param("The payment's id."),
):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    payment = Payment.objects.filter(pk=payment_id, pilot=pilot).first()
    if payment is None:
        raise Http404
    return services.payment_save(pilot=pilot, by=request.user, payment=payment, **_payment_fields(pilot, payload))
