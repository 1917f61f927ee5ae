"""Bookings: the caller's own (or a managed space's), booking a slot, one booking, cancelling."""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import MAX_ID, NO_NUL, ApiDateTime, InputSchema, id_param
from hamafza.core.api.problems import invalid, problem_doc
from hamafza.core.api.routers import ApiRouter
from hamafza.spaces import selectors, services
from hamafza.spaces.models import Booking
from hamafza.spaces.rules import can

router = ApiRouter(refused_as="slot")

REFUSED_DOC = problem_doc(
    "Refused now: `slot_taken` (the slot overlaps a confirmed booking; the reason names it) or "
    "`booking_refused` (the resource is not bookable, the booking is cancelled or over)."
)


class BookingOut(Schema):
    id: int
    resource: int = Field(alias="resource_id")
    resource_name: str = Field(alias="resource.name")
    space: int = Field(alias="resource.space_id")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    attendees: int
    purpose: str
    state: Literal[tuple(Booking.State.values)]  # type: ignore[valid-type]
    booked_by: str = Field(alias="booked_by.display_name", description="Who booked (you, or for managers anyone).")
    created_at: datetime.datetime
    cancelled_at: datetime.datetime | None


class BookingIn(InputSchema):
    resource: int = Field(ge=1, le=MAX_ID, description="The desk's or room's id.")
    starts_at: ApiDateTime = Field(description="ISO 8601; without an offset it is Tehran time.")
    ends_at: ApiDateTime = Field(description="ISO 8601; without an offset it is Tehran time.")
    attendees: int = Field(1, ge=1, le=500)
    purpose: str = Field("", max_length=200, pattern=NO_NUL)


class BookingFilters(ListQuery):
    past: bool = Field(False, description="Ended bookings (latest first) instead of upcoming ones (soonest first).")
    space: int | None = Field(
        None, ge=1, le=MAX_ID, description="A space you manage: its bookings from today on, instead of your own."
    )


def _aware(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=selectors.TEHRAN)
    return value


@router.get("/bookings", response=page_of(BookingOut), summary="Your bookings, or those of a space you manage")
def booking_list(request, filters: Query[BookingFilters]):
    if filters.space is not None:
        space = selectors.space_get(user=request.user, pk=filters.space)
        if not can(request.user, "spaces.manage_space", space):
            raise invalid("query.space", _("You do not manage this space."))
        start = selectors.at(selectors.today(), datetime.time())
        qs = selectors.bookings_of_space(space=space, start=start).select_related("resource__space")
    else:
        qs = selectors.bookings_of(user=request.user, upcoming=not filters.past).select_related("booked_by")
    return paginate(qs, filters)


@router.post(
    "/bookings",
    response={201: BookingOut},
    summary="Book a desk or a room",
    description="Signed-in callers. 400 names the rule a slot breaks (opening hours, slot length, longest booking, "
    "how far ahead, least notice, capacity); 409 `slot_taken` when it overlaps a confirmed booking.",
    openapi_extra=REFUSED_DOC,
)
def booking_create(request, payload: BookingIn):
    resource = selectors.resource_get_for(user=request.user, pk=payload.resource)
    booking = services.booking_create(
        resource=resource,
        by=request.user,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        attendees=payload.attendees,
        purpose=payload.purpose,
    )
    return Status(201, booking)


@router.get(
    "/bookings/{booking_id}",
    response=BookingOut,
    summary="One booking",
    description="Its booker and the space's managers (404 for others).",
)
def booking_get(request, booking_id: int = id_param("The booking's id.")):
    return selectors.booking_get_for(user=request.user, pk=booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response=BookingOut,
    summary="Cancel a booking",
    description="Its booker and the space's managers, until it ends; the slot is free again at once.",
    openapi_extra=REFUSED_DOC,
)
def booking_cancel(request, booking_id: int = id_param("The booking's id.")):
    booking = selectors.booking_get_for(user=request.user, pk=booking_id)
    return services.booking_cancel(booking=booking, by=request.user)
