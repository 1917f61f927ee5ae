"""iCalendar (RFC 5545) of events: one VEVENT per event with its venue, in Asia/Tehran with a
VTIMEZONE, built with the `icalendar` package like the insights feeds. Stable UIDs, so a calendar
application updates an event when its time moves. ``add_events`` is also used by the city's feed
(``hamafza.insights``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from hamafza.programs.models import Event

TEHRAN = ZoneInfo("Asia/Tehran")


def add_events(cal: icalendar.Calendar, events, url_for) -> None:
    """Add a VEVENT for each event to `cal`; `url_for(event)` is its absolute page."""
    stamp = timezone.now().replace(microsecond=0)
    for event in events:
        url = url_for(event)
        item = icalendar.Event()
        item.add("uid", f"event-{event.pk}@hamafza")
        item.add("dtstamp", stamp)
        item.add("dtstart", timezone.localtime(event.starts_at, TEHRAN))
        item.add("dtend", timezone.localtime(event.ends_at, TEHRAN))
        item.add("summary", event.title)
        item.add("description", f"{event.get_kind_display()} · {event.organiser_name}\n{url}")
        item.add("location", event.venue_address or event.online_url)
        item.add("url", url)
        item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
        cal.add_component(item)


def event_calendar(*, event: Event, url: str) -> bytes:
    """The `.ics` of one event."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Hamafza//Events//FA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-timezone", "Asia/Tehran")
    add_events(cal, [event], lambda _event: url)
    cal.add_missing_timezones()
    return cal.to_ical()
