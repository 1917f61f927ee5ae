"""iCalendar (RFC 5545) feeds: the opening and the closing of calls, in Asia/Tehran with a VTIMEZONE.
Built with the `icalendar` package; one event per opening and one per deadline, with stable UIDs so a
calendar application updates them when a deadline moves. A city's feed also carries the city's
published events (``hamafza.programs.ical.add_events``)."""

from __future__ import annotations

import icalendar
from django.utils.translation import gettext as _

from hamafza.core.ical import new_calendar, stamp, tehran, to_ical
from hamafza.programs.ical import add_events


def calendar(*, name: str, calls, url_for, events=(), event_url_for=None) -> bytes:
    """A VCALENDAR with the opening and closing of each call; `url_for(call)` is its absolute page.
    `events` (programs' events) are added with `event_url_for(event)` as their page."""
    cal = new_calendar(name=name, product="Calls")
    now = stamp()
    for call in calls:
        url = url_for(call)
        moments = (
            ("opens", call.opens_at or call.published_at, _("Opens: %(title)s")),
            ("closes", call.closes_at, _("Deadline: %(title)s")),
        )
        for key, moment, summary in moments:
            if moment is None:
                continue
            event = icalendar.Event()
            event.add("uid", f"call-{call.pk}-{key}@hamafza")
            event.add("dtstamp", now)
            event.add("dtstart", tehran(moment))
            event.add("summary", summary % {"title": call.title})
            event.add("description", f"{call.unit.name} · {call.city.name}\n{url}")
            event.add("url", url)
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    if events:
        add_events(cal, events, event_url_for)
    return to_ical(cal)
