"""iCalendar (RFC 5545) feeds, in Asia/Tehran with a VTIMEZONE, built with the `icalendar` package
(the frame and the one VEVENT writer are `hamafza.core.ical`, shared with the programs' and the
spaces' downloads; a program's event is written by `hamafza.programs.ical.event_item`).

A feed is a list of `Event`s from **event sources**. A city's public feed reads every source in
`CITY_EVENT_SOURCES` (the openings and deadlines of its calls, and the published events of the
programs app); another kind of event is one more `EventSource` appended to that list: its
`events(city, since, base)` yields the events of the city from `since` on (`base`: the site's
address, for absolute links) and its `fingerprint(city, since)` returns a few cheap aggregates that
change whenever those events change (the stored feed is rebuilt when they do: `insights.open_data`).
Events carry stable UIDs so a calendar application updates them when a deadline moves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import pgettext

from hamafza.core import ical as core_ical
from hamafza.core.ical import TEHRAN, Event
from hamafza.insights import selectors
from hamafza.programs import selectors as program_selectors
from hamafza.programs.ical import event_item
from hamafza.programs.models import Event as ProgramEvent

__all__ = ["CITY_EVENT_SOURCES", "TEHRAN", "Event", "EventSource", "calendar", "call_events", "city_events"]


@dataclass(frozen=True)
class EventSource:
    key: str
    events: Callable[..., Iterable[Event]]  # (city, since, base) -> events
    fingerprint: Callable[..., list]  # (city, since) -> JSON-ready values, a fixed number of queries


def call_events(calls, *, url_for) -> Iterable[Event]:
    """One event for the opening and one for the deadline of each call (`url_for(call)`: its page)."""
    for call in calls:
        url = url_for(call)
        moments = (
            ("opens", call.opens_at or call.published_at, pgettext("text", "Opens: %(title)s")),
            ("closes", call.closes_at, pgettext("text", "Deadline: %(title)s")),
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


def call_url_for(base: str):
    """The absolute page of a call on the site at `base` (the feeds' links)."""
    return lambda call: base + reverse("challenges:call_detail", args=[call.pk])


CALLS = EventSource(
    key="calls",
    events=lambda city, since, base: call_events(
        selectors.calendar_calls(city=city, since=since), url_for=call_url_for(base)
    ),
    fingerprint=lambda city, since: selectors.calendar_calls_fingerprint(city=city, since=since),
)


def program_events(city, since, base) -> Iterable[Event]:
    """The city's published (and cancelled) events of the programs app ending from `since` on."""
    for event in program_selectors.events_of_city_for_calendar(city=city).filter(ends_at__gte=since):
        yield event_item(event, base + reverse("programs:event_detail", args=[event.pk]))


def program_events_fingerprint(city, since) -> list:
    """Changes whenever one of the city's events is saved (every save writes a history row)."""
    row = ProgramEvent.history.filter(city_id=city.pk).aggregate(n=Count("history_id"), last=Max("history_date"))
    return [row["n"], row["last"].isoformat() if row["last"] else None]


PROGRAM_EVENTS = EventSource(key="events", events=program_events, fingerprint=program_events_fingerprint)

#: The sources of a city's public feed, in order.
CITY_EVENT_SOURCES: list[EventSource] = [CALLS, PROGRAM_EVENTS]


def city_events(city, *, since, base) -> Iterable[Event]:
    for source in CITY_EVENT_SOURCES:
        yield from source.events(city, since, base)


def city_fingerprint(city, *, since) -> list:
    return [[source.key, source.fingerprint(city, since)] for source in CITY_EVENT_SOURCES]


def calendar(*, name: str, events: Iterable[Event]) -> bytes:
    """A VCALENDAR of `events`, times in Asia/Tehran with its VTIMEZONE."""
    return core_ical.calendar(name=name, product="Calls", events=events)
