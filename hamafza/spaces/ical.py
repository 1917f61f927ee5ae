"""The `.ics` of a booking (RFC 5545, Asia/Tehran with its VTIMEZONE, the frame of
``hamafza.core.ical``). A cancelled booking is written with STATUS:CANCELLED, so a calendar
application that imported it removes it on the next import (same UID)."""

from __future__ import annotations

import icalendar
from django.utils.translation import gettext as _

from hamafza.core.ical import new_calendar, stamp, tehran, to_ical
from hamafza.spaces.models import Booking


def booking_calendar(*, booking: Booking, url: str) -> bytes:
    resource, space = booking.resource, booking.resource.space
    cal = new_calendar(name=space.name, product="Bookings")
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.pk}@hamafza")
    event.add("dtstamp", stamp())
    event.add("dtstart", tehran(booking.starts_at))
    event.add("dtend", tehran(booking.ends_at))
    event.add("summary", _("%(resource)s at %(space)s") % {"resource": resource.name, "space": space.name})
    event.add("location", ", ".join(part for part in (space.name, space.address, space.city.name) if part))
    event.add("description", "\n".join(part for part in (booking.purpose, url) if part))
    event.add("url", url)
    event.add("status", "CONFIRMED" if booking.is_confirmed else "CANCELLED")
    event.add("sequence", 0 if booking.is_confirmed else 1)
    cal.add_component(event)
    return to_ical(cal)
