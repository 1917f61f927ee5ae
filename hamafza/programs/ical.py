"""iCalendar (RFC 5545) of events: one VEVENT per event with its venue, in Asia/Tehran with a
VTIMEZONE, written by the platform's one VEVENT builder (``hamafza.core.ical``). Stable UIDs, so a
calendar application updates an event when its time moves. :func:`event_item` is also what the
city's feed (``hamafza.insights.ical``) writes for each event."""

from __future__ import annotations

from hamafza.core import ical
from hamafza.programs.models import Event


def event_item(event: Event, url: str) -> ical.Event:
    """The calendar entry of an event (`url`: its absolute page)."""
    return ical.Event(
        uid=f"event-{event.pk}@hamafza",
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=f"{event.get_kind_display()} · {event.organiser_name}\n{url}",
        url=url,
        location=event.venue_text,
        cancelled=event.status == Event.Status.CANCELLED,
        busy=True,
        confirmed=True,
    )


def event_calendar(*, event: Event, url: str) -> bytes:
    """The `.ics` of one event."""
    return ical.calendar(name=event.title, product="Events", events=[event_item(event, url)])
