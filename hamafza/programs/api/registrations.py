"""Registrations: register (a seat or the waitlist, with the answers to the event's questions),
one's own registration, cancel (a freed seat goes to the waitlist at once), the organisers' list and
check-in by the short code."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Schema, Status

from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import NO_NUL, InputSchema, id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.programs import selectors, services
from hamafza.programs.api.common import REFUSED_DOC, event_for
from hamafza.programs.models import Registration

router = ApiRouter()


class RegistrationOut(Schema):
    id: int
    event: int = Field(alias="event_id")
    status: Literal[tuple(Registration.Status.values)]  # type: ignore[valid-type]
    code: str = Field(description="The check-in code to show at the door.")
    answers: dict[str, str]
    requested_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    checked_in_at: datetime.datetime | None
    waitlist_position: int | None = None


class AttendeeOut(RegistrationOut):
    person: str


class RegisterIn(InputSchema):
    answers: dict[str, str] = Field(default_factory=dict, description="Answers keyed by question id.")


class CheckInIn(InputSchema):
    code: str = Field(min_length=1, max_length=20, pattern=NO_NUL)


def _out(registration) -> Registration:
    registration.waitlist_position = selectors.waitlist_position(registration=registration)
    return registration


@router.post(
    "/events/{event_id}/registration",
    response={201: RegistrationOut},
    summary="Register for an event",
    description="A confirmed seat while seats remain, else a place on the waitlist. 409 when the event is "
    "not open, a required question is unanswered or the caller is already registered.",
    openapi_extra=REFUSED_DOC,
)
def register(request, payload: RegisterIn, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.register_event")
    registration = services.registration_register(event=event, user=request.user, answers=payload.answers)
    return Status(201, _out(registration))


@router.get("/events/{event_id}/registration", response=RegistrationOut, summary="My registration for an event")
def my_registration(request, event_id: int = id_param("The event's id.")):
    registration = selectors.registration_of(event=event_for(request, event_id), user=request.user)
    if registration is None:
        raise Http404
    return _out(registration)


@router.delete(
    "/events/{event_id}/registration",
    response=RegistrationOut,
    summary="Cancel my registration",
    description="The freed seat goes to the first person on the waitlist.",
    openapi_extra=REFUSED_DOC,
)
def cancel(request, event_id: int = id_param("The event's id.")):
    registration = selectors.registration_of(event=event_for(request, event_id), user=request.user)
    if registration is None:
        raise Http404
    return _out(services.registration_cancel(registration=registration, by=request.user))


@router.get(
    "/events/{event_id}/registrations",
    response=page_of(AttendeeOut),
    summary="The registrations of an event",
    description="The organisers.",
)
def registration_list(request, query: Query[ListQuery], event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    page = paginate(selectors.registrations_of_event(event=event), query)
    for registration in page["items"]:
        registration.person = str(registration.user)
    return page


@router.post(
    "/events/{event_id}/check-in",
    response=AttendeeOut,
    summary="Check in by the short code",
    description="The organisers, at the door. 409 for an unknown, unconfirmed or already used code.",
    openapi_extra=REFUSED_DOC,
)
def check_in(request, payload: CheckInIn, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    registration = services.registration_check_in(event=event, code=payload.code, by=request.user)
    registration.person = str(registration.user)
    return registration
