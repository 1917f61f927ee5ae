"""The world of issue 17's findings: one city with its roles, organizations with admins and
members, calls in several states, and helpers for real requests through the pages and the API."""

import json
from types import SimpleNamespace

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges.models import Call
from hamafza.challenges.tests.factories import CallFactory, NeedFactory, PublishedCallFactory
from hamafza.consortia.models import Consortium, ConsortiumInvitation, ProposalRun
from hamafza.consortia.tests.factories import MissionFactory, MissionRoleFactory
from hamafza.core.tests.factories import CapabilityFactory, UnitFactory
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

ROLES = ["visitor", "citizen", "org_admin", "org_member", "unit_staff", "manager", "manager_other_city", "admin"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def world(city, other_city):
    unit = UnitFactory(city=city, slug="waste")
    capability = CapabilityFactory(code="waste.sorting")
    org = OrganizationFactory(slug="alpha", name="آلفا", name_en="Alpha", capabilities=[capability])
    other_org = OrganizationFactory(slug="beta", name="بتا", name_en="Beta")
    org_admin = OrganizationMembershipFactory(organization=org, role=OrganizationMembership.Role.ADMIN).user
    org_member = OrganizationMembershipFactory(organization=org).user
    other_org_admin = OrganizationMembershipFactory(organization=other_org, role=OrganizationMembership.Role.ADMIN).user
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    staff = user_with_role(CityRole.Role.UNIT_STAFF, city, unit=unit)
    draft_call = CallFactory(city=city, unit=unit, state=Call.State.IN_DEFINITION, created_by=manager)
    published = PublishedCallFactory(city=city, unit=unit, created_by=manager)
    need = NeedFactory(city=city, unit=unit, submitted_by=staff)
    mission = MissionFactory(city=city, created_by=manager)
    role = MissionRoleFactory(mission=mission, code="sorting", capabilities=[capability])
    run = ProposalRun.objects.create(
        mission=mission, top=1, max_members=3, member_ids=[str(org.pk), str(other_org.pk)], created_by=manager
    )
    consortium = Consortium.objects.create(mission=mission, lead=org, run=run, rank=1, created_by=org_admin)
    invitation = ConsortiumInvitation.objects.create(
        consortium=consortium, organization=other_org, role=role, invited_by=org_admin
    )
    users = {
        "visitor": None,
        "citizen": UserFactory(),
        "org_admin": org_admin,
        "org_member": org_member,
        "other_org_admin": other_org_admin,
        "unit_staff": staff,
        "manager": manager,
        "manager_other_city": user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return SimpleNamespace(
        city=city,
        other_city=other_city,
        unit=unit,
        capability=capability,
        org=org,
        other_org=other_org,
        draft_call=draft_call,
        published=published,
        need=need,
        mission=mission,
        run=run,
        consortium=consortium,
        invitation=invitation,
        users=users,
        **users,
    )


def bearer(user) -> dict:
    if user is None:
        return {}
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def call_api(client, method, path, user=None, data=None, **extra):
    kwargs = {**bearer(user), **extra}
    if data is not None:
        kwargs["data"] = data if isinstance(data, str | bytes) else json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def signed_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client
