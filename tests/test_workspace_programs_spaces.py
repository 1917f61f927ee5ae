"""The programs and spaces panels of the role workspaces (issues 15 and 18): a person sees their own
upcoming registrations, open cohort milestones and bookings, nobody else's, with a query count that
does not grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.programs import services as program_services
from hamafza.programs.models import Application, TeamMilestone
from hamafza.programs.tests.factories import ApplicationFactory, EventFactory
from hamafza.spaces.tests.factories import BookingFactory, ResourceFactory, tomorrow_at

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("core:workspace")


def _get(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(WORKSPACE)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _rows(user, n: int, tag: str):
    resource = ResourceFactory()
    for i in range(n):
        event = EventFactory(title=f"{tag} event {i}")
        program_services.registration_register(event=event, user=user)
        BookingFactory(resource=resource, booked_by=user, starts_at=tomorrow_at(8 + i), ends_at=tomorrow_at(8 + i, 30))
        application = ApplicationFactory(applicant=user, state=Application.State.ADMITTED)
        TeamMilestone.objects.create(
            application=application, title=f"{tag} milestone {i}", due_on=timezone.localdate() + datetime.timedelta(i)
        )


def test_a_person_sees_their_registrations_bookings_and_milestones(client):
    person, other = UserFactory(), UserFactory()
    _rows(person, 1, "mine")
    _rows(other, 1, "theirs")
    html, _ = _get(client, person)
    for panel in ("my-registrations", "my-bookings", "team-milestones"):
        assert f'data-panel="{panel}"' in html
    assert "mine event 0" in html and "mine milestone 0" in html
    assert "theirs event" not in html and "theirs milestone" not in html


def test_no_personal_panel_without_rows(client):
    html, _ = _get(client, UserFactory())
    for panel in ("my-registrations", "my-bookings", "team-milestones"):
        assert f'data-panel="{panel}"' not in html


def test_queries_do_not_grow_with_rows(client):
    person = UserFactory()
    _rows(person, 1, "few")
    _, before = _get(client, person)
    _rows(person, 7, "many")
    html, after = _get(client, person)
    assert after == before
    assert html.count("many event") <= 5
