"""The organiser's and the space manager's pages in a real browser, in Persian (Debian's Chromium
through Playwright), offline: a city's innovation manager adds a room to a co-working space and
books it, then edits an event to take place in that room at an overlapping time and sees the
message naming the taken slot (with what was typed kept), moves the event to a free time and the
room is booked for it. Every request stays on 127.0.0.1; screenshots go to var/screenshots/."""

import datetime
import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the factories touch the database from this thread

import jdatetime  # noqa: E402

from hamafza.accounts.models import CityRole  # noqa: E402
from hamafza.accounts.tests.factories import user_with_role  # noqa: E402
from hamafza.core.tests.factories import CityFactory  # noqa: E402
from hamafza.core.text import persian_digits  # noqa: E402
from hamafza.programs.models import Event  # noqa: E402
from hamafza.programs.tests.factories import EventFactory  # noqa: E402
from hamafza.spaces import selectors  # noqa: E402
from hamafza.spaces.models import Booking, Resource  # noqa: E402
from hamafza.spaces.tests.factories import SpaceFactory, tomorrow_at  # noqa: E402

pytestmark = pytest.mark.browser


def _type_date(page, selector, text):
    page.fill(selector, text)
    page.keyboard.press("Escape")  # close the date picker


def test_create_a_room_book_it_and_edit_an_event_into_it(page, transactional_db):
    tabriz = CityFactory(slug="tabriz", name_fa="تبریز", name_en="Tabriz")
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, tabriz)
    space = SpaceFactory(city=tabriz, slug="tabriz-cowork", name_fa="فضای کار مشترک تبریز")
    event = EventFactory(city=tabriz, created_by=manager, title="نشست فناوری شهری", capacity=15)
    day = selectors.today() + datetime.timedelta(days=1)
    j = jdatetime.date.fromgregorian(date=day)
    day_text = persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}")

    page.sign_in(manager)
    # The space manager adds a room on the space's page.
    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/")
    page.get_by_role("link", name="افزودن میز یا اتاق").click()
    page.wait_for_load_state()
    page.select_option("#id_kind", "room")
    page.fill("#id_name_fa", "اتاق نوآوری")
    page.fill("#id_capacity", "۲۰")
    page.select_option("#id_slot_minutes", "60")
    page.fill("#id_max_booking_minutes", "۲۴۰")
    page.fill("#id_book_ahead_days", "۳۰")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    assert page.url.endswith("/fa/spaces/tabriz-cowork/")
    assert "اتاق نوآوری" in page.inner_text("#resources")
    page.shot("programs-space-with-new-room")
    room = Resource.objects.get(name_fa="اتاق نوآوری", space=space)
    assert (room.kind, room.capacity, room.slot_minutes) == ("room", 20, 60)

    # …and books it for tomorrow 10:00–12:00.
    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/{room.pk}/book/")
    _type_date(page, "#id_date", day_text)
    page.fill("#id_start", "۱۰:۰۰")
    page.fill("#id_end", "۱۲:۰۰")
    page.locator("#booking-form button.btn-primary").click()
    page.wait_for_load_state()
    assert "/fa/bookings/" in page.url and "اتاق نوآوری" in page.inner_text("#bookings")

    # The organiser edits the event into the room at an overlapping time: refused, naming the slot.
    page.goto(f"{page.base}/fa/events/{event.pk}/")
    page.get_by_role("link", name="ویرایش رویداد").click()
    page.wait_for_load_state()
    assert f"/fa/events/{event.pk}/edit/" in page.url
    page.fill("#id_title", "نشست فناوری شهری در اتاق نوآوری")
    page.fill("#id_venue_address", "")
    page.select_option("#id_venue_room", str(room.pk))
    _type_date(page, "#id_starts_at", f"{day_text} ۱۱:۰۰")
    _type_date(page, "#id_ends_at", f"{day_text} ۱۳:۰۰")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    error = page.locator("#id_venue_room_error").inner_text()
    assert "اتاق نوآوری" in error and "پیش‌تر رزرو شده است" in error and "۱۰:۰۰–۱۲:۰۰" in error
    assert page.input_value("#id_title") == "نشست فناوری شهری در اتاق نوآوری"
    page.shot("programs-event-edit-room-taken")
    assert Event.objects.get(pk=event.pk).venue_room is None

    # A free time: saved, and the room is booked for the event.
    _type_date(page, "#id_starts_at", f"{day_text} ۱۳:۰۰")
    _type_date(page, "#id_ends_at", f"{day_text} ۱۵:۰۰")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/fa/events/{event.pk}/")
    assert "اتاق نوآوری" in page.inner_text("main")
    event.refresh_from_db()
    assert event.venue_room == room and event.title == "نشست فناوری شهری در اتاق نوآوری"
    held = Booking.objects.get(pk=event.venue_booking_id)
    assert (held.starts_at, held.ends_at, held.state) == (tomorrow_at(13), tomorrow_at(15), "confirmed")
