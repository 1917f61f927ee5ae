"""The frame of every iCalendar (RFC 5545) document the platform writes: a VCALENDAR in
Asia/Tehran with its VTIMEZONE, built with the `icalendar` package. The insights app's feeds
(calls) and the spaces app's booking downloads put their events in it."""

from __future__ import annotations

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
