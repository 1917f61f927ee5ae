"""A cohort's demo day from the cohort page (and the API): the program's managers create it — a
pitch-day event organised by the program's organization — or choose another event of that
organization, and can change it; others cannot."""

import pytest
from django.urls import reverse

from hamafza.programs import services
from hamafza.programs.models import Cohort, Event
from hamafza.programs.tests.factories import CohortFactory, EventFactory
from hamafza.programs.tests.test_api import call_api

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {
        "demo-title": "روز نمایش دوره پاییز",
        "demo-venue_address": "قم، پارک علم و فناوری",
        "demo-starts_at": "1406/03/01 09:00",
        "demo-ends_at": "1406/03/01 13:00",
        "demo-capacity": "۸۰",
        "demo-registration_open": "on",
    }
    data.update(extra)
    return data


def test_cohort_page_shows_the_demo_day_forms_only_to_managers(client, world):
    url = reverse("programs:cohort_detail", args=[world.cohort.pk])
    assert "demo-day-forms" not in client.get(url).content.decode()
    for user in (world.stranger, world.founder, world.other_manager):
        client.force_login(user)
        assert "demo-day-forms" not in client.get(url).content.decode()
        create = client.post(reverse("programs:cohort_demo_day_create", args=[world.cohort.pk]), _form())
        assert create.status_code == 403
    client.force_login(world.incubator_admin)
    page = client.get(url).content.decode()
    assert "demo-day-forms" in page and "روز نمایش" in page
    assert not Event.objects.filter(title="روز نمایش دوره پاییز").exists()


def test_manager_creates_then_changes_the_demo_day(client, world):
    client.force_login(world.incubator_admin)
    response = client.post(reverse("programs:cohort_demo_day_create", args=[world.cohort.pk]), _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    cohort = Cohort.objects.get(pk=world.cohort.pk)
    event = cohort.demo_day
    assert (event.kind, event.status, event.organiser_organization, event.city, event.capacity) == (
        "pitch_day",
        "draft",
        world.incubator,
        world.city,
        80,
    )
    page = client.get(reverse("programs:cohort_detail", args=[cohort.pk])).content.decode()
    assert reverse("programs:event_edit", args=[event.pk]) in page and "روز نمایش دوره پاییز" in page
    # Another event of the organization replaces it.
    other = EventFactory(city=world.city, organiser_organization=world.incubator, kind="exhibition", title="نمایشگاه")
    foreign = EventFactory(city=world.city, title="رویداد دیگران")
    page = client.get(reverse("programs:cohort_detail", args=[cohort.pk])).content.decode()
    assert "نمایشگاه" in page and "رویداد دیگران" not in page
    choose = reverse("programs:cohort_demo_day_choose", args=[cohort.pk])
    assert client.post(choose, {"event": foreign.pk}).status_code == 400
    assert client.post(choose, {"event": other.pk}).status_code == 302
    cohort.refresh_from_db()
    assert cohort.demo_day == other
    assert cohort.history.first().history_user == world.incubator_admin


def test_bad_demo_day_input_keeps_the_form(client, world):
    client.force_login(world.incubator_admin)
    response = client.post(
        reverse("programs:cohort_demo_day_create", args=[world.cohort.pk]),
        _form(**{"demo-ends_at": "1406/02/01 09:00", "demo-title": "عنوان نگه‌داشته"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "عنوان نگه‌داشته" in page and "پیش از آغاز" in page
    world.cohort.refresh_from_db()
    assert world.cohort.demo_day is None


def test_an_event_is_the_demo_day_of_one_cohort_only(world):
    event = EventFactory(city=world.city, organiser_organization=world.incubator)
    services.cohort_set_demo_day(cohort=world.cohort, event=event, by=world.incubator_admin)
    second = CohortFactory(program=world.program)
    with pytest.raises(services.Refused):
        services.cohort_set_demo_day(cohort=second, event=event, by=world.incubator_admin)


def test_api_creates_and_sets_the_demo_day(client, world):
    body = {
        "title": "روز نمایش",
        "venue_address": "قم",
        "starts_at": "2027-05-22T09:00:00+03:30",
        "ends_at": "2027-05-22T13:00:00+03:30",
        "capacity": 50,
    }
    path = f"/cohorts/{world.cohort.pk}/demo-day"
    assert call_api(client, "post", path, world.founder, body).status_code == 403
    created = call_api(client, "post", path, world.incubator_admin, body)
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "pitch_day"
    world.cohort.refresh_from_db()
    assert world.cohort.demo_day_id == created.json()["id"]
    other = EventFactory(city=world.city, organiser_organization=world.incubator)
    assert call_api(client, "put", path, world.founder, {"event": other.pk}).status_code in (403, 404)
    changed = call_api(client, "put", path, world.incubator_admin, {"event": other.pk})
    assert changed.status_code == 200 and changed.json()["demo_day"] == other.pk
