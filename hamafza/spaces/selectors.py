"""Reads of co-working spaces: lists, the day and week grids of a resource, a person's bookings.

Who sees a booking's details is decided here once (``bookings_visible_to``: the person who booked
and the space's managers); the grids mark every other booking only as "booked". Each read costs a
fixed number of queries whatever the number of rows (the tests assert it).
"""

from __future__ import annotations

import dataclasses
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import city_ids_with_role, is_platform_admin
from hamafza.core.models import Unit
from hamafza.directory.models import Organization, OrganizationMembership
from hamafza.spaces.models import Booking, OpeningHours, Resource, Space, Weekday

TEHRAN = ZoneInfo(settings.TIME_ZONE)
#: The Iranian week starts on Saturday (Python weekday 5).
WEEK_START = 5


# ------------------------------------------------------------------------------------------------
# Who manages what
# ------------------------------------------------------------------------------------------------
def admin_organization_ids(user) -> set[int]:
    """The organizations the user is an admin of (cached on the user object for the request)."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_spaces_admin_orgs", None)
    if cached is None:
        cached = set(
            OrganizationMembership.objects.filter(user=user, role=OrganizationMembership.Role.ADMIN).values_list(
                "organization_id", flat=True
            )
        )
        user._spaces_admin_orgs = cached
    return cached


def admin_organizations(*, user) -> QuerySet[Organization]:
    """The organizations the user is an admin of (who may run a space they create)."""
    return Organization.objects.filter(pk__in=admin_organization_ids(user)).order_by("name", "pk")


def units_of(*, city) -> QuerySet[Unit]:
    return Unit.objects.filter(city=city).order_by("name_fa", "pk")


def is_organization_admin(user, organization_id: int | None) -> bool:
    return organization_id is not None and organization_id in admin_organization_ids(user)


def managed_spaces_filter(user) -> Q:
    """The spaces the user manages, as a filter on Space (nothing for visitors)."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    if is_platform_admin(user):
        return Q()
    cities = city_ids_with_role(user, CityRole.Role.INNOVATION_MANAGER)
    return Q(city_id__in=cities) | Q(organization_id__in=admin_organization_ids(user))


# ------------------------------------------------------------------------------------------------
# Spaces and resources
# ------------------------------------------------------------------------------------------------
def space_list(*, user, city=None) -> QuerySet[Space]:
    """Open spaces (and closed ones the user manages), with their desk and room counts."""
    qs = Space.objects.filter(Q(is_active=True) | managed_spaces_filter(user))
    if city is not None:
        qs = qs.filter(city=city)
    return (
        qs.select_related("city", "unit", "organization")
        .annotate(
            desks=Count("resources", filter=Q(resources__kind=Resource.Kind.DESK, resources__is_active=True)),
            rooms=Count("resources", filter=Q(resources__kind=Resource.Kind.ROOM, resources__is_active=True)),
        )
        .order_by("city__name_fa", "name_fa", "pk")
    )


def space_get(*, user, pk: int | None = None, slug: str | None = None) -> Space:
    """An open space, or a closed one its managers see; 404 otherwise."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    space = (
        Space.objects.filter(Q(is_active=True) | managed_spaces_filter(user), **lookup)
        .select_related("city", "unit", "organization")
        .first()
    )
    if space is None:
        raise Http404("No such space")
    return space


def resources_of(*, space, include_inactive: bool = False) -> QuerySet[Resource]:
    qs = space.resources.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("kind", "name_fa", "pk")


def resource_get(*, space, pk: int) -> Resource:
    resource = space.resources.filter(pk=pk).first()
    if resource is None:
        raise Http404("No such resource")
    resource.space = space
    return resource


def resource_get_for(*, user, pk: int) -> Resource:
    """A resource of a space the user may see (404 otherwise)."""
    space_ids = Space.objects.filter(Q(is_active=True) | managed_spaces_filter(user)).values("pk")
    resource = (
        Resource.objects.filter(space__in=space_ids, pk=pk)
        .select_related("space", "space__city", "space__organization", "space__unit")
        .first()
    )
    if resource is None:
        raise Http404("No such resource")
    return resource


def opening_hours_of(*, space) -> dict[int, OpeningHours]:
    """Weekday (Python's numbering) -> its opening hours; a missing weekday is closed."""
    return {row.weekday: row for row in space.opening_hours.all()}


def week_opening_hours(*, space) -> list[dict]:
    """The seven weekdays from Saturday with their hours (None when closed), for display."""
    hours = opening_hours_of(space=space)
    return [{"weekday": day, "hours": hours.get(day.value)} for day in Weekday]


# ------------------------------------------------------------------------------------------------
# Time
# ------------------------------------------------------------------------------------------------
def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, TEHRAN)


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """An aware instant at `time` on `day` in Asia/Tehran."""
    return datetime.datetime.combine(day, time, tzinfo=TEHRAN)


def week_start(day: datetime.date) -> datetime.date:
    """The Saturday that starts the (Iranian) week of `day`."""
    return day - datetime.timedelta(days=(day.weekday() - WEEK_START) % 7)


def today() -> datetime.date:
    return local(timezone.now()).date()


# ------------------------------------------------------------------------------------------------
# Bookings
# ------------------------------------------------------------------------------------------------
def confirmed_between(*, resource, start: datetime.datetime, end: datetime.datetime) -> QuerySet[Booking]:
    """Confirmed bookings of `resource` overlapping ``[start, end)``."""
    return Booking.objects.filter(
        resource=resource, state=Booking.State.CONFIRMED, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at", "pk")


def first_conflict(*, resource, starts_at, ends_at) -> Booking | None:
    return confirmed_between(resource=resource, start=starts_at, end=ends_at).first()


def bookings_visible_to(user) -> QuerySet[Booking]:
    """The bookings whose details the user may see: their own and those of the spaces they manage."""
    if not user or not user.is_authenticated:
        return Booking.objects.none()
    managed = Space.objects.filter(managed_spaces_filter(user)).values("pk")
    return Booking.objects.filter(Q(booked_by=user) | Q(resource__space__in=managed))


def booking_get_for(*, user, pk: int) -> Booking:
    booking = (
        bookings_visible_to(user)
        .filter(pk=pk)
        .select_related("resource", "resource__space", "resource__space__city", "booked_by")
        .first()
    )
    if booking is None:
        raise Http404("No such booking")
    return booking


def bookings_of(*, user, upcoming: bool = True) -> QuerySet[Booking]:
    """The user's own bookings: upcoming (not yet ended, soonest first) or past (latest first)."""
    now = timezone.now()
    qs = Booking.objects.filter(booked_by=user).select_related("resource", "resource__space", "resource__space__city")
    if upcoming:
        return qs.filter(ends_at__gt=now).order_by("starts_at", "pk")
    return qs.filter(ends_at__lte=now).order_by("-starts_at", "-pk")


def bookings_of_space(*, space, start=None) -> QuerySet[Booking]:
    """A space's bookings from `start` on (its managers' list)."""
    qs = Booking.objects.filter(resource__space=space).select_related("resource", "booked_by")
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    return qs.order_by("starts_at", "pk")


# ------------------------------------------------------------------------------------------------
# The day and week grids
# ------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    state: str  # "free", "booked", "mine", "past", "closed"
    booking: Booking | None = None  # only when the viewer may see its details

    @property
    def is_free(self) -> bool:
        return self.state == "free"


def _slot_times(opens: datetime.time, closes: datetime.time, minutes: int) -> list[datetime.time]:
    times, cursor = [], datetime.datetime.combine(datetime.date(2000, 1, 1), opens)
    end = datetime.datetime.combine(datetime.date(2000, 1, 1), closes)
    while cursor + datetime.timedelta(minutes=minutes) <= end:
        times.append(cursor.time())
        cursor += datetime.timedelta(minutes=minutes)
    return times


def _slot(*, resource, day, time, bookings, hours, user, detail_ok, now) -> Slot:
    start = at(day, time)
    end = start + datetime.timedelta(minutes=resource.slot_minutes)
    row = hours.get(day.weekday())
    if row is None or time < row.opens or (end - datetime.timedelta(seconds=1)).time() >= row.closes:
        return Slot(start, end, "closed")
    for booking in bookings:
        if booking.starts_at < end and booking.ends_at > start:
            mine = user.is_authenticated and booking.booked_by_id == user.pk
            return Slot(start, end, "mine" if mine else "booked", booking if (mine or detail_ok) else None)
    if start < now:
        return Slot(start, end, "past")
    return Slot(start, end, "free")


def _grid_bookings(*, resource, first_day, last_day) -> list[Booking]:
    start = at(first_day, datetime.time(0, 0))
    end = at(last_day + datetime.timedelta(days=1), datetime.time(0, 0))
    return list(confirmed_between(resource=resource, start=start, end=end).select_related("booked_by"))


def day_grid(*, resource, day: datetime.date, user, manager: bool) -> dict:
    """The slots of one day: free, booked (details only for the booker and the managers), past or
    closed. Two queries (opening hours, bookings) whatever the number of slots."""
    hours = opening_hours_of(space=resource.space)
    row = hours.get(day.weekday())
    bookings = _grid_bookings(resource=resource, first_day=day, last_day=day)
    now = timezone.now()
    slots = []
    if row is not None:
        for time in _slot_times(row.opens, row.closes, resource.slot_minutes):
            slots.append(
                _slot(
                    resource=resource,
                    day=day,
                    time=time,
                    bookings=bookings,
                    hours=hours,
                    user=user,
                    detail_ok=manager,
                    now=now,
                )
            )
    return {"day": day, "weekday": Weekday(day.weekday()).label, "hours": row, "slots": slots}


def week_grid(*, resource, day: datetime.date, user, manager: bool) -> dict:
    """The week (Saturday to Friday) containing `day`: one row per slot time from the earliest
    opening to the latest closing, one cell per day. Two queries."""
    first = week_start(day)
    days = [first + datetime.timedelta(days=i) for i in range(7)]
    hours = opening_hours_of(space=resource.space)
    bookings = _grid_bookings(resource=resource, first_day=days[0], last_day=days[-1])
    now = timezone.now()
    rows = []
    if hours:
        opens = min(row.opens for row in hours.values())
        closes = max(row.closes for row in hours.values())
        for time in _slot_times(opens, closes, resource.slot_minutes):
            cells = [
                _slot(
                    resource=resource,
                    day=d,
                    time=time,
                    bookings=bookings,
                    hours=hours,
                    user=user,
                    detail_ok=manager,
                    now=now,
                )
                for d in days
            ]
            rows.append({"time": time, "cells": cells})
    return {
        "days": [{"date": d, "weekday": Weekday(d.weekday()).label} for d in days],
        "rows": rows,
        "previous": first - datetime.timedelta(days=7),
        "next": first + datetime.timedelta(days=7),
    }


def profile_section(user) -> dict | None:
    """The person's next five bookings on their profile page (one query), or nothing."""
    upcoming = list(bookings_of(user=user).filter(state=Booking.State.CONFIRMED)[:5])
    if not upcoming:
        return None
    return {"template": "spaces/_profile_bookings.html", "context": {"bookings": upcoming}}


# ------------------------------------------------------------------------------------------------
# Navigation
# ------------------------------------------------------------------------------------------------
def navigation_entries(request, flags) -> list[dict]:
    """ "Co-working" for everyone (the spaces are public); "My bookings" for signed-in people."""
    entries = [{"label": pgettext_lazy("menu", "Co-working"), "url": reverse("spaces:space_list"), "group": "explore"}]
    if request.user.is_authenticated:
        entries.append(
            {"label": pgettext_lazy("menu", "My bookings"), "url": reverse("spaces:my_bookings"), "group": "work"}
        )
    return entries
