"""Pages with real requests per role: who sees and does what, bad input, query counts, the agenda,
the per-event .ics and the city's feed."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.programs import services
from hamafza.programs.models import Application, Event, Registration
from hamafza.programs.tests.factories import ApplicationFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_public_pages_and_drafts_hidden(client, world):
    draft = EventFactory(city=world.city, status=Event.Status.DRAFT, title="پیش‌نویس محرمانه")
    page = client.get(reverse("programs:event_list"))
    assert page.status_code == 200
    assert world.event.title in page.content.decode() and "پیش‌نویس محرمانه" not in page.content.decode()
    assert client.get(reverse("programs:event_detail", args=[draft.pk])).status_code == 404
    client.force_login(world.other_manager)
    assert client.get(reverse("programs:event_detail", args=[draft.pk])).status_code == 404
    client.force_login(world.manager)
    assert client.get(reverse("programs:event_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("programs:event_agenda", args=[world.event.pk])).status_code == 200


def test_bad_query_parameters_are_400(client, world):
    assert client.get(reverse("programs:event_list"), {"kind": "party"}).status_code == 400
    assert client.get(reverse("programs:event_list"), {"city": "nowhere"}).status_code == 400
    assert client.get(reverse("programs:event_list"), {"page": "abc"}).status_code == 400
    assert client.get(reverse("programs:event_list"), {"page": "99"}).status_code == 404


def test_manage_page_per_role(client, world):
    url = reverse("programs:event_manage", args=[world.event.pk])
    assert client.get(url).status_code == 302  # sign in first
    for user, status in ((world.stranger, 403), (world.other_manager, 403), (world.founder, 403), (world.manager, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(world.other_manager)
    assert client.post(reverse("programs:check_in", args=[world.event.pk]), {"code": "ABCDEF"}).status_code == 403
    assert client.get(reverse("programs:event_create", args=[world.city.slug])).status_code == 403


def test_create_event_with_jalali_dates_then_publish(client, world):
    client.force_login(world.manager)
    url = reverse("programs:event_create", args=[world.city.slug])
    data = {
        "kind": "startup_weekend",
        "title": "آخر هفتهٔ استارتاپی قم",
        "venue_address": "قم، دانشگاه قم",
        "starts_at": "1406/02/10 09:00",
        "ends_at": "1406/02/12 18:00",
        "capacity": "۵۰",
        "registration_open": "on",
    }
    bad = client.post(url, {**data, "ends_at": "1406/02/09 09:00"})
    assert bad.status_code == 400 and "آخر هفتهٔ استارتاپی قم" in bad.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    event = Event.objects.get(title="آخر هفتهٔ استارتاپی قم")
    assert event.capacity == 50 and timezone.localtime(event.starts_at).hour == 9
    response = client.post(reverse("programs:event_transition", args=[event.pk]), {"to": "published"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "published"


def test_register_full_waitlist_cancel_and_check_in_through_pages(client, world):
    users = [UserFactory() for _ in range(3)]
    url = reverse("programs:event_register", args=[world.event.pk])
    for user in users:
        client.force_login(user)
        assert client.post(url).status_code == 302
    assert [r.status for r in Registration.objects.order_by("pk")] == ["confirmed", "confirmed", "waitlisted"]
    client.force_login(users[2])
    page = client.get(reverse("programs:event_detail", args=[world.event.pk])).content.decode()
    assert "waitlist" in page or "انتظار" in page
    assert client.post(url).status_code == 409  # already registered
    client.force_login(users[0])
    assert client.post(reverse("programs:registration_cancel", args=[world.event.pk])).status_code == 302
    promoted = Registration.objects.get(user=users[2])
    assert promoted.status == "confirmed"
    client.force_login(world.manager)
    response = client.post(reverse("programs:check_in", args=[world.event.pk]), {"code": promoted.code})
    assert response.status_code == 302
    assert client.post(reverse("programs:check_in", args=[world.event.pk]), {"code": promoted.code}).status_code == 409


def test_event_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    url = reverse("programs:event_list")
    with django_assert_max_num_queries(8) as before:
        client.get(url)
    for _ in range(10):
        EventFactory(city=world.city)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_manage_and_cohort_pages_query_counts(client, world, django_assert_max_num_queries):
    world.event.capacity = 50
    world.event.save()
    services.registration_register(event=world.event, user=UserFactory())  # a non-empty page first
    ApplicationFactory(cohort=world.cohort)
    client.force_login(world.manager)
    url = reverse("programs:event_manage", args=[world.event.pk])
    with django_assert_max_num_queries(30) as before:
        client.get(url)
    for _ in range(8):
        services.registration_register(event=world.event, user=UserFactory())
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
    client.force_login(world.incubator_admin)
    url = reverse("programs:cohort_detail", args=[world.cohort.pk])
    with django_assert_max_num_queries(20) as before:
        client.get(url)
    for _ in range(8):
        ApplicationFactory(cohort=world.cohort)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_applications_visible_only_to_team_mentors_and_managers(client, world):
    application = ApplicationFactory(cohort=world.cohort, applicant=world.founder)
    url = reverse("programs:application_detail", args=[application.pk])
    for user, status in (
        (world.stranger, 404),
        (world.other_manager, 404),
        (world.founder, 200),
        (world.incubator_admin, 200),
        (world.manager, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(world.founder)
    response = client.post(reverse("programs:application_transition", args=[application.pk]), {"to": "interview"})
    assert response.status_code == 403
    cohort_page = client.get(reverse("programs:cohort_detail", args=[world.cohort.pk])).content.decode()
    assert application.team_name in cohort_page
    client.force_login(world.stranger)
    cohort_page = client.get(reverse("programs:cohort_detail", args=[world.cohort.pk])).content.decode()
    assert application.team_name not in cohort_page


def test_apply_and_move_through_stages_through_pages(client, world):
    client.force_login(world.stranger)
    response = client.post(
        reverse("programs:cohort_apply", args=[world.cohort.pk]),
        {"team_name": "تیم نور", "team": "دو دانشجو", "idea": "روشنایی هوشمند معابر", "stage": "idea"},
    )
    assert response.status_code == 302
    application = Application.objects.get(team_name="تیم نور")
    client.force_login(world.incubator_admin)
    url = reverse("programs:application_transition", args=[application.pk])
    assert client.post(url, {"to": "admitted"}).status_code == 409
    assert client.post(url, {"to": "declined"}).status_code == 409  # a reason is needed
    assert client.post(url, {"to": "interview"}).status_code == 302
    assert client.post(url, {"to": "bogus"}).status_code == 400
    application.refresh_from_db()
    assert application.state == "interview"


def test_event_ics_and_city_feed(client, world):
    response = client.get(reverse("programs:event_ics", args=[world.event.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tehran"]
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{world.event.pk}@hamafza"
    start = vevent.decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Tehran" and start == world.event.starts_at.replace(microsecond=0)
    assert str(vevent["LOCATION"]) == world.event.venue_address
    draft = EventFactory(city=world.city, status=Event.Status.DRAFT)
    feed = client.get(reverse("insights:city_calendar", args=[world.city.slug]))
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")}
    assert f"event-{world.event.pk}@hamafza" in uids and f"event-{draft.pk}@hamafza" not in uids


def test_my_workspace_lists_registrations_and_milestones(client, world):
    user = world.founder
    services.registration_register(event=world.event, user=user)
    application = ApplicationFactory(cohort=world.cohort, applicant=user, state="admitted")
    services.milestone_add(
        application=application,
        title="نمونهٔ اولیه",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        by=world.incubator_admin,
    )
    client.force_login(user)
    page = client.get(reverse("programs:mine")).content.decode()
    assert world.event.title in page and "نمونهٔ اولیه" in page


def test_city_feed_is_rebuilt_when_an_event_changes(client, world):
    url = reverse("insights:city_calendar", args=[world.city.slug])
    assert world.event.title in client.get(url).content.decode()
    world.event.title = "روز ارائهٔ جابه‌جا شده"
    world.event.save()
    assert "روز ارائهٔ جابه‌جا شده" in client.get(url).content.decode()
