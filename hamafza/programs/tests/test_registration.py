"""Registration: capacity, waitlist promotion, questions, notifications, check-in; and the capacity
under 50 concurrent registrations on PostgreSQL."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges.models import Notification
from hamafza.programs import services
from hamafza.programs.models import Event, Registration
from hamafza.programs.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_seats_then_waitlist_then_promotion_in_order(world):
    event = world.event  # capacity 2
    a, b, c, d = (UserFactory() for _ in range(4))
    ra = services.registration_register(event=event, user=a)
    rb = services.registration_register(event=event, user=b)
    rc = services.registration_register(event=event, user=c)
    rd = services.registration_register(event=event, user=d)
    assert [r.status for r in (ra, rb, rc, rd)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert Notification.objects.filter(user=a, kind="event_registered").exists()
    assert Notification.objects.filter(user=c, kind="event_waitlisted").exists()

    services.registration_cancel(registration=ra, by=a)
    rc.refresh_from_db()
    rd.refresh_from_db()
    assert rc.status == "confirmed" and rd.status == "waitlisted"
    assert Notification.objects.filter(user=c, kind="event_promoted").exists()
    assert event.registrations.filter(status="confirmed").count() == 2


def test_registering_twice_is_refused_and_again_after_cancelling_goes_to_the_end(world):
    event = world.event
    a, b, c = (UserFactory() for _ in range(3))
    ra = services.registration_register(event=event, user=a)
    with pytest.raises(services.Refused):
        services.registration_register(event=event, user=a)
    services.registration_register(event=event, user=b)
    services.registration_cancel(registration=ra, by=a)
    services.registration_register(event=event, user=c)  # takes the freed seat
    again = services.registration_register(event=event, user=a)
    assert again.pk == ra.pk and again.status == "waitlisted"


def test_required_question_and_closed_or_draft_events(world):
    services.question_save(event=world.event, by=world.manager, text="نام سازمان شما؟", required=True)
    with pytest.raises(services.Refused, match="نام سازمان"):
        services.registration_register(event=world.event, user=UserFactory(), answers={})
    q = world.event.questions.get()
    reg = services.registration_register(event=world.event, user=UserFactory(), answers={str(q.pk): "شرکت آبان"})
    assert reg.answers == {str(q.pk): "شرکت آبان"}
    draft = EventFactory(city=world.city, status=Event.Status.DRAFT)
    with pytest.raises(services.Refused):
        services.registration_register(event=draft, user=UserFactory())
    past = EventFactory(city=world.city, starts_at=timezone.now() - datetime.timedelta(days=2))
    with pytest.raises(services.Refused):
        services.registration_register(event=past, user=UserFactory())


def test_check_in_by_code_persian_digits_and_lowercase(world):
    user = UserFactory()
    reg = services.registration_register(event=world.event, user=user)
    typed = reg.code.lower().translate(str.maketrans("23456789", "۲۳۴۵۶۷۸۹"))
    checked = services.registration_check_in(event=world.event, code=typed, by=world.manager)
    assert checked.checked_in_at is not None
    with pytest.raises(services.Refused, match="Already|پیش"):
        services.registration_check_in(event=world.event, code=reg.code, by=world.manager)
    with pytest.raises(services.Refused):
        services.registration_check_in(event=world.event, code="ZZZZZZ", by=world.manager)
    with pytest.raises(PermissionDenied):
        services.registration_check_in(event=world.event, code=reg.code, by=world.other_manager)


def test_raising_capacity_promotes_and_cancelling_the_event_tells_everyone(world):
    users = [UserFactory() for _ in range(3)]
    regs = [services.registration_register(event=world.event, user=u) for u in users]
    assert regs[2].status == "waitlisted"
    services.event_update(event=world.event, by=world.manager, capacity=3)
    regs[2].refresh_from_db()
    assert regs[2].status == "confirmed"
    with pytest.raises(services.Refused):
        services.event_transition(event=world.event, to="cancelled", by=world.manager)
    services.event_transition(event=world.event, to="cancelled", by=world.manager, reason="آلودگی هوا")
    assert Notification.objects.filter(kind="event_cancelled").count() == 3


def test_reminders_once(world):
    event = EventFactory(city=world.city, starts_at=timezone.now() + datetime.timedelta(hours=5))
    services.registration_register(event=event, user=UserFactory())
    assert services.send_event_reminders() == 1
    assert services.send_event_reminders() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_registrations_for_the_last_seats_never_exceed_capacity(city):
    """50 threads, each with its own database connection, register at once for an event with 3
    seats left: exactly 3 are confirmed, 47 are waitlisted, none is lost."""
    event = EventFactory(city=city, capacity=5)
    for _ in range(2):
        services.registration_register(event=event, user=UserFactory())
    users = [UserFactory() for _ in range(50)]

    def register(user):
        try:
            return services.registration_register(event=event, user=user).status
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(register, users))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waitlisted") == 47
    assert Registration.objects.filter(event=event, status="confirmed").count() == 5
