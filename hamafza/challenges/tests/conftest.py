"""Role fixtures for the challenges tests: people of the city `city` (Qom) and of `other_city`."""

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.core.tests.factories import UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory


@pytest.fixture
def unit(city):
    return UnitFactory(city=city, slug="waste", name_fa="سازمان مدیریت پسماند", name_en="Waste management")


@pytest.fixture
def manager(city):
    return user_with_role(CityRole.Role.INNOVATION_MANAGER, city, email="manager@example.org")


@pytest.fixture
def staff(city, unit):
    return user_with_role(CityRole.Role.UNIT_STAFF, city, unit=unit, email="staff@example.org")


@pytest.fixture
def other_unit_staff(city):
    return user_with_role(CityRole.Role.UNIT_STAFF, city, email="staff2@example.org")


@pytest.fixture
def facilitator(city):
    return user_with_role(CityRole.Role.FACILITATOR, city, email="facilitator@example.org")


@pytest.fixture
def other_manager(other_city):
    return user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city, email="manager2@example.org")


@pytest.fixture
def citizen(db):
    return UserFactory(email="citizen@example.org")


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="qom-waste-tech", name="فناوران پسماند قم", province="Qom")


@pytest.fixture
def member(org):
    return OrganizationMembershipFactory(organization=org, user=UserFactory(email="member@example.org")).user


@pytest.fixture(autouse=True)
def _persian_active():
    """A request to /en/ leaves English active in the thread (reverse() would then build /en/ URLs
    in the next test): every test here starts in Persian."""
    from django.utils import translation

    translation.activate("fa")
    yield
    translation.activate("fa")
