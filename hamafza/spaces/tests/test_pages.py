"""The pages of co-working spaces, per role with real requests: who sees what of a booking, the
booking form in Persian (Jalali date, Persian digits), cancellation, the .ics, bad input, queries."""

import datetime

import icalendar
import jdatetime
import pytest
from django.urls import reverse
from django.utils import translation

from hamafza.core.formatting import format_date
from hamafza.core.text import persian_digits
from hamafza.spaces import selectors, services
from hamafza.spaces.models import Booking, Weekday
from hamafza.spaces.tests.factories import BookingFactory, ResourceFactory, SpaceFactory, tomorrow_at

pytestmark = pytest.mark.django_db


def url(name, *args, lang="fa"):
    with translation.override(lang):
        return reverse(f"spaces:{name}", args=args)


def jalali_tomorrow() -> str:
    day = selectors.today() + datetime.timedelta(days=1)
    return persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


@pytest.fixture
def booking(world):
    return services.booking_create(
        resource=world.desk,
        by=world.booker,
        starts_at=tomorrow_at(10),
        ends_at=tomorrow_at(12),
        purpose="Team sync secret",
    )


def test_space_list_per_city_and_all(client, world, django_assert_max_num_queries):
    SpaceFactory(city=world.karaj, name_fa="فضای کرج")
    with django_assert_max_num_queries(4):
        page = client.get(url("city_space_list", "tabriz")).content.decode()
    assert "فضای کار مشترک تبریز" in page and "فضای کرج" not in page
    everything = client.get(url("space_list")).content.decode()
    assert "فضای کرج" in everything and "فضای کار مشترک تبریز" in everything
    assert client.get(url("city_space_list", "nowhere")).status_code == 404
    assert client.get(url("space_list") + "?page=x").status_code == 400


def test_space_list_costs_the_same_for_more_spaces(client, world, django_assert_num_queries):
    with django_assert_num_queries(3) as few:
        client.get(url("space_list"))
    for _ in range(6):
        ResourceFactory(space=SpaceFactory(city=world.tabriz))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("space_list"))


def test_space_page_shows_resources_and_hours(client, world):
    page = client.get(url("space_detail", "tabriz-cowork")).content.decode()
    assert "میز ۱" in page and "اتاق جلسه" in page and "۰۸:۰۰–۲۰:۰۰" in page
    assert 'dir="rtl"' in page


@pytest.mark.parametrize(
    ("who", "sees_details"),
    [
        (None, False),
        ("someone", False),
        ("org_member", False),
        ("other_manager", False),
        ("staff", False),
        ("booker", True),
        ("manager", True),
        ("org_admin", True),
        ("admin", True),
    ],
)
def test_who_sees_a_bookings_details(client, world, booking, who, sees_details, django_assert_max_num_queries):
    if who:
        client.force_login(getattr(world, who))
    day = (selectors.today() + datetime.timedelta(days=1)).isoformat()
    with django_assert_max_num_queries(12):
        response = client.get(url("resource_day", "tabriz-cowork", world.desk.pk) + f"?date={day}")
    page = response.content.decode()
    assert response.status_code == 200
    manager = who in ("manager", "org_admin", "admin")
    assert ("Team sync secret" in page) is manager
    if who != "booker":  # (the booker's own name is in the top bar)
        assert ("سارا احمدی" in page) is manager
    if who == "booker":
        assert "رزرو شما" in page
    elif not sees_details:
        assert "رزروشده" in page
    week = client.get(url("resource_week", "tabriz-cowork", world.desk.pk) + f"?date={day}").content.decode()
    assert "Team sync secret" not in week
    if who != "booker":
        assert "سارا احمدی" not in week
    space = client.get(url("space_detail", "tabriz-cowork")).content.decode()
    assert ("Team sync secret" in space) is manager


def test_day_and_week_cost_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, django_assert_max_num_queries
):
    # Anonymous: a signed-in session is touched (written) once a minute, which would make counts vary.
    day = (selectors.today() + datetime.timedelta(days=1)).isoformat()
    addresses = [
        url(name, "tabriz-cowork", world.desk.pk) + f"?date={day}" for name in ("resource_day", "resource_week")
    ]
    counts = []
    for address in addresses:
        client.get(address)
        with django_assert_max_num_queries(6) as few:
            client.get(address)
        counts.append(len(few.captured_queries))
    for hour in (8, 10, 12, 14, 16):
        BookingFactory(resource=world.desk, starts_at=tomorrow_at(hour), ends_at=tomorrow_at(hour + 1))
    for address, count in zip(addresses, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(address)


def test_bad_dates_are_400(client, world):
    assert client.get(url("resource_day", "tabriz-cowork", world.desk.pk) + "?date=abc").status_code == 400
    assert client.get(url("resource_week", "tabriz-cowork", world.desk.pk) + "?date=1405/13/40").status_code == 400
    assert client.get(url("resource_day", "tabriz-cowork", 999999)).status_code == 404


def test_book_with_jalali_date_and_persian_digits_then_fail_the_same_slot(client, world):
    address = url("resource_book", "tabriz-cowork", world.desk.pk)
    assert client.get(address).status_code == 302  # sign in first
    client.force_login(world.booker)
    form = {"date": jalali_tomorrow(), "start": "۱۰:۰۰", "end": "١٢:٠٠", "attendees": "۱", "purpose": "کار تیمی"}
    response = client.post(address, form)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.ends_at) == (tomorrow_at(10), tomorrow_at(12))

    client.force_login(world.someone)
    response = client.post(address, {**form, "start": "11:00", "end": "12:30"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "میز ۱" in page and "۱۰:۰۰–۱۲:۰۰" in page and "رزرو" in page
    assert Booking.objects.count() == 1


def test_rule_violations_are_400_with_the_reason(client, world):
    client.force_login(world.someone)
    address = url("resource_book", "tabriz-cowork", world.desk.pk)
    response = client.post(address, {"date": jalali_tomorrow(), "start": "06:00", "end": "07:00"})
    assert response.status_code == 400
    assert "۰۸:۰۰" in response.content.decode()  # names the opening hours
    response = client.post(address, {"date": "not a date", "start": "25:00", "end": "x"})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_my_bookings_cancel_and_ics(client, world, booking, django_assert_max_num_queries):
    other = BookingFactory(resource=world.room, booked_by=world.someone)
    client.force_login(world.booker)
    with django_assert_max_num_queries(8):
        page = client.get(url("my_bookings")).content.decode()
    assert "میز ۱" in page and "اتاق جلسه" not in page

    response = client.get(url("booking_ics", booking.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tehran"]
    event = cal.walk("VEVENT")[0]
    assert event.decoded("dtstart") == tomorrow_at(10) and str(event["status"]) == "CONFIRMED"

    # someone else's booking: no .ics, no cancelling (404)
    assert client.get(url("booking_ics", other.pk)).status_code == 404
    assert client.post(url("booking_cancel", other.pk)).status_code == 404
    assert Booking.objects.get(pk=other.pk).is_confirmed

    assert client.post(url("booking_cancel", booking.pk)).status_code == 302
    assert Booking.objects.get(pk=booking.pk).state == "cancelled"
    cal = icalendar.Calendar.from_ical(client.get(url("booking_ics", booking.pk)).content)
    assert str(cal.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_managers_cancel_from_the_space_page(client, world, booking):
    client.force_login(world.org_member)
    assert client.post(url("booking_cancel", booking.pk)).status_code == 404
    client.force_login(world.org_admin)
    assert (
        client.post(url("booking_cancel", booking.pk), {"next": url("space_detail", "tabriz-cowork")}).status_code
        == 302
    )
    assert Booking.objects.get(pk=booking.pk).cancelled_by == world.org_admin


def test_the_profile_shows_the_upcoming_bookings(client, world, booking, django_assert_max_num_queries):
    client.force_login(world.someone)
    with translation.override("fa"):
        profile = reverse("accounts:profile")
    assert 'id="profile-bookings"' not in client.get(profile).content.decode()
    client.force_login(world.booker)
    page = client.get(profile).content.decode()
    assert 'id="profile-bookings"' in page and "میز ۱" in page


def test_week_and_day_are_headed_in_jalali_with_persian_weekdays(client, world):
    day = selectors.today() + datetime.timedelta(days=1)
    with translation.override("fa"):
        jalali = format_date(day)
        weekday = str(Weekday(day.weekday()).label)
    week = client.get(
        url("resource_week", "tabriz-cowork", world.desk.pk) + f"?date={day.isoformat()}"
    ).content.decode()
    assert jalali in week and weekday in week and "شنبه" in week
    page = client.get(url("resource_day", "tabriz-cowork", world.desk.pk) + f"?date={day.isoformat()}").content.decode()
    assert jalali in page and weekday in page and "۰۸:۰۰–۰۸:۳۰" in page
