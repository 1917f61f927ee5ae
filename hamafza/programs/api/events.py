"""Events: the public list and detail with the agenda, creation and changes by the organisers
(the city's innovation managers, the organising unit's staff and organization's admins), and the
status transition (publish, cancel with a reason)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Schema, Status

from hamafza.challenges.models import Call
from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import NO_NUL, ApiDateTime, InputSchema, city_from_path, id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.core.models import Unit
from hamafza.programs import selectors, services
from hamafza.programs.api.common import REFUSED_DOC, event_for
from hamafza.programs.models import Event
from hamafza.spaces.models import Resource

router = ApiRouter()

EventKind = Literal[tuple(Event.Kind.values)]  # type: ignore[valid-type]
EventStatus = Literal[tuple(Event.Status.values)]  # type: ignore[valid-type]


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str
    speakers: list[str]


class EventOut(Schema):
    id: int
    city: str = Field(alias="city.slug")
    kind: EventKind
    status: EventStatus
    title: str
    description: str
    organiser: str = Field(alias="organiser_name")
    venue_address: str
    venue_room: int | None = Field(None, alias="venue_room_id", description="The co-working room's id, if any.")
    venue_room_name: str = Field("", description="The room and its space.")
    online_url: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    registration_open: bool
    pitches_open: bool


class EventDetailOut(EventOut):
    seats_taken: int
    sessions: list[SessionOut] = Field(alias="session_rows")
    calls: list[int] = Field(alias="call_ids", description="The ids of the linked calls.")


class EventQuery(ListQuery):
    city: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A city's slug.")
    kind: EventKind | None = None


class EventIn(InputSchema):
    kind: EventKind
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=10000, pattern=NO_NUL)
    organiser_unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A unit's slug in the city.")
    venue_address: str = Field("", max_length=300, pattern=NO_NUL)
    venue_room: int | None = Field(
        None, ge=1, le=2**31 - 1, description="A room of a co-working space in the city (GET /spaces/{id}/resources)."
    )
    online_url: str = Field("", max_length=200, pattern=NO_NUL)
    starts_at: ApiDateTime
    ends_at: ApiDateTime
    capacity: int = Field(ge=1, le=100_000)
    registration_open: bool = True
    pitches_open: bool = False
    pitch_invited_only: bool = False
    calls: list[int] | None = Field(
        None, max_length=50, description="The ids of the city's calls to link (omitted: unchanged on PUT)."
    )


class EventTransitionIn(InputSchema):
    to: EventStatus
    reason: str = Field("", max_length=2000, pattern=NO_NUL)


class SessionIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    starts_at: ApiDateTime
    ends_at: ApiDateTime
    room: str = Field("", max_length=120, pattern=NO_NUL)
    speakers_note: str = Field("", max_length=300, pattern=NO_NUL)


def event_with_details(event) -> Event:
    """The event with its agenda, seats taken and linked calls, as ``EventDetailOut`` reads it."""
    sessions = [
        {
            "id": s.pk,
            "title": s.title,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "room": s.room,
            "speakers": [p.name for p in s.speaker_people.all()]
            + [o.name for o in s.speaker_organizations.all()]
            + ([s.speakers_note] if s.speakers_note else []),
        }
        for s in selectors.sessions_of(event=event)
    ]
    event.session_rows = sessions
    event.seats_taken = selectors.seats_taken(event=event)
    event.call_ids = list(event.calls.values_list("pk", flat=True))
    return event


@router.get("/events", response=page_of(EventOut), auth=PUBLIC, summary="Upcoming events")
def event_list(request, query: Query[EventQuery]):
    city = city_from_path(query.city) if query.city else None
    return paginate(selectors.event_list(user=request.user, city=city, kind=query.kind or "", upcoming=True), query)


@router.get("/events/{event_id}", response=EventDetailOut, auth=PUBLIC, summary="An event with its agenda")
def event_detail(request, event_id: int = id_param("The event's id.")):
    return event_with_details(event_for(request, event_id))


def event_values(city, payload: EventIn) -> dict:
    """The payload as the services take it: the unit, the room and the calls looked up in the city (404)."""
    values = payload.model_dump()
    slug = values.pop("organiser_unit")
    values["organiser_unit"] = None
    if slug:
        unit = Unit.objects.filter(city=city, slug=slug).first()
        if unit is None:
            raise Http404
        values["organiser_unit"] = unit
    room_id = values.pop("venue_room")
    values["venue_room"] = None
    if room_id:
        room = Resource.objects.select_related("space").filter(pk=room_id, space__city=city).first()
        if room is None:
            raise Http404
        values["venue_room"] = room
    call_ids = values.pop("calls")
    if call_ids is not None:
        calls = list(Call.objects.filter(city=city, pk__in=call_ids, judging_only=False))
        if len(calls) != len(set(call_ids)):
            raise Http404
        values["calls"] = calls
    return values


@router.post(
    "/cities/{slug}/events",
    response={201: EventDetailOut},
    summary="Create a draft event",
    description="The city's innovation managers (and the organising unit's staff or organization's admins). "
    "A co-working room venue is booked for the event's time (409 `slot_taken` when taken).",
    openapi_extra=REFUSED_DOC,
)
def event_create(request, payload: EventIn, slug: str):
    city = city_from_path(slug)
    ensure_perm(request, "programs.manage_event", Event(city=city))
    event = services.event_create(city=city, by=request.user, **event_values(city, payload))
    return Status(201, event_with_details(event))


@router.put(
    "/events/{event_id}",
    response=EventDetailOut,
    summary="Change an event",
    description="The organisers. Raising the capacity promotes people from the waitlist. A co-working room "
    "venue is booked for the event's time (moved with it; released for another venue): a taken slot is a 409 "
    "`slot_taken` naming it.",
    openapi_extra=REFUSED_DOC,
)
def event_update(request, payload: EventIn, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    event = services.event_update(event=event, by=request.user, **event_values(event.city, payload))
    return event_with_details(event_for(request, event.pk))


@router.post(
    "/events/{event_id}/transition",
    response=EventDetailOut,
    summary="Publish or cancel an event",
    description="draft → published → cancelled (a reason is required to cancel; registrants are told).",
    openapi_extra=REFUSED_DOC,
)
def event_transition(request, payload: EventTransitionIn, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    services.event_transition(event=event, to=payload.to, by=request.user, reason=payload.reason)
    return event_with_details(event_for(request, event.pk))


@router.post(
    "/events/{event_id}/sessions",
    response={201: SessionOut},
    summary="Add a session to the agenda",
    description="The organisers; the session lies within the event.",
    openapi_extra=REFUSED_DOC,
)
def session_add(request, payload: SessionIn, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    session = services.session_save(event=event, by=request.user, **payload.model_dump())
    return Status(
        201,
        {
            "id": session.pk,
            "title": session.title,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "room": session.room,
            "speakers": [session.speakers_note] if session.speakers_note else [],
        },
    )
