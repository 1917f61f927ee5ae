"""The platform admin's rights table of the apps that landed after the hardening of issue 17:
pilots, insights, programs and spaces. As for the first apps (`test_platform_admin_rights.py`),
every rules permission of these apps is listed with what a platform admin without any city role or
membership may do; a new permission fails the first test until its author states the right."""

import datetime

import pytest
import rules
from django.utils import timezone

from hamafza.pilots import services as pilot_services
from hamafza.pilots.tests.factories import AgreementFactory, AgreementPartyFactory, AwardedProposalFactory
from hamafza.programs.models import Event
from hamafza.programs.tests.factories import ApplicationFactory, CohortFactory, EventFactory, ProgramFactory
from hamafza.spaces.models import Space
from hamafza.spaces.tests.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

#: What a platform admin may do, per permission, on the object `_objects` names for it.
PLATFORM_ADMIN = {
    # Pilots: no right beyond anyone's (the city's innovation manager runs a pilot, its parties and
    # host unit report; platform staff use the Django admin): a signed agreement is public.
    "pilots.view_pilot": False,
    "pilots.view_pilot_confidential": False,
    "pilots.list_pilots": True,
    "pilots.start_pilot": False,
    "pilots.manage_pilot": False,
    "pilots.approve_final_report": False,
    "pilots.export": False,
    "pilots.record_measurement": False,
    "pilots.upload_file": False,
    "pilots.log_entry": False,
    "pilots.review_milestone": False,
    "pilots.submit_milestone": False,
    "pilots.write_final_report": False,
    "pilots.view_agreement": True,
    "pilots.view_agreement_confidential": False,
    "pilots.add_agreement": False,
    "pilots.manage_agreement": False,
    "pilots.update_obligation": False,
    # Insights: every city's dashboard and the national one.
    "insights.view_city_dashboard": True,
    "insights.view_national_dashboard": True,
    # Programs: organise any event (drafts too) and manage any program; register like anyone signed
    # in; pitch only for an organization they belong to; sign milestones off; register a graduated
    # team as an organization.
    "programs.view_event": True,
    "programs.manage_event": True,
    "programs.register_event": True,
    "programs.apply_pitch": False,
    "programs.manage_program": True,
    "programs.apply_cohort": True,
    "programs.view_application": True,
    "programs.sign_off_milestone": True,
    "programs.register_team_organization": True,
    # Spaces: manage and create every space, see and cancel every booking, book like anyone.
    "spaces.view_space": True,
    "spaces.manage_space": True,
    "spaces.create_space": True,
    "spaces.book_resource": True,
    "spaces.view_booking": True,
    "spaces.cancel_booking": True,
}

COVERED_APPS = {"pilots", "insights", "programs", "spaces"}


@pytest.fixture
def objects(world):
    manager = world.manager
    proposal = AwardedProposalFactory(call__city=world.city, organization=world.org)
    pilot = pilot_services.pilot_start(proposal=proposal, by=manager)
    pilot_services.pilot_update_plan(
        pilot=pilot,
        by=manager,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=90),
        approved_budget_rial=1_000_000,
    )
    agreement = AgreementFactory(city=world.city, value_public=False)
    AgreementPartyFactory(agreement=agreement, organization=world.org)
    draft_event = EventFactory(city=world.city, status=Event.Status.DRAFT)
    cohort = CohortFactory(program=ProgramFactory(organization=world.org, city=world.city))
    application = ApplicationFactory(cohort=cohort)
    space = SpaceFactory(city=world.city, is_active=False)
    resource = ResourceFactory(space=SpaceFactory(city=world.city))
    booking = BookingFactory(resource=resource)
    return {
        "pilots.list_pilots": None,
        "pilots.start_pilot": proposal,
        "pilots.export": world.city,
        "pilots.add_agreement": world.city,
        "pilots.view_agreement": agreement,
        "pilots.view_agreement_confidential": agreement,
        "pilots.manage_agreement": agreement,
        "pilots.update_obligation": agreement,
        "pilots.": pilot,
        "insights.view_city_dashboard": world.city,
        "insights.view_national_dashboard": None,
        "programs.register_event": draft_event,
        "programs.apply_pitch": world.org,
        "programs.apply_cohort": cohort,
        "programs.view_application": application,
        "programs.sign_off_milestone": application,
        "programs.register_team_organization": application,
        "programs.manage_program": cohort,
        "programs.": draft_event,
        "spaces.create_space": Space(city=world.city),
        "spaces.book_resource": resource,
        "spaces.view_booking": booking,
        "spaces.cancel_booking": booking,
        "spaces.": space,
    }


def _object_for(table, perm):
    for prefix in sorted(table, key=len, reverse=True):
        if perm.startswith(prefix):
            return table[prefix]
    raise AssertionError(perm)


def test_every_permission_of_the_later_apps_states_the_platform_admins_right():
    registered = {p for p in rules.permissions.permissions if p.split(".")[0] in COVERED_APPS}
    assert registered == set(PLATFORM_ADMIN), (
        f"missing {sorted(registered - set(PLATFORM_ADMIN))}, stale {sorted(set(PLATFORM_ADMIN) - registered)}"
    )


@pytest.mark.parametrize("perm", sorted(PLATFORM_ADMIN))
def test_the_platform_admin_has_exactly_the_stated_rights(world, objects, perm):
    obj = _object_for(objects, perm)
    assert world.admin.has_perm(perm, obj) is PLATFORM_ADMIN[perm], perm
    assert rules.has_perm(perm, world.admin, obj) is PLATFORM_ADMIN[perm], perm


def test_a_plain_signed_in_person_has_none_of_the_managers_rights(world, objects):
    """The table is not vacuous: the same objects refuse a signed-in person without a role."""
    for perm in ("programs.manage_event", "programs.manage_program", "spaces.manage_space", "spaces.create_space"):
        assert not rules.has_perm(perm, world.citizen, _object_for(objects, perm)), perm
