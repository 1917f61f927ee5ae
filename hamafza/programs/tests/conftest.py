"""The world of the programs tests: a published event of Qom with its innovation manager, a
manager of another city, an incubator with a program and a cohort run by its admin."""

from types import SimpleNamespace

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.programs.tests.factories import CohortFactory, EventFactory, ProgramFactory


@pytest.fixture
def world(city, other_city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    other_manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city)
    event = EventFactory(city=city, created_by=manager, capacity=2)
    incubator = OrganizationFactory(kind="incubator", name="مرکز رشد پارک علم و فناوری قم")
    incubator_admin = UserFactory()
    OrganizationMembershipFactory(organization=incubator, user=incubator_admin, role="admin")
    program = ProgramFactory(organization=incubator, city=city)
    cohort = CohortFactory(program=program)
    startup = OrganizationFactory(kind="startup")
    founder = UserFactory()
    OrganizationMembershipFactory(organization=startup, user=founder, role="admin")
    return SimpleNamespace(
        city=city,
        manager=manager,
        other_manager=other_manager,
        event=event,
        incubator=incubator,
        incubator_admin=incubator_admin,
        program=program,
        cohort=cohort,
        startup=startup,
        founder=founder,
        stranger=UserFactory(),
    )
