"""The frame of every iCalendar (RFC 5545) document the platform writes: a VCALENDAR in
Asia/Tehran with its VTIMEZONE, built with the `icalendar` package, and the one VEVENT writer
(:class:`Event`, :func:`calendar`). The insights app's feeds (calls and the programs' events), the
programs' per-event download and the spaces app's booking downloads put their events in it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

TEHRAN = ZoneInfo("Asia/Tehran")


def new_calendar(*, name: str, product: str) -> icalendar.Calendar:
    """An empty VCALENDAR (`product` names the PRODID, e.g. "Calls")."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//Hamafza//{product}//FA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tehran")
    return cal


def tehran(moment):
    """An instant as Tehran local time (the events' DTSTART/DTEND carry TZID=Asia/Tehran)."""
    return timezone.localtime(moment, TEHRAN)


def stamp():
    """DTSTAMP: now, to the second."""
    return timezone.now().replace(microsecond=0)


def to_ical(cal: icalendar.Calendar) -> bytes:
    """The document, with the VTIMEZONE of every time zone its events use (Asia/Tehran)."""
    cal.add_missing_timezones()
    return cal.to_ical()


@dataclass(frozen=True)
class Event:
    """One VEVENT: an event with a span, or a moment (a deadline: no `end`)."""

    uid: str  # stable: the same event keeps its UID when it moves
    start: datetime.datetime
    summary: str
    description: str
    url: str
    end: datetime.datetime | None = None
    location: str = ""
    cancelled: bool = False
    busy: bool = False  # an event takes the time (OPAQUE); a call's deadline does not (TRANSPARENT)
    confirmed: bool = False  # write STATUS:CONFIRMED when not cancelled (an event, not a deadline)


def add_event(cal: icalendar.Calendar, item: Event, *, now=None) -> None:
    """Append `item` to `cal` as a VEVENT (times as Tehran local time with TZID)."""
    event = icalendar.Event()
    event.add("uid", item.uid)
    event.add("dtstamp", now or stamp())
    event.add("dtstart", tehran(item.start))
    if item.end is not None:
        event.add("dtend", tehran(item.end))
    event.add("summary", item.summary)
    event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    event.add("url", item.url)
    if item.cancelled:
        event.add("status", "CANCELLED")
    elif item.confirmed:
        event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE" if item.busy else "TRANSPARENT")
    cal.add_component(event)


def calendar(*, name: str, product: str, events: Iterable[Event]) -> bytes:
    """A VCALENDAR of `events`, times in Asia/Tehran with its VTIMEZONE."""
    cal = new_calendar(name=name, product=product)
    now = stamp()
    for item in events:
        add_event(cal, item, now=now)
    return to_ical(cal)
