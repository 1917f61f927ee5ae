"""Booking a desk in a real browser, in Persian (Debian's Chromium through Playwright), offline: a
signed-in person opens the Tabriz space, looks at the desk's day, books a slot with a Jalali date
typed in Persian digits, sees it in "my bookings"; a second person tries the same slot and sees
the message naming it. Every request must stay on 127.0.0.1; screenshots go to var/screenshots/."""

import datetime
import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the factories touch the database from this thread

import jdatetime  # noqa: E402

from hamafza.accounts.tests.factories import UserFactory  # noqa: E402
from hamafza.core.tests.factories import CityFactory  # noqa: E402
from hamafza.core.text import persian_digits  # noqa: E402
from hamafza.spaces import selectors  # noqa: E402
from hamafza.spaces.models import Booking  # noqa: E402
from hamafza.spaces.tests.factories import ResourceFactory, SpaceFactory, tomorrow_at  # noqa: E402

pytestmark = pytest.mark.browser


def _book(page, day_text):
    page.fill("#id_date", day_text)
    page.keyboard.press("Escape")  # close the date picker
    page.fill("#id_start", "۱۰:۰۰")
    page.fill("#id_end", "۱۲:۰۰")
    page.locator("#booking-form button.btn-primary").click()
    page.wait_for_load_state()


def test_book_a_desk_and_fail_to_book_the_same_slot_twice(page, transactional_db):
    tabriz = CityFactory(slug="tabriz", name_fa="تبریز", name_en="Tabriz")
    space = SpaceFactory(city=tabriz, slug="tabriz-cowork", name_fa="فضای کار مشترک تبریز")
    desk = ResourceFactory(space=space, name_fa="میز پنجره")
    first, second = UserFactory(), UserFactory()
    day = selectors.today() + datetime.timedelta(days=1)
    j = jdatetime.date.fromgregorian(date=day)
    day_text = persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}")

    page.sign_in(first)
    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("link", name="روز").first.click()
    page.wait_for_load_state()
    assert f"/{desk.pk}/day/" in page.url
    # today's slots may all be past (the suite runs at any hour): tomorrow has free ones
    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/{desk.pk}/day/?date={day.isoformat()}")
    assert page.locator("#day-slots .slot-free").count() > 0
    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/{desk.pk}/book/")
    _book(page, day_text)
    assert "/fa/bookings/" in page.url
    assert "رزرو شد" in page.inner_text("main") and "میز پنجره" in page.inner_text("#bookings")
    page.shot("spaces-my-bookings")
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.ends_at) == (tomorrow_at(10), tomorrow_at(12))

    page.sign_in(second)
    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/{desk.pk}/book/")
    _book(page, day_text)
    alert = page.locator("#booking-form .alert-danger").inner_text()
    assert "میز پنجره" in alert and "پیش‌تر رزرو شده است" in alert and "۱۰:۰۰–۱۲:۰۰" in alert
    assert persian_digits(str(j.year)) in alert  # the Jalali date of the taken slot
    page.shot("spaces-slot-taken")
    assert Booking.objects.count() == 1

    page.goto(f"{page.base}/fa/spaces/tabriz-cowork/{desk.pk}/week/?date={day.isoformat()}")
    assert page.locator("#week-slots td.slot-booked").count() == 4  # 10:00–12:00 in 30-minute slots
    page.shot("spaces-week")
