"""The organiser's edit page of an event (every field of the create form, through
``services.event_update``) and a co-working room as the venue: choosing it books the room for the
event's time through the spaces services, moving the event moves the booking, another venue or a
cancellation releases it, and a taken slot is refused naming it, the form keeping what was typed."""

import datetime

import pytest
from django.urls import reverse

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.tests.factories import CallFactory
from hamafza.directory.tests.factories import OrganizationMembershipFactory
from hamafza.programs import services
from hamafza.programs.models import Event, RegistrationQuestion
from hamafza.programs.tests.factories import EventFactory
from hamafza.spaces import selectors as space_selectors
from hamafza.spaces import services as space_services
from hamafza.spaces.models import Booking
from hamafza.spaces.tests.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 5, 1)  # 1406/02/11


def _at(hour):
    return space_selectors.at(DAY, datetime.time(hour))


@pytest.fixture
def room(world):
    space = SpaceFactory(city=world.city, name_fa="فضای کار اشتراکی قم")
    return ResourceFactory(space=space, kind="room", capacity=30, name_fa="اتاق جلسات")


def _form(event, **extra):
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "venue_address": event.venue_address,
        "starts_at": "1406/02/11 09:00",
        "ends_at": "1406/02/11 12:00",
        "capacity": "۲۰",
        "registration_open": "on",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_page_per_role(client, world):
    url = reverse("programs:event_edit", args=[world.event.pk])
    assert client.get(url).status_code == 302  # sign in first
    for user, status in (
        (world.stranger, 403),
        (world.other_manager, 403),
        (world.founder, 403),
        (world.manager, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.post(url, _form(world.event, title="عنوان تازه")).status_code in (status, 302)
    world.event.refresh_from_db()
    assert world.event.title == "عنوان تازه"
    draft = EventFactory(city=world.city, status=Event.Status.DRAFT)
    client.force_login(world.stranger)
    assert client.get(reverse("programs:event_edit", args=[draft.pk])).status_code == 404


def test_organising_organization_admin_edits_its_event(client, world):
    event = EventFactory(city=world.city, organiser_organization=world.incubator)
    member = UserFactory()
    OrganizationMembershipFactory(organization=world.incubator, user=member, role="member")
    client.force_login(member)
    assert client.get(reverse("programs:event_edit", args=[event.pk])).status_code == 403
    client.force_login(world.incubator_admin)
    assert client.get(reverse("programs:event_edit", args=[event.pk])).status_code == 200


def test_edit_changes_every_field_keeps_history_and_shows_jalali(client, world, room):
    call = CallFactory(city=world.city, state="published")
    question = RegistrationQuestion.objects.create(event=world.event, text="رشته تحصیلی؟")
    client.force_login(world.manager)
    url = reverse("programs:event_edit", args=[world.event.pk])
    page = client.get(url).content.decode()
    assert world.event.title in page and "رشته تحصیلی؟" in page and "۱۴۰" in page  # Jalali, Persian digits
    response = client.post(
        url,
        _form(
            world.event,
            kind="pitch_day",
            title="روز ارائه استارتاپ‌ها",
            description="شرح تازه",
            venue_address="",
            online_url="https://meet.example.ir/pitch",
            starts_at="۱۴۰۶/۰۲/۱۱ ۱۰:۰۰",
            ends_at="۱۴۰۶/۰۲/۱۱ ۱۴:۰۰",
            capacity="۵",
            calls=[call.pk],
            pitches_open="on",
            registration_open=None,
            **{f"q_{question.pk}": "رشته و دانشگاه؟", f"q_{question.pk}_required": "on"},
            new_question="شماره تماس؟",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(pk=world.event.pk)
    assert (event.kind, event.title, event.description, event.online_url, event.capacity) == (
        "pitch_day",
        "روز ارائه استارتاپ‌ها",
        "شرح تازه",
        "https://meet.example.ir/pitch",
        5,
    )
    assert event.starts_at == _at(10) and event.ends_at == _at(14)
    assert not event.registration_open and event.pitches_open
    assert list(event.calls.all()) == [call]
    assert [(q.text, q.required) for q in event.questions.all()] == [("رشته و دانشگاه؟", True), ("شماره تماس؟", False)]
    last = event.history.first()
    assert last.history_user == world.manager and last.title == "روز ارائه استارتاپ‌ها"


def test_bad_input_keeps_what_was_typed_with_persian_errors(client, world):
    client.force_login(world.manager)
    url = reverse("programs:event_edit", args=[world.event.pk])
    response = client.post(
        url, _form(world.event, title="عنوانی که نباید گم شود", starts_at="۱۴۰۶/۱۳/۴۰", capacity="صفر")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "عنوانی که نباید گم شود" in page and "۱۴۰۶/۱۳/۴۰" in page
    assert "invalid-feedback" in page and "Enter" not in page
    ends_before = client.post(url, _form(world.event, starts_at="1406/02/11 12:00", ends_at="1406/02/11 09:00"))
    assert ends_before.status_code == 400 and "پیش از آغاز" in ends_before.content.decode()
    world.event.refresh_from_db()
    assert world.event.title != "عنوانی که نباید گم شود"


def test_room_venue_is_booked_moved_and_released(client, world, room):
    client.force_login(world.manager)
    url = reverse("programs:event_edit", args=[world.event.pk])
    assert client.post(url, _form(world.event, venue_address="", venue_room=room.pk)).status_code == 302
    event = Event.objects.get(pk=world.event.pk)
    booking = event.venue_booking
    assert (booking.resource, booking.starts_at, booking.ends_at, booking.state) == (room, _at(9), _at(12), "confirmed")
    assert booking.held_for == f"programs.event:{event.pk}" and booking.purpose == event.title
    # Moving the event moves the same booking.
    response = client.post(
        url,
        _form(
            world.event, venue_address="", venue_room=room.pk, starts_at="1406/02/11 13:00", ends_at="1406/02/11 15:00"
        ),
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at, booking.state) == (_at(13), _at(15), "confirmed")
    # An address instead of the room releases it.
    assert client.post(url, _form(world.event, venue_address="قم، بلوار امین")).status_code == 302
    booking.refresh_from_db()
    event.refresh_from_db()
    assert booking.state == "cancelled" and event.venue_booking is None


def test_a_taken_room_is_refused_naming_the_slot_and_keeping_the_form(client, world, room):
    BookingFactory(resource=room, starts_at=_at(10), ends_at=_at(11))
    client.force_login(world.manager)
    url = reverse("programs:event_edit", args=[world.event.pk])
    response = client.post(url, _form(world.event, venue_address="", venue_room=room.pk, title="رویداد در اتاق"))
    page = response.content.decode()
    assert response.status_code == 409
    assert "اتاق جلسات" in page and "پیش‌تر رزرو شده است" in page and "۱۰:۰۰–۱۱:۰۰" in page
    assert "رویداد در اتاق" in page
    world.event.refresh_from_db()
    assert world.event.venue_room is None and world.event.title != "رویداد در اتاق"
    assert Booking.objects.filter(resource=room).count() == 1


def test_an_organising_organization_cannot_cancel_the_hold_from_my_bookings(world, room):
    event = services.event_create(
        city=world.city,
        by=world.incubator_admin,
        organiser_organization=world.incubator,
        kind="pitch_day",
        title="روز نمایش مرکز رشد",
        venue_room=room,
        starts_at=_at(9),
        ends_at=_at(12),
        capacity=20,
    )
    booking = event.venue_booking
    assert booking.booked_by == world.incubator_admin
    with pytest.raises(space_services.BookingRefused):
        space_services.booking_cancel(booking=booking, by=world.incubator_admin)
    space_services.booking_cancel(booking=booking, by=world.manager)  # the space's manager may
    # The next change of the event places the hold again.
    services.event_update(event=event, by=world.incubator_admin, title="روز نمایش")
    event.refresh_from_db()
    assert event.venue_booking != booking and event.venue_booking.state == "confirmed"


def test_create_books_the_room_and_cancelling_the_event_releases_it(world, room):
    event = services.event_create(
        city=world.city,
        by=world.manager,
        kind="technology_event",
        title="نشست فناوری",
        venue_room=room,
        starts_at=_at(9),
        ends_at=_at(17),
        capacity=20,
    )
    assert event.venue_booking.state == "confirmed" and event.venue_booking.attendees == 20
    with pytest.raises(services.VenueTaken) as exc:
        services.event_create(
            city=world.city,
            by=world.manager,
            kind="technology_event",
            title="دومی",
            venue_room=room,
            starts_at=_at(16),
            ends_at=_at(18),
            capacity=5,
        )
    assert "۹:۰۰" in exc.value.reasons[0] or "۰۹:۰۰" in exc.value.reasons[0]
    services.event_transition(event=event, to="cancelled", by=world.manager, reason="تعطیلی")
    event.venue_booking.refresh_from_db()
    assert event.venue_booking.state == "cancelled"
    # The room is free again for another event.
    other = services.event_create(
        city=world.city,
        by=world.manager,
        kind="technology_event",
        title="دومی",
        venue_room=room,
        starts_at=_at(16),
        ends_at=_at(18),
        capacity=5,
    )
    assert other.venue_booking.state == "confirmed"


def test_api_put_books_the_room_links_calls_and_names_a_taken_slot(client, world, room):
    from hamafza.programs.tests.test_api import call_api

    call = CallFactory(city=world.city, state="published")
    body = {
        "kind": "pitch_day",
        "title": "روز ارائه",
        "venue_room": room.pk,
        "starts_at": "2027-05-01T09:00:00+03:30",
        "ends_at": "2027-05-01T12:00:00+03:30",
        "capacity": 20,
        "calls": [call.pk],
    }
    path = f"/events/{world.event.pk}"
    assert call_api(client, "put", path, world.other_manager, body).status_code == 403
    assert call_api(client, "put", path, world.stranger, body).status_code == 403
    response = call_api(client, "put", path, world.manager, body)
    assert response.status_code == 200, response.content
    assert response.json()["calls"] == [call.pk] and response.json()["venue_room"] == room.pk
    world.event.refresh_from_db()
    assert world.event.venue_booking.starts_at == _at(9)
    other = EventFactory(city=world.city, created_by=world.manager)
    taken = call_api(client, "put", f"/events/{other.pk}", world.manager, {**body, "calls": []})
    assert taken.status_code == 409 and taken.json()["code"] == "slot_taken"
    assert "اتاق جلسات" in str(taken.json()["errors"])
    unknown_call = call_api(client, "put", path, world.manager, {**body, "calls": [call.pk + 999]})
    assert unknown_call.status_code == 404


def test_an_ended_event_in_a_room_can_still_be_corrected(world, room):
    import datetime as dt

    from django.utils import timezone

    ended = EventFactory(
        city=world.city,
        venue_address="",
        venue_room=room,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=3),
    )
    services.event_update(event=ended, by=world.manager, title="عنوان درست‌شده")
    ended.refresh_from_db()
    assert ended.title == "عنوان درست‌شده" and ended.venue_booking is None
