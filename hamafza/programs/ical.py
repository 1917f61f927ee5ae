"""iCalendar (RFC 5545) of events: one VEVENT per event with its venue, in Asia/Tehran with a
VTIMEZONE, built with the `icalendar` package like the insights feeds. Stable UIDs, so a calendar
application updates an event when its time moves. ``add_events`` is also used by the city's feed
(``hamafza.insights``)."""

from __future__ import annotations

import icalendar

from hamafza.core.ical import new_calendar, stamp, tehran, to_ical
from hamafza.programs.models import Event


def add_events(cal: icalendar.Calendar, events, url_for) -> None:
    """Add a VEVENT for each event to `cal`; `url_for(event)` is its absolute page."""
    now = stamp()
    for event in events:
        url = url_for(event)
        item = icalendar.Event()
        item.add("uid", f"event-{event.pk}@hamafza")
        item.add("dtstamp", now)
        item.add("dtstart", tehran(event.starts_at))
        item.add("dtend", tehran(event.ends_at))
        item.add("summary", event.title)
        item.add("description", f"{event.get_kind_display()} · {event.organiser_name}\n{url}")
        item.add("location", event.venue_text)
        item.add("url", url)
        item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
        cal.add_component(item)


def event_calendar(*, event: Event, url: str) -> bytes:
    """The `.ics` of one event."""
    cal = new_calendar(name=event.title, product="Events")
    add_events(cal, [event], lambda _event: url)
    return to_ical(cal)
