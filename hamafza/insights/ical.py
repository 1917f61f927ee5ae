"""iCalendar (RFC 5545) feeds, in Asia/Tehran with a VTIMEZONE, built with the `icalendar` package.

A feed is a list of `Event`s from **event sources**. A city's public feed reads every source in
`CITY_EVENT_SOURCES` (today: the openings and deadlines of its calls); another kind of event
(e.g. a program's sessions) is one more `EventSource` appended to that list: its `events(city,
since, url_for)` yields the events of the city from `since` on and its `fingerprint(city, since)`
returns a few cheap aggregates that change whenever those events change (the stored feed is
rebuilt when they do: `insights.open_data`). Events carry stable UIDs so a calendar application
updates them when a deadline moves."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.insights import selectors

TEHRAN = ZoneInfo("Asia/Tehran")


@dataclass(frozen=True)
class Event:
    uid: str  # stable: the same event keeps its UID when it moves
    start: datetime.datetime
    summary: str
    description: str
    url: str


@dataclass(frozen=True)
class EventSource:
    key: str
    events: Callable[..., Iterable[Event]]  # (city, since, url_for) -> events
    fingerprint: Callable[..., list]  # (city, since) -> JSON-ready values, a fixed number of queries


def call_events(calls, *, url_for) -> Iterable[Event]:
    """One event for the opening and one for the deadline of each call (`url_for(call)`: its page)."""
    for call in calls:
        url = url_for(call)
        moments = (
            ("opens", call.opens_at or call.published_at, _("Opens: %(title)s")),
            ("closes", call.closes_at, _("Deadline: %(title)s")),
        )
        for key, moment, summary in moments:
            if moment is not None:
                yield Event(
                    uid=f"call-{call.pk}-{key}@hamafza",
                    start=moment,
                    summary=summary % {"title": call.title},
                    description=f"{call.unit.name} · {call.city.name}\n{url}",
                    url=url,
                )


CALLS = EventSource(
    key="calls",
    events=lambda city, since, url_for: call_events(selectors.calendar_calls(city=city, since=since), url_for=url_for),
    fingerprint=lambda city, since: selectors.calendar_calls_fingerprint(city=city, since=since),
)

#: The sources of a city's public feed, in order.
CITY_EVENT_SOURCES: list[EventSource] = [CALLS]


def city_events(city, *, since, url_for) -> Iterable[Event]:
    for source in CITY_EVENT_SOURCES:
        yield from source.events(city, since, url_for)


def city_fingerprint(city, *, since) -> list:
    return [[source.key, source.fingerprint(city, since)] for source in CITY_EVENT_SOURCES]


def calendar(*, name: str, events: Iterable[Event]) -> bytes:
    """A VCALENDAR of `events`, times in Asia/Tehran with its VTIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Hamafza//Calls//FA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tehran")
    stamp = timezone.now().replace(microsecond=0)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(item.start, TEHRAN))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
