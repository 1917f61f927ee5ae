"""The world of the pilots tests: an awarded proposal of Qom with a running pilot (one KPI with a
measurement, a milestone, a payment, an evidence file), its host unit's staff, a colleague in
another unit, the company's member, a competitor, a manager of another city; and a signed
agreement with a document."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.pilots import services
from hamafza.pilots.models import AgreementParty, Pilot
from hamafza.pilots.tests.factories import (
    AgreementDocumentFactory,
    AgreementFactory,
    AgreementPartyFactory,
    AwardedProposalFactory,
    PilotFileFactory,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def make_running_pilot(*, proposal, manager, budget=5_000_000_000):
    pilot = services.pilot_start(proposal=proposal, by=manager)
    today = timezone.localdate()
    services.pilot_update_plan(
        pilot=pilot,
        by=manager,
        start_date=today - datetime.timedelta(days=40),
        end_date=today + datetime.timedelta(days=140),
        approved_budget_rial=budget,
    )
    return services.pilot_transition(pilot=pilot, to_state=Pilot.State.RUNNING, by=manager)


@pytest.fixture
def world(city, other_city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    org = OrganizationFactory(name="Zarrin Pasmand", name_en="Zarrin Pasmand")
    company = OrganizationMembershipFactory(organization=org).user
    proposal = AwardedProposalFactory(call__city=city, organization=org, title="Smart sorting pilot")
    host_unit = proposal.call.canvas.pilot_unit
    staff = user_with_role(CityRole.Role.UNIT_STAFF, city, unit=host_unit)
    colleague = user_with_role(CityRole.Role.UNIT_STAFF, city)  # another unit of the city
    pilot = make_running_pilot(proposal=proposal, manager=manager)
    kpi = pilot.kpis.get()
    evidence = PilotFileFactory(pilot=pilot, uploaded_by=company, original_name="weights-secret.pdf")
    services.measurement_record(
        kpi=kpi, by=staff, value=11, measured_on=timezone.localdate() - datetime.timedelta(days=5), evidence=evidence
    )
    milestone = services.milestone_save(
        pilot=pilot, by=manager, title="Sensors installed", due_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    payment = services.payment_save(pilot=pilot, by=manager, planned_rial=1_234_567_000, milestone=milestone)

    competitor = OrganizationMembershipFactory(organization=OrganizationFactory(name="Rival")).user
    agreement = AgreementFactory(city=city, title="Waste MoU", value_rial=987_654_000, value_public=False)
    AgreementPartyFactory(agreement=agreement, kind=AgreementParty.Kind.CITY)
    AgreementPartyFactory(agreement=agreement, organization=org)
    document = AgreementDocumentFactory(agreement=agreement, original_name="signed-secret.pdf")
    draft = AgreementFactory(city=city, title="Draft licence", status="draft", signed_on=None)
    AgreementPartyFactory(agreement=draft, kind=AgreementParty.Kind.CITY)

    users = {
        "anonymous": None,
        "manager": manager,
        "other_manager": user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city),
        "host_staff": staff,
        "colleague_staff": colleague,
        "company": company,
        "competitor": competitor,
        "judge": user_with_role(CityRole.Role.JUDGE, city),
        "platform_admin": UserFactory(is_superuser=True, is_staff=True),
        "citizen": UserFactory(),
    }
    return SimpleNamespace(
        city=city,
        other_city=other_city,
        org=org,
        proposal=proposal,
        pilot=pilot,
        kpi=kpi,
        evidence=evidence,
        milestone=milestone,
        payment=payment,
        agreement=agreement,
        document=document,
        draft=draft,
        users=users,
        **users,
    )
