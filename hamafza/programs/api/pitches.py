"""Pitches: an organization applies to pitch at an event; the organisers select the line-up, publish
the results and invite a pitching organization to a call. The published line-up is public."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Schema, Status

from hamafza.challenges.models import Call
from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.models import Organization
from hamafza.programs import selectors, services
from hamafza.programs.api.common import REFUSED_DOC, event_for
from hamafza.programs.models import Pitch

router = ApiRouter()
PitchStatus = Literal[tuple(Pitch.Status.values)]  # type: ignore[valid-type]


class PitchOut(Schema):
    id: int
    event: int = Field(alias="event_id")
    organization: str = Field(alias="organization.slug")
    title: str
    summary: str
    status: PitchStatus
    slot: int | None
    proposal: int | None = Field(
        alias="proposal_id",
        description="The proposal the pitch is judged as: to a linked call, or filed for the event's jury.",
    )
    jury_rank: int | None = Field(description="The jury's rank, once the pitch results are published.")
    jury_score: float | None = Field(description="The jury's score (0–100), once the pitch results are published.")
    invited_to_call: int | None = Field(alias="invited_to_call_id")
    created_at: datetime.datetime


class PitchIn(InputSchema):
    organization: str = Field(max_length=120, pattern=NO_NUL, description="The slug of the caller's organization.")
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    summary: str = Field("", max_length=5000, pattern=NO_NUL)


class PitchTransitionIn(InputSchema):
    to: Literal["selected", "not_selected", "withdrawn"]
    slot: int | None = Field(None, ge=1, le=1000)


class PitchInviteIn(InputSchema):
    call: int = Field(ge=1, le=MAX_ID, description="A call of the event's city.")


def _pitch(event, pitch_id: int) -> Pitch:
    pitch = selectors.pitches_of(event=event).filter(pk=pitch_id).first()
    if pitch is None:
        raise Http404
    return pitch


@router.get(
    "/events/{event_id}/pitches",
    response=list[PitchOut],
    auth=PUBLIC,
    summary="The pitches of an event",
    description="Organisers see every application; others see the published line-up and their own "
    "organizations' applications.",
)
def pitch_list(request, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id)
    if request.user.has_perm("programs.manage_event", event):
        return selectors.pitches_of(event=event)
    own = set(selectors.pitches_of_user(user=request.user, event=event).values_list("pk", flat=True))
    lineup = (
        set(selectors.pitch_lineup(event=event).values_list("pk", flat=True))
        if event.pitch_results_published_at
        else set()
    )
    # Which proposal a pitch is judged as is confidential (it tells that the organization applied
    # to the call): only the organisers and the organization's own members see it.
    rows = list(selectors.pitches_of(event=event).filter(pk__in=own | lineup))
    for pitch in rows:
        if pitch.pk not in own:
            pitch.proposal_id = None  # shown only; never saved
    return rows


@router.post(
    "/events/{event_id}/pitches",
    response={201: PitchOut},
    summary="Apply to pitch",
    description="A member of the organization, while the event takes pitch applications.",
    openapi_extra=REFUSED_DOC,
)
def pitch_apply(request, payload: PitchIn, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id)
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise Http404
    ensure_perm(request, "programs.apply_pitch", organization)
    pitch = services.pitch_apply(
        event=event, organization=organization, by=request.user, title=payload.title, summary=payload.summary
    )
    return Status(201, pitch)


@router.post(
    "/events/{event_id}/pitches/{pitch_id}/transition",
    response=PitchOut,
    summary="Select, leave out or withdraw a pitch",
    description="The organisers select or leave out; the organization's members withdraw.",
    openapi_extra=REFUSED_DOC,
)
def pitch_transition(
    request,
    payload: PitchTransitionIn,
    event_id: int = id_param("The event's id."),
    pitch_id: int = id_param("The pitch's id."),
):
    event = event_for(request, event_id)
    pitch = _pitch(event, pitch_id)
    if payload.to == "withdrawn":
        ensure_perm(request, "programs.apply_pitch", pitch.organization)
    else:
        ensure_perm(request, "programs.manage_event", event)
    return services.pitch_transition(pitch=pitch, to=payload.to, by=request.user, slot=payload.slot)


@router.post(
    "/events/{event_id}/pitches/{pitch_id}/invite",
    response=PitchOut,
    summary="Invite a pitching organization to a call",
    description="The organisers; through the call's own settings (the call's manager).",
    openapi_extra=REFUSED_DOC,
)
def pitch_invite(
    request,
    payload: PitchInviteIn,
    event_id: int = id_param("The event's id."),
    pitch_id: int = id_param("The pitch's id."),
):
    event = event_for(request, event_id, "programs.manage_event")
    call = Call.objects.filter(pk=payload.call, city_id=event.city_id, judging_only=False).first()
    if call is None:
        raise Http404
    return services.pitch_invite_to_call(pitch=_pitch(event, pitch_id), call=call, by=request.user)


@router.post(
    "/events/{event_id}/pitch-results",
    response=list[PitchOut],
    summary="Publish the pitch results",
    description="The organisers; the line-up is fixed afterwards.",
    openapi_extra=REFUSED_DOC,
)
def pitch_results_publish(request, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    services.pitch_results_publish(event=event, by=request.user)
    return selectors.pitch_lineup(event=event)
