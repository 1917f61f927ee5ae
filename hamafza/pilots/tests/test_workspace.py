"""The pilots app's panels of the role workspaces (ADR 0022): overdue milestones and obligations due
for the city's innovation managers, milestones to review for the host unit's staff; never another
city's; a constant number of queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.pilots import services
from hamafza.pilots.models import AgreementParty, Milestone
from hamafza.pilots.tests.conftest import make_running_pilot
from hamafza.pilots.tests.factories import AgreementFactory, AgreementPartyFactory, AwardedProposalFactory

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("core:workspace")


def _get(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(WORKSPACE)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _overdue(pilot, manager, title):
    milestone = services.milestone_save(
        pilot=pilot, by=manager, title=title, due_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    # a milestone that has become overdue since it was planned
    Milestone.objects.filter(pk=milestone.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    return milestone


def _obligation(world, description, days):
    city_party = world.agreement.parties.get(kind=AgreementParty.Kind.CITY)
    return services.obligation_save(
        agreement=world.agreement,
        by=world.manager,
        party=city_party,
        description=description,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_manager_sees_overdue_milestones_and_obligations_due(client, world):
    _overdue(world.pilot, world.manager, "Sensors calibrated")
    _obligation(world, "Give access to the depot", 5)
    _obligation(world, "Annual audit", 200)  # not due soon: not shown
    html, _ = _get(client, world.manager)
    assert 'data-panel="overdue-milestones"' in html
    assert "Sensors calibrated" in html
    assert world.pilot.title in html
    assert "Give access to the depot" in html
    assert "Annual audit" not in html
    assert "Sensors installed" not in html  # due in three days: not overdue

    other, _ = _get(client, world.other_manager)
    assert "Sensors calibrated" not in other
    assert "Give access to the depot" not in other


def test_host_staff_sees_milestones_to_review(client, world):
    services.milestone_submit(milestone=world.milestone, by=world.company)
    html, _ = _get(client, world.host_staff)
    assert 'data-panel="milestones-review"' in html
    assert "Sensors installed" in html
    assert "Sensors installed" not in _get(client, world.colleague_staff)[0]


def test_manager_workspace_queries_do_not_grow_with_rows(client, world):
    _overdue(world.pilot, world.manager, "first")
    _obligation(world, "first obligation", 3)
    _, before = _get(client, world.manager)
    for n in range(7):
        _overdue(world.pilot, world.manager, f"late {n}")
        _obligation(world, f"obligation {n}", 3)
        agreement = AgreementFactory(city=world.city)
        AgreementPartyFactory(agreement=agreement, kind=AgreementParty.Kind.CITY)
    second = make_running_pilot(
        proposal=AwardedProposalFactory(call__city=world.city, title="Second pilot"), manager=world.manager
    )
    _overdue(second, world.manager, "late on the second")
    html, after = _get(client, world.manager)
    assert after == before
    # capped: at most five rows per panel, and a "see all" link instead of a count
    assert html.count("late ") <= 5


def test_unit_staff_of_another_city_sees_nothing_of_this_city(client, world):
    services.milestone_submit(milestone=world.milestone, by=world.company)
    stranger = user_with_role(CityRole.Role.UNIT_STAFF, world.other_city)
    assert "Sensors installed" not in _get(client, stranger)[0]
