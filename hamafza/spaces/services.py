"""Writes of co-working spaces: book a resource, cancel a booking, manage spaces and resources.

``booking_create`` guarantees that a resource is never double-booked. The rules of the resource
(opening hours, slot length, longest booking, how far ahead, least notice, capacity) are checked
first and refused with a ``ValidationError`` naming the field (a 400 on the API, the form's error
on the page). Then, on PostgreSQL, the insert meets the exclusion constraint ``booking_no_overlap``
(``spaces.models``): concurrent attempts at one slot wait for each other in the database and all
but one fail; on SQLite the overlap check and the insert run in one IMMEDIATE transaction, so
attempts are serialised. Either way the loser gets ``SlotTaken``, whose message names the
conflicting slot in the user's language (Jalali date and Persian digits in Persian).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hamafza.core.errors import Refused
from hamafza.core.formatting import digits, format_date
from hamafza.spaces import selectors
from hamafza.spaces.models import Booking, OpeningHours, Resource, Space, Weekday
from hamafza.spaces.rules import can


class BookingRefused(Refused):
    """A booking step the state forbids now (a cancelled booking, a closed space)."""

    code = "booking_refused"


class SlotTaken(BookingRefused):
    """The slot overlaps a confirmed booking of the same resource."""

    code = "slot_taken"


def _hhmm(value: datetime.time | datetime.datetime) -> str:
    return digits(f"{value.hour:02d}:{value.minute:02d}")


def slot_text(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """ "16 Azar 1405, 10:00–12:00" in the active language (Jalali and Persian digits in Persian)."""
    start, end = selectors.local(starts_at), selectors.local(ends_at)
    return _("%(date)s, %(start)s–%(end)s") % {
        "date": format_date(start.date()),
        "start": _hhmm(start),
        "end": _hhmm(end),
    }


def taken_message(conflict: Booking) -> str:
    return _("%(resource)s is already booked on %(slot)s. Choose another time or another resource.") % {
        "resource": conflict.resource.name,
        "slot": slot_text(conflict.starts_at, conflict.ends_at),
    }


def booking_rule_problems(
    *, resource: Resource, starts_at: datetime.datetime, ends_at: datetime.datetime, attendees: int, now=None
) -> dict[str, str]:
    """Why the resource's rules refuse this slot, by field (empty when they allow it)."""
    now = now or timezone.now()
    start, end = selectors.local(starts_at), selectors.local(ends_at)
    if end <= start:
        return {"ends_at": _("The end must be after the start.")}
    problems: dict[str, str] = {}
    if start < now:
        problems["starts_at"] = _("This time has already passed.")
    elif start < now + datetime.timedelta(minutes=resource.min_notice_minutes):
        problems["starts_at"] = _("Book at least %(minutes)s minutes ahead.") % {
            "minutes": digits(resource.min_notice_minutes)
        }
    last_day = selectors.local(now).date() + datetime.timedelta(days=resource.book_ahead_days)
    if start.date() > last_day:
        problems["starts_at"] = _("You may book at most %(days)s days ahead (until %(date)s).") % {
            "days": digits(resource.book_ahead_days),
            "date": format_date(last_day),
        }
    step = resource.slot_minutes
    if start.minute % step or end.minute % step or start.second or end.second:
        problems.setdefault(
            "starts_at", _("Bookings start and end on whole %(minutes)s-minute slots.") % {"minutes": digits(step)}
        )
    if end - start > datetime.timedelta(minutes=resource.max_booking_minutes):
        problems["ends_at"] = _("A booking of %(resource)s may last at most %(hours)s hours.") % {
            "resource": resource.name,
            "hours": digits(f"{resource.max_booking_minutes / 60:g}"),
        }
    if end.date() != start.date() and end.time() != datetime.time(0, 0):
        problems["ends_at"] = _("A booking starts and ends on the same day.")
    hours = selectors.opening_hours_of(space=resource.space).get(start.weekday())
    weekday = Weekday(start.weekday()).label
    if hours is None:
        problems["starts_at"] = _("The space is closed on %(weekday)s.") % {"weekday": weekday}
    elif start.time() < hours.opens or end.date() != start.date() or end.time() > hours.closes:
        problems["starts_at"] = _("The space is open on %(weekday)s from %(opens)s to %(closes)s.") % {
            "weekday": weekday,
            "opens": _hhmm(hours.opens),
            "closes": _hhmm(hours.closes),
        }
    if attendees < 1:
        problems["attendees"] = _("At least one person.")
    elif attendees > resource.capacity:
        problems["attendees"] = _("%(resource)s holds at most %(capacity)s people.") % {
            "resource": resource.name,
            "capacity": digits(resource.capacity),
        }
    return problems


def booking_create(
    *,
    resource: Resource,
    by,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    attendees: int = 1,
    purpose: str = "",
) -> Booking:
    """Book `resource` for ``[starts_at, ends_at)``.

    Guarantees: the person may book (signed in, the resource and its space open); the resource's
    rules hold (``ValidationError`` by field otherwise); no confirmed booking of the resource
    overlaps, enforced by the database (``SlotTaken`` naming the conflicting slot otherwise).
    """
    if not can(by, "spaces.book_resource", resource):
        if by is not None and by.is_authenticated:
            raise BookingRefused(_("This resource cannot be booked now."))
        raise PermissionDenied
    problems = booking_rule_problems(resource=resource, starts_at=starts_at, ends_at=ends_at, attendees=attendees)
    if problems:
        raise ValidationError(problems, code="booking_rules")
    # SQLite: the transaction begins IMMEDIATE (the write lock), so no other booking can be written
    # between the check and the insert. PostgreSQL: the check only finds the committed bookings
    # early; the exclusion constraint decides between concurrent ones.
    booking = _insert_or_move(
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        values={"booked_by": by, "attendees": attendees, "purpose": purpose.strip()},
    )
    booking.resource = resource
    return booking


def _insert_or_move(*, resource, starts_at, ends_at, values: dict, booking: Booking | None = None) -> Booking:
    """Write a confirmed booking of `resource` for ``[starts_at, ends_at)`` (a new one, or move
    `booking`) under the no-overlap guarantee: on PostgreSQL the exclusion constraint, on SQLite
    the IMMEDIATE transaction. Raises ``SlotTaken`` naming the conflicting slot."""
    exclude = booking.pk if booking is not None else None
    try:
        with transaction.atomic():
            conflict = (
                selectors.confirmed_between(resource=resource, start=starts_at, end=ends_at).exclude(pk=exclude).first()
            )
            if conflict is not None:
                raise SlotTaken(taken_message(conflict))
            if booking is None:
                booking = Booking.objects.create(resource=resource, starts_at=starts_at, ends_at=ends_at, **values)
            else:
                booking.resource, booking.starts_at, booking.ends_at = resource, starts_at, ends_at
                for name, value in values.items():
                    setattr(booking, name, value)
                booking.save()
    except IntegrityError as exc:
        conflict = (
            selectors.confirmed_between(resource=resource, start=starts_at, end=ends_at).exclude(pk=exclude).first()
        )
        if conflict is None:
            raise
        raise SlotTaken(taken_message(conflict)) from exc
    return booking


def hold_place(
    *,
    resource: Resource,
    by,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    held_for: str,
    purpose: str = "",
    attendees: int = 1,
    booking: Booking | None = None,
) -> Booking:
    """Hold `resource` for another part of the platform (``held_for``, e.g. ``programs.event:12``:
    an event whose venue is this room), or move the hold `booking` to a new room or time.

    Guarantees: the resource is bookable (a room of an open space) and in the future; no confirmed
    booking overlaps — the same database guarantee as :func:`booking_create` (``SlotTaken`` naming
    the conflicting slot). A person's booking rules (longest booking, how far ahead, opening hours)
    do not apply: the holding part has checked that `by` may organise what it holds (ADR 0024).
    A hold cancelled meanwhile (by the space's managers) is placed again as a new booking."""
    if not held_for:
        raise ValueError("held_for is required")
    if not can(by, "spaces.book_resource", resource):
        raise BookingRefused(_("%(resource)s cannot be booked now.") % {"resource": resource.name})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("This time has already passed.")})
    if attendees > resource.capacity:
        raise ValidationError(
            {
                "attendees": _("%(resource)s holds at most %(capacity)s people.")
                % {"resource": resource.name, "capacity": digits(resource.capacity)}
            }
        )
    if booking is not None and (booking.held_for != held_for or booking.state != Booking.State.CONFIRMED):
        booking = None
    values = {"attendees": attendees, "purpose": purpose.strip()[:200], "held_for": held_for}
    if booking is None:
        values["booked_by"] = by
    booking = _insert_or_move(resource=resource, starts_at=starts_at, ends_at=ends_at, values=values, booking=booking)
    booking.resource = resource
    return booking


def hold_release(*, booking: Booking, held_for: str) -> None:
    """Release a hold placed by :func:`hold_place` for `held_for` (the holding part has checked who
    may do it); a hold already cancelled or over stays as it is."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.held_for != held_for or locked.state != Booking.State.CONFIRMED or locked.ends_at <= timezone.now():
            return
        locked.state = Booking.State.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["state", "cancelled_at"])


def booking_cancel(*, booking: Booking, by) -> Booking:
    """Cancel a confirmed booking that has not ended: the person who booked or the space's managers.
    The row stays (with its history); the slot is free again at once. A hold of another part of
    the platform (an event's room) is released by changing that event; only the space's managers
    may cancel it here."""
    if not can(by, "spaces.cancel_booking", booking):
        raise PermissionDenied
    if booking.held_for and not can(by, "spaces.manage_space", booking.resource.space):
        raise BookingRefused(_("This booking holds the room of an event: change or cancel the event instead."))
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.state != Booking.State.CONFIRMED:
            raise BookingRefused(_("This booking is already cancelled."))
        if locked.ends_at <= timezone.now():
            raise BookingRefused(_("This booking has already ended."))
        locked.state = Booking.State.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = by
        locked.save(update_fields=["state", "cancelled_at", "cancelled_by"])
    booking.state, booking.cancelled_at, booking.cancelled_by = locked.state, locked.cancelled_at, by
    return booking


SPACE_FIELDS = ("name_fa", "name_en", "description_fa", "description_en", "address", "is_active")
RESOURCE_FIELDS = (
    "kind",
    "name_fa",
    "name_en",
    "capacity",
    "slot_minutes",
    "max_booking_minutes",
    "book_ahead_days",
    "min_notice_minutes",
    "is_active",
)


def _check_manager(by, space) -> None:
    if not can(by, "spaces.manage_space", space):
        raise PermissionDenied


def _new_slug(space: Space) -> str:
    base = slugify(space.name_en or "")[:60] or f"{space.city.slug}-space"
    slug, n = base, 1
    while Space.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def space_create(*, city, by, unit=None, organization=None, week=None, **fields) -> Space:
    """A new space of `city`, run by the city, one of its units or an organization: created by the
    city's innovation managers (city or unit) or the organization's admins (platform admins too).
    Its slug comes from the English name. `week`: opening hours as :func:`opening_hours_set`."""
    unknown = set(fields) - set(SPACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    space = Space(city=city, unit=unit, organization=organization)
    if not can(by, "spaces.create_space", space):
        raise PermissionDenied
    if unit is not None and organization is not None:
        raise ValidationError({"unit": _("A space is run by a unit or by an organization, not both.")})
    if unit is not None and unit.city_id != city.pk:
        raise ValidationError({"unit": _("The unit belongs to another city.")})
    for name, value in fields.items():
        setattr(space, name, value.strip() if isinstance(value, str) else value)
    space.slug = _new_slug(space)
    space.full_clean()
    space.save()
    if week:
        opening_hours_set(space=space, by=by, week=week)
    return space


def space_update(*, space: Space, by, week=None, **fields) -> Space:
    """Change a space's names, description, address or whether it takes bookings, and (`week`) its
    opening hours (its managers)."""
    _check_manager(by, space)
    unknown = set(fields) - set(SPACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(space, name, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        space.full_clean(exclude=["city", "unit", "organization"])
        space.save()
        if week is not None:
            opening_hours_set(space=space, by=by, week=week)
    return space


def resource_save(*, space: Space, by, resource: Resource | None = None, **fields) -> Resource:
    """Add a desk or a room to a space, or change one (its managers). Existing bookings stay."""
    _check_manager(by, space)
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    resource = resource or Resource(space=space)
    for name, value in fields.items():
        setattr(resource, name, value.strip() if isinstance(value, str) else value)
    resource.full_clean(exclude=["space"])
    resource.save()
    return resource


def opening_hours_set(*, space: Space, by, week: dict[int, tuple[datetime.time, datetime.time] | None]) -> None:
    """Replace a space's weekly opening hours: weekday -> (opens, closes), or None when closed."""
    _check_manager(by, space)
    problems = {}
    for weekday, hours in week.items():
        if hours is not None and hours[1] <= hours[0]:
            problems[f"weekday_{weekday}"] = _("%(weekday)s: closing must be after opening.") % {
                "weekday": Weekday(weekday).label
            }
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        current = selectors.opening_hours_of(space=space)
        for weekday, hours in week.items():
            row = current.get(weekday)
            if hours is None:
                if row is not None:
                    row.delete()
            elif row is None:
                OpeningHours.objects.create(space=space, weekday=weekday, opens=hours[0], closes=hours[1])
            elif (row.opens, row.closes) != hours:
                row.opens, row.closes = hours
                row.save()
