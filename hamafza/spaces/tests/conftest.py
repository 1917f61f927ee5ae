"""The world of the spaces tests: Tabriz's co-working space run by an incubator, a desk and a room,
and one person per role (the city's innovation manager, another city's manager, the incubator's
admin and a plain member, two signed-in people, a platform admin)."""

from types import SimpleNamespace

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.core.tests.factories import CityFactory
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.spaces.tests.factories import ResourceFactory, SpaceFactory


@pytest.fixture
def world(db):
    tabriz = CityFactory(slug="tabriz", name_fa="تبریز", name_en="Tabriz", province="East Azerbaijan")
    karaj = CityFactory(slug="karaj", name_fa="کرج", name_en="Karaj", province="Alborz")
    incubator = OrganizationFactory(slug="tabriz-incubator", kind="incubator")
    space = SpaceFactory(
        city=tabriz,
        organization=incubator,
        slug="tabriz-cowork",
        name_fa="فضای کار مشترک تبریز",
        name_en="Tabriz co-working",
    )
    desk = ResourceFactory(space=space, name_fa="میز ۱", name_en="Desk 1", max_booking_minutes=240)
    room = ResourceFactory(space=space, kind="room", capacity=8, name_fa="اتاق جلسه", name_en="Meeting room")
    org_admin = OrganizationMembershipFactory(organization=incubator, role=OrganizationMembership.Role.ADMIN).user
    org_member = OrganizationMembershipFactory(organization=incubator, role=OrganizationMembership.Role.MEMBER).user
    return SimpleNamespace(
        tabriz=tabriz,
        karaj=karaj,
        incubator=incubator,
        space=space,
        desk=desk,
        room=room,
        manager=user_with_role(CityRole.Role.INNOVATION_MANAGER, tabriz),
        other_manager=user_with_role(CityRole.Role.INNOVATION_MANAGER, karaj),
        staff=user_with_role(CityRole.Role.UNIT_STAFF, tabriz),
        org_admin=org_admin,
        org_member=org_member,
        booker=UserFactory(display_name_fa="سارا احمدی", display_name_en="Sara Ahmadi"),
        someone=UserFactory(),
        admin=UserFactory(is_superuser=True, is_staff=True),
    )
