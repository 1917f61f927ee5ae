"""Events and programs in API v1: the same rules as the pages (one service, both channels)."""

import json

import pytest

from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory
from hamafza.programs.models import Event, Registration
from hamafza.programs.tests.factories import ApplicationFactory, EventFactory

pytestmark = pytest.mark.django_db


def call_api(client, method, path, user=None, data=None):
    kwargs = {}
    if user is not None:
        _token, key = api_token_create(user=user, name="test")
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if data is not None:
        kwargs["data"] = json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_register_until_full_then_waitlist_and_cancel_promotes(client, world):
    users = [UserFactory() for _ in range(3)]
    statuses = [
        call_api(client, "post", f"/events/{world.event.pk}/registration", u, {}).json()["status"] for u in users
    ]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    again = call_api(client, "post", f"/events/{world.event.pk}/registration", users[0], {})
    assert again.status_code == 409 and again.json()["code"] == "refused"
    mine = call_api(client, "get", f"/events/{world.event.pk}/registration", users[2]).json()
    assert mine["waitlist_position"] == 1
    assert call_api(client, "delete", f"/events/{world.event.pk}/registration", users[0]).status_code == 200
    assert Registration.objects.get(user=users[2]).status == "confirmed"
    assert call_api(client, "get", f"/events/{world.event.pk}/registrations", users[1]).status_code == 403
    listing = call_api(client, "get", f"/events/{world.event.pk}/registrations", world.manager)
    assert listing.json()["count"] == 3


def test_event_visibility_and_creation_per_role(client, world):
    draft = EventFactory(city=world.city, status=Event.Status.DRAFT)
    assert call_api(client, "get", f"/events/{draft.pk}").status_code == 404
    assert call_api(client, "get", f"/events/{draft.pk}", world.other_manager).status_code == 404
    assert call_api(client, "get", f"/events/{draft.pk}", world.manager).status_code == 200
    body = {
        "kind": "pitch_day",
        "title": "روز ارائه",
        "venue_address": "قم",
        "starts_at": "2027-03-01T06:00:00Z",
        "ends_at": "2027-03-01T10:00:00Z",
        "capacity": 40,
    }
    assert call_api(client, "post", f"/cities/{world.city.slug}/events", world.other_manager, body).status_code == 403
    bad = call_api(
        client, "post", f"/cities/{world.city.slug}/events", world.manager, {**body, "ends_at": "2027-02-01T00:00:00Z"}
    )
    assert bad.status_code == 400
    created = call_api(client, "post", f"/cities/{world.city.slug}/events", world.manager, body)
    assert created.status_code == 201 and created.json()["status"] == "draft"


def test_application_stages_through_the_api(client, world):
    application = ApplicationFactory(cohort=world.cohort, applicant=world.founder)
    path = f"/applications/{application.pk}"
    assert call_api(client, "get", path, world.stranger).status_code == 404
    assert call_api(client, "post", f"{path}/transition", world.founder, {"to": "interview"}).status_code == 403
    refused = call_api(client, "post", f"{path}/transition", world.incubator_admin, {"to": "graduated"})
    assert refused.status_code == 409
    for state in ("interview", "admitted"):
        response = call_api(client, "post", f"{path}/transition", world.incubator_admin, {"to": state})
        assert response.status_code == 200 and response.json()["state"] == state
    created = call_api(
        client,
        "post",
        f"/cohorts/{world.cohort.pk}/applications",
        world.stranger,
        {"team_name": "تیم", "team": "دو نفر", "idea": "ایده", "stage": "idea"},
    )
    assert created.status_code == 201 and created.json()["organization"] is None
