"""Spaces, their resources (desks and rooms), opening hours and a resource's slots of one day."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Schema, Status

from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import NO_NUL, ApiDate, InputSchema, city_from_path, city_from_slug, id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.core.models import Unit
from hamafza.directory.models import Organization
from hamafza.spaces import selectors, services
from hamafza.spaces.models import Resource, Space, Weekday
from hamafza.spaces.rules import can

router = ApiRouter()

ResourceKind = Literal[tuple(Resource.Kind.values)]  # type: ignore[valid-type]
SlotMinutes = Literal[15, 30, 60]


HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class OpeningHoursOut(Schema):
    weekday: int = Field(
        description="0 Monday … 6 Sunday (Python's numbering; the Iranian week starts on 5, Saturday)."
    )
    opens: str = Field(pattern=HHMM, description="HH:MM, Tehran time.")
    closes: str = Field(pattern=HHMM, description="HH:MM, Tehran time.")

    @staticmethod
    def resolve_opens(obj):
        return _hhmm(obj.opens)

    @staticmethod
    def resolve_closes(obj):
        return _hhmm(obj.closes)


class SpaceOut(Schema):
    id: int
    slug: str
    name: str
    name_fa: str
    name_en: str
    city: str = Field(alias="city.slug")
    owner: Literal[tuple(Space.Owner.values)]  # type: ignore[valid-type]
    unit: str | None = Field(alias="api_unit", description="The unit's slug when a unit runs the space.")
    organization: str | None = Field(alias="api_organization", description="The organization's slug when one runs it.")
    address: str
    is_active: bool


class SpaceDetailOut(SpaceOut):
    description_fa: str
    description_en: str
    opening_hours: list[OpeningHoursOut] = Field(alias="api_hours")
    can_manage: bool = Field(alias="api_can_manage")


class SpacePatch(InputSchema):
    name_fa: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL)
    name_en: str | None = Field(None, max_length=200, pattern=NO_NUL)
    description_fa: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    description_en: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    address: str | None = Field(None, max_length=300, pattern=NO_NUL)
    is_active: bool | None = None


class SpaceFilters(ListQuery):
    city: str | None = Field(None, max_length=60, pattern=NO_NUL, description="Only this city's spaces (slug).")


class ResourceOut(Schema):
    id: int
    space: int = Field(alias="space_id")
    kind: ResourceKind
    name: str
    name_fa: str
    name_en: str
    capacity: int
    slot_minutes: int
    max_booking_minutes: int
    book_ahead_days: int
    min_notice_minutes: int
    is_active: bool


class ResourceIn(InputSchema):
    kind: ResourceKind = "desk"
    name_fa: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    name_en: str = Field("", max_length=120, pattern=NO_NUL)
    capacity: int = Field(1, ge=1, le=500)
    slot_minutes: SlotMinutes = 30
    max_booking_minutes: int = Field(240, ge=15, le=24 * 60)
    book_ahead_days: int = Field(14, ge=0, le=366)
    min_notice_minutes: int = Field(0, ge=0, le=7 * 24 * 60)
    is_active: bool = True


class ResourcePatch(InputSchema):
    kind: ResourceKind | None = None
    name_fa: str | None = Field(None, min_length=1, max_length=120, pattern=NO_NUL)
    name_en: str | None = Field(None, max_length=120, pattern=NO_NUL)
    capacity: int | None = Field(None, ge=1, le=500)
    slot_minutes: SlotMinutes | None = None
    max_booking_minutes: int | None = Field(None, ge=15, le=24 * 60)
    book_ahead_days: int | None = Field(None, ge=0, le=366)
    min_notice_minutes: int | None = Field(None, ge=0, le=7 * 24 * 60)
    is_active: bool | None = None


class OpeningHoursIn(InputSchema):
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday.")
    opens: datetime.time
    closes: datetime.time


class OpeningHoursPut(InputSchema):
    days: list[OpeningHoursIn] = Field(max_length=7, description="The open weekdays; any other weekday is closed.")


class SpaceIn(InputSchema):
    name_fa: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    name_en: str = Field("", max_length=200, pattern=NO_NUL, description="Also gives the space's slug.")
    description_fa: str = Field("", max_length=20_000, pattern=NO_NUL)
    description_en: str = Field("", max_length=20_000, pattern=NO_NUL)
    address: str = Field("", max_length=300, pattern=NO_NUL)
    is_active: bool = True
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A unit's slug when a unit runs it.")
    organization: str | None = Field(
        None, max_length=120, pattern=NO_NUL, description="An organization's slug when it runs the space."
    )
    opening_hours: list[OpeningHoursIn] = Field(
        default_factory=list, max_length=7, description="The open weekdays; any other weekday is closed."
    )


class SlotOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    state: Literal["free", "booked", "mine", "past", "closed"]
    booking: int | None = Field(description="The booking's id, only for its booker and the space's managers.")


class DayOut(Schema):
    date: datetime.date
    opens: str | None = Field(pattern=HHMM, description="HH:MM, Tehran time; null when closed.")
    closes: str | None = Field(pattern=HHMM, description="HH:MM, Tehran time; null when closed.")
    slots: list[SlotOut]


class SlotQuery(Schema):
    date: ApiDate | None = Field(None, description="The day (ISO 8601, Gregorian; default today in Tehran).")


def _hhmm(value: datetime.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _space_out(space: Space) -> Space:
    space.api_unit = space.unit.slug if space.unit_id else None
    space.api_organization = space.organization.slug if space.organization_id else None
    return space


def _detail(request, space: Space) -> Space:
    _space_out(space)
    space.api_hours = list(space.opening_hours.all())
    space.api_can_manage = can(request.user, "spaces.manage_space", space)
    return space


@router.get("/spaces", response=page_of(SpaceOut), auth=PUBLIC, summary="Co-working spaces")
def space_list(request, filters: Query[SpaceFilters]):
    city = city_from_slug(filters.city, "query.city") if filters.city else None
    page = paginate(selectors.space_list(user=request.user, city=city), filters)
    page["items"] = [_space_out(space) for space in page["items"]]
    return page


@router.post(
    "/cities/{slug}/spaces",
    response={201: SpaceDetailOut},
    summary="Create a space",
    description="The city's innovation managers (a space of the city or one of its units) and an organization's "
    "admins (a space their organization runs); platform admins.",
)
def space_create(request, payload: SpaceIn, slug: str):
    city = city_from_path(slug)
    values = payload.model_dump(exclude={"unit", "organization", "opening_hours"})
    unit = organization = None
    if payload.unit:
        unit = Unit.objects.filter(city=city, slug=payload.unit).first()
        if unit is None:
            raise Http404
    if payload.organization:
        organization = Organization.objects.filter(slug=payload.organization).first()
        if organization is None:
            raise Http404
    ensure_perm(request, "spaces.create_space", Space(city=city, unit=unit, organization=organization))
    space = services.space_create(
        city=city, by=request.user, unit=unit, organization=organization, week=_week(payload.opening_hours), **values
    )
    return Status(201, _detail(request, selectors.space_get(user=request.user, pk=space.pk)))


def _week(days) -> dict[int, tuple | None]:
    week: dict[int, tuple | None] = {day.value: None for day in Weekday}
    for day in days:
        week[day.weekday] = (day.opens.replace(tzinfo=None), day.closes.replace(tzinfo=None))
    return week


@router.get("/spaces/{space_id}", response=SpaceDetailOut, auth=PUBLIC, summary="One space with its opening hours")
def space_get(request, space_id: int = id_param("The space's id.")):
    return _detail(request, selectors.space_get(user=request.user, pk=space_id))


@router.patch(
    "/spaces/{space_id}",
    response=SpaceDetailOut,
    summary="Change a space",
    description="The city's innovation managers and, for a space run by an organization, its admins.",
)
def space_update(request, payload: SpacePatch, space_id: int = id_param("The space's id.")):
    space = selectors.space_get(user=request.user, pk=space_id)
    ensure_perm(request, "spaces.manage_space", space)
    services.space_update(space=space, by=request.user, **payload.model_dump(exclude_none=True))
    return _detail(request, space)


@router.put(
    "/spaces/{space_id}/opening-hours",
    response=list[OpeningHoursOut],
    summary="Set a space's weekly opening hours",
    description="The space's managers. Weekdays not listed are closed.",
)
def opening_hours_set(request, payload: OpeningHoursPut, space_id: int = id_param("The space's id.")):
    space = selectors.space_get(user=request.user, pk=space_id)
    ensure_perm(request, "spaces.manage_space", space)
    services.opening_hours_set(space=space, by=request.user, week=_week(payload.days))
    return list(space.opening_hours.all())


@router.get(
    "/spaces/{space_id}/resources",
    response=list[ResourceOut],
    auth=PUBLIC,
    summary="The desks and rooms of a space",
    description="Bookable ones; the space's managers see the others too.",
)
def resource_list(request, space_id: int = id_param("The space's id.")):
    space = selectors.space_get(user=request.user, pk=space_id)
    return list(selectors.resources_of(space=space, include_inactive=can(request.user, "spaces.manage_space", space)))


@router.post(
    "/spaces/{space_id}/resources",
    response={201: ResourceOut},
    summary="Add a desk or a room",
    description="The space's managers.",
)
def resource_add(request, payload: ResourceIn, space_id: int = id_param("The space's id.")):
    space = selectors.space_get(user=request.user, pk=space_id)
    ensure_perm(request, "spaces.manage_space", space)
    return Status(201, services.resource_save(space=space, by=request.user, **payload.model_dump()))


@router.patch(
    "/spaces/resources/{resource_id}",
    response=ResourceOut,
    summary="Change a desk or a room",
    description="The space's managers. Existing bookings stay.",
)
def resource_update(request, payload: ResourcePatch, resource_id: int = id_param("The resource's id.")):
    resource = selectors.resource_get_for(user=request.user, pk=resource_id)
    ensure_perm(request, "spaces.manage_space", resource.space)
    return services.resource_save(
        space=resource.space, by=request.user, resource=resource, **payload.model_dump(exclude_none=True)
    )


@router.get(
    "/spaces/resources/{resource_id}/slots",
    response=DayOut,
    auth=PUBLIC,
    summary="A resource's slots of one day",
    description="Each slot is free, booked (by someone else), mine, past or closed; the booking's id only for "
    "its booker and the space's managers.",
)
def resource_slots(request, query: Query[SlotQuery], resource_id: int = id_param("The resource's id.")):
    resource = selectors.resource_get_for(user=request.user, pk=resource_id)
    day = query.date or selectors.today()
    grid = selectors.day_grid(
        resource=resource, day=day, user=request.user, manager=can(request.user, "spaces.manage_space", resource.space)
    )
    hours = grid["hours"]
    return {
        "date": day,
        "opens": _hhmm(hours.opens) if hours else None,
        "closes": _hhmm(hours.closes) if hours else None,
        "slots": [
            {
                "starts_at": slot.start,
                "ends_at": slot.end,
                "state": slot.state,
                "booking": slot.booking.pk if slot.booking is not None else None,
            }
            for slot in grid["slots"]
        ],
    }
