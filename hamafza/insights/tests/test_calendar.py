"""The iCalendar feeds parse (RFC 5545), carry Asia/Tehran with a VTIMEZONE, and the personal feed is
private to its token."""

import datetime
import gzip

import icalendar
import pytest
from django.test import override_settings
from django.urls import reverse

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.models import CallFollow
from hamafza.insights import ical, services
from hamafza.insights.models import CalendarFeed

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@override_settings(INSIGHTS_CALENDAR_PAST_DAYS=100_000)  # every call of the fixture (2024-…) in the window
def test_city_calendar(client, world, city):
    cal = parse(client.get(reverse("insights:city_calendar", args=[city.slug])))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tehran"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    c1, c2, c3 = world["c1"], world["c2"], world["c3"]
    assert set(events) == {f"call-{c.pk}-{k}@hamafza" for c in (c1, c2, c3) for k in ("opens", "closes")}
    closes = events[f"call-{c1.pk}-closes@hamafza"]
    start = closes.decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Tehran" and closes["DTSTART"].params["TZID"] == "Asia/Tehran"
    assert start == datetime.datetime(2024, 7, 1, 10, tzinfo=datetime.UTC)  # the same instant
    assert start.utcoffset() == datetime.timedelta(hours=3, minutes=30)
    assert "Call one" in str(closes["SUMMARY"])
    assert str(closes["URL"]).startswith("http://testserver/")
    for event in events.values():  # required by RFC 5545
        assert event.get("DTSTAMP") and event.get("UID")
    assert b"\r\n" in client.get(reverse("insights:city_calendar", args=[city.slug])).content


def test_personal_feed_is_private_and_lists_followed_calls(client, world, city):
    user = UserFactory()
    CallFollow.objects.create(call=world["c2"], user=user)
    CallFollow.objects.create(call=world["c5"], user=user)  # Karaj: followed calls of any city
    client.force_login(user)
    page = client.get(reverse("insights:calendar_settings"))
    feed = CalendarFeed.objects.get(user=user)
    assert feed.token in page.content.decode()
    client.logout()
    url = reverse("insights:personal_calendar", args=[feed.token])
    cal = parse(client.get(url))
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids == {f"call-{c.pk}-{k}@hamafza" for c in (world["c2"], world["c5"]) for k in ("opens", "closes")}
    assert client.get(reverse("insights:personal_calendar", args=["not-a-token"])).status_code == 404
    # A new address: the old one stops working.
    services.calendar_feed_reset(user=user)
    assert client.get(url).status_code == 404
    assert CalendarFeed.objects.get(user=user).token != feed.token


def test_reset_through_the_page(client, user_factory=UserFactory):
    user = user_factory()
    client.force_login(user)
    client.get(reverse("insights:calendar_settings"))
    old = CalendarFeed.objects.get(user=user).token
    response = client.post(reverse("insights:calendar_settings"))
    assert response.status_code == 302
    assert CalendarFeed.objects.get(user=user).token != old
    client.logout()
    assert client.get(reverse("insights:calendar_settings")).status_code == 302  # login required


def test_city_calendar_window(client, world, city):
    """By default the feed holds the calls whose opening or deadline is at most 90 days old (both
    their events); the older ones are in the OCDS package and the registers."""
    cal = parse(client.get(reverse("insights:city_calendar", args=[city.slug])))
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids == {f"call-{world['c2'].pk}-opens@hamafza", f"call-{world['c2'].pk}-closes@hamafza"}


@override_settings(INSIGHTS_CALENDAR_PAST_DAYS=100_000)
def test_city_calendar_is_stored_and_rebuilt_when_a_call_changes(client, world, city):
    url = reverse("insights:city_calendar", args=[city.slug])
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(zipped.content) == first.content
    call = world["c2"]
    call.title = "Call two, renamed"
    call.save()
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert any("Call two, renamed" in str(e["SUMMARY"]) for e in parse(second).walk("VEVENT"))


@override_settings(INSIGHTS_CALENDAR_PAST_DAYS=100_000)
def test_feed_query_count_is_constant(client, world, city, django_assert_max_num_queries):
    """Building the feed (its first request) and serving it stored read a fixed number of queries."""
    from hamafza.insights.tests.conftest import at
    from hamafza.proposals.tests.factories import CallFactory

    url = reverse("insights:city_calendar", args=[city.slug])
    with django_assert_max_num_queries(12) as built:
        client.get(url)
    n_built = len(built.captured_queries)  # read now: the next request resets the query log
    # the stored file and the city, then one fingerprint query per event source (calls, programs' events)
    with django_assert_max_num_queries(3 + len(ical.CITY_EVENT_SOURCES)) as served:
        client.get(url)
    n_served = len(served.captured_queries)
    for i in range(5):
        CallFactory(city=city, unit=world["u1"], published_at=at(2025, 11, 1 + i))
    with django_assert_max_num_queries(n_built):
        assert len(parse(client.get(url)).walk("VEVENT")) == 16
    with django_assert_max_num_queries(n_served):
        client.get(url)


def test_refresh_task_builds_changed_files_only(world, city, other_city):
    from hamafza.insights import tasks
    from hamafza.insights.models import OpenDataFile

    built = tasks.refresh_open_data()
    assert built == OpenDataFile.objects.count() and built >= 4  # a package and a feed per active city
    assert tasks.refresh_open_data() == 0  # nothing changed
    call = world["c2"]
    call.title = "Call two, renamed"
    call.save()
    assert tasks.refresh_open_data() == 2  # Qom's package and feed
    assert tasks.build_open_data("ocds", city.pk, "fa", "http://testserver") is True
    assert tasks.build_open_data("nope", city.pk, "fa", "http://testserver") is False
