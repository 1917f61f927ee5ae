"""The booking rules and the no-overlap guarantee, through the services (both databases)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.core.formatting import format_date
from hamafza.spaces import selectors, services
from hamafza.spaces.models import Booking, Weekday
from hamafza.spaces.tests.factories import BookingFactory, ResourceFactory, SpaceFactory, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return ResourceFactory(name_fa="میز ۱", name_en="Desk 1", max_booking_minutes=180, book_ahead_days=7)


def book(resource, user, start, end, **kwargs):
    return services.booking_create(resource=resource, by=user, starts_at=start, ends_at=end, **kwargs)


def test_booking_and_the_same_slot_again_names_the_conflict_in_persian(desk):
    first = book(desk, UserFactory(), tomorrow_at(10), tomorrow_at(12))
    assert first.state == Booking.State.CONFIRMED
    with translation.override("fa"), pytest.raises(services.SlotTaken) as caught:
        book(desk, UserFactory(), tomorrow_at(11), tomorrow_at(13))
    message = caught.value.reasons[0]
    assert "میز ۱" in message and "۱۰:۰۰–۱۲:۰۰" in message
    day = selectors.today() + datetime.timedelta(days=1)
    with translation.override("fa"):
        assert format_date(day) in message  # the Jalali date, Persian digits
    with translation.override("en"), pytest.raises(services.SlotTaken) as caught:
        book(desk, UserFactory(), tomorrow_at(11), tomorrow_at(13))
    assert "10:00–12:00" in caught.value.reasons[0] and "Desk 1" in caught.value.reasons[0]
    assert Booking.objects.count() == 1


def test_adjacent_slots_and_other_resources_do_not_conflict(desk):
    book(desk, UserFactory(), tomorrow_at(10), tomorrow_at(12))
    book(desk, UserFactory(), tomorrow_at(12), tomorrow_at(13))
    book(desk, UserFactory(), tomorrow_at(9), tomorrow_at(10))
    book(ResourceFactory(space=desk.space), UserFactory(), tomorrow_at(10), tomorrow_at(12))
    assert Booking.objects.count() == 4


def test_a_cancelled_booking_frees_its_slot(desk):
    user = UserFactory()
    booking = book(desk, user, tomorrow_at(10), tomorrow_at(12))
    services.booking_cancel(booking=booking, by=user)
    again = book(desk, UserFactory(), tomorrow_at(10), tomorrow_at(12))
    assert again.is_confirmed
    with pytest.raises(services.BookingRefused):
        services.booking_cancel(booking=booking, by=user)


@pytest.mark.parametrize(
    ("start", "end", "field", "english"),
    [
        (lambda: tomorrow_at(7), lambda: tomorrow_at(9), "starts_at", "is open on"),
        (lambda: tomorrow_at(19), lambda: tomorrow_at(21), "starts_at", "is open on"),
        (lambda: tomorrow_at(10), lambda: tomorrow_at(14), "ends_at", "at most 3 hours"),
        (lambda: tomorrow_at(10, 10), lambda: tomorrow_at(11), "starts_at", "30-minute slots"),
        (
            lambda: tomorrow_at(10) - datetime.timedelta(days=3),
            lambda: tomorrow_at(11) - datetime.timedelta(days=3),
            "starts_at",
            "already passed",
        ),
        (
            lambda: tomorrow_at(10) + datetime.timedelta(days=9),
            lambda: tomorrow_at(11) + datetime.timedelta(days=9),
            "starts_at",
            "days ahead",
        ),
        (lambda: tomorrow_at(12), lambda: tomorrow_at(10), "ends_at", "after the start"),
    ],
)
def test_rules_refuse_with_a_reason_on_the_field(desk, start, end, field, english):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        book(desk, UserFactory(), start(), end())
    assert english in " ".join(caught.value.message_dict[field])
    assert not Booking.objects.exists()


def test_closed_weekday_capacity_and_notice(desk):
    closed_day = (tomorrow_at(10)).weekday()
    desk.space.opening_hours.filter(weekday=closed_day).delete()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        book(desk, UserFactory(), tomorrow_at(10), tomorrow_at(11))
    with translation.override("en"):
        label = str(Weekday(closed_day).label)
    assert f"closed on {label}" in caught.value.message_dict["starts_at"][0]

    room = ResourceFactory(kind="room", capacity=6, min_notice_minutes=3 * 24 * 60)
    with translation.override("fa"), pytest.raises(ValidationError) as caught:
        book(room, UserFactory(), tomorrow_at(10), tomorrow_at(11), attendees=8)
    assert "۶" in caught.value.message_dict["attendees"][0]
    assert "۴۳۲۰" in caught.value.message_dict["starts_at"][0]


def test_only_signed_in_people_book_and_only_open_resources(desk):
    with pytest.raises(PermissionDenied):
        book(desk, AnonymousUser(), tomorrow_at(10), tomorrow_at(11))
    desk.is_active = False
    desk.save()
    with pytest.raises(services.BookingRefused):
        book(desk, UserFactory(), tomorrow_at(10), tomorrow_at(11))


def test_cancel_permissions(desk):
    booking = BookingFactory(resource=desk)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, by=UserFactory())
    other_manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, SpaceFactory().city)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, by=other_manager)
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, desk.space.city)
    assert services.booking_cancel(booking=booking, by=manager).state == Booking.State.CANCELLED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_itself_refuses_an_overlap_on_postgresql(desk):
    BookingFactory(resource=desk, starts_at=tomorrow_at(10), ends_at=tomorrow_at(12))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(resource=desk, starts_at=tomorrow_at(11), ends_at=tomorrow_at(13))
    # a cancelled row does not hold the slot
    BookingFactory(resource=desk, starts_at=tomorrow_at(11), ends_at=tomorrow_at(13), state="cancelled")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contype FROM pg_constraint WHERE conname = 'booking_no_overlap'")
        assert cursor.fetchone() == ("x",)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite side of the guarantee")
def test_sqlite_transactions_take_the_write_lock_at_begin():
    # booking_create's overlap check and insert are serialised only because every transaction
    # begins IMMEDIATE (config/settings/base.py): keep it so.
    assert connection.settings_dict["OPTIONS"].get("transaction_mode") == "IMMEDIATE"
