"""Who may edit and verify an organization, checked with real requests for every role.

An organization is not owned by a city, so an innovation manager of *any* city may verify it, and
nobody but its members (and platform admins) may edit it.
"""

import pytest
from django.urls import reverse

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.directory.models import Organization, OrganizationMembership
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(city):
    return OrganizationFactory(name="پسماند هوشمند", name_en="Smart Waste", city=city)


def _member(org, role=OrganizationMembership.Role.MEMBER):
    return OrganizationMembershipFactory(organization=org, role=role).user


def _user_for(kind, org, city, other_city):
    if kind == "anonymous":
        return None
    if kind == "member":
        return _member(org)
    if kind == "admin_member":
        return _member(org, OrganizationMembership.Role.ADMIN)
    if kind == "member_of_other_org":
        return _member(OrganizationFactory())
    if kind == "innovation_manager":
        return user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    if kind == "innovation_manager_other_city":
        return user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city)
    if kind == "unit_staff":
        return user_with_role(CityRole.Role.UNIT_STAFF, city)
    if kind == "unit_staff_other_city":
        return user_with_role(CityRole.Role.UNIT_STAFF, other_city)
    if kind == "facilitator":
        return user_with_role(CityRole.Role.FACILITATOR, city)
    if kind == "citizen":
        return UserFactory()
    if kind == "platform_admin":
        return UserFactory(is_superuser=True, is_staff=True)
    raise AssertionError(kind)


# kind -> (may edit, may verify)
MATRIX = {
    "member": (True, False),
    "admin_member": (True, False),
    "member_of_other_org": (False, False),
    "innovation_manager": (False, True),
    "innovation_manager_other_city": (False, True),
    "unit_staff": (False, False),
    "unit_staff_other_city": (False, False),
    "facilitator": (False, False),
    "citizen": (False, False),
    "platform_admin": (True, True),
}

VALID_EDIT = {
    "name": "پسماند هوشمند نو",
    "name_en": "Smart Waste New",
    "kind": "startup",
    "province": "Qom",
    "city_name": "قم",
    "description_fa": "تفکیک پسماند در مبدأ",
    "description_en": "Waste sorting at source",
}


@pytest.mark.parametrize("kind", sorted(MATRIX))
def test_edit_page_per_role(client, org, city, other_city, kind):
    may_edit, _may_verify = MATRIX[kind]
    client.force_login(_user_for(kind, org, city, other_city))
    url = reverse("directory:organization_edit", args=[org.slug])

    response = client.get(url)
    assert response.status_code == (200 if may_edit else 403)

    response = client.post(url, VALID_EDIT)
    org.refresh_from_db()
    if may_edit:
        assert response.status_code == 302
        assert response["Location"] == reverse("directory:organization_detail", args=[org.slug])
        assert org.name == "پسماند هوشمند نو"
    else:
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]
        assert org.name == "پسماند هوشمند"


@pytest.mark.parametrize("kind", sorted(MATRIX))
def test_verify_per_role(client, org, city, other_city, kind):
    _may_edit, may_verify = MATRIX[kind]
    client.force_login(_user_for(kind, org, city, other_city))

    response = client.post(reverse("directory:organization_verify", args=[org.slug]), {"verified": "1"})

    org.refresh_from_db()
    if may_verify:
        assert response.status_code == 302
        assert org.verified is True
        assert org.verified_at is not None
    else:
        assert response.status_code == 403
        assert org.verified is False


@pytest.mark.parametrize("kind", sorted(MATRIX))
def test_detail_page_offers_only_allowed_actions(client, org, city, other_city, kind):
    may_edit, may_verify = MATRIX[kind]
    client.force_login(_user_for(kind, org, city, other_city))

    response = client.get(reverse("directory:organization_detail", args=[org.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert (reverse("directory:organization_edit", args=[org.slug]) in html) is may_edit
    assert (reverse("directory:organization_verify", args=[org.slug]) in html) is may_verify


def test_anonymous_is_sent_to_login_for_edit_and_verify(client, org):
    login = reverse("accounts:login")
    for url, method in [
        (reverse("directory:organization_edit", args=[org.slug]), client.get),
        (reverse("directory:organization_edit", args=[org.slug]), client.post),
        (reverse("directory:organization_verify", args=[org.slug]), client.post),
    ]:
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login + "?next=")
    org.refresh_from_db()
    assert org.verified is False


def test_anonymous_sees_the_public_page_without_actions(client, org):
    response = client.get(reverse("directory:organization_detail", args=[org.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "پسماند هوشمند" in html
    assert reverse("directory:organization_edit", args=[org.slug]) not in html
    assert reverse("directory:organization_verify", args=[org.slug]) not in html


def test_verification_can_be_removed_by_a_manager(client, org, other_city):
    org.verified = True
    org.save()
    client.force_login(user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city))

    response = client.post(reverse("directory:organization_verify", args=[org.slug]), {"verified": "0"})

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.verified is False
    assert org.verified_at is None


def test_verify_rejects_get(client, org, city):
    client.force_login(user_with_role(CityRole.Role.INNOVATION_MANAGER, city))
    response = client.get(reverse("directory:organization_verify", args=[org.slug]))
    assert response.status_code == 405
    org.refresh_from_db()
    assert org.verified is False


def test_invalid_edit_is_rerendered_with_400_and_keeps_the_input(client, org):
    client.force_login(_member(org))
    data = {**VALID_EDIT, "knowledge_based": "on", "certificate_number": "", "founded": "not-a-year"}

    response = client.post(reverse("directory:organization_edit", args=[org.slug]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="پسماند هوشمند نو"' in html
    assert 'aria-invalid="true"' in html
    org.refresh_from_db()
    assert org.name == "پسماند هوشمند"
    assert Organization.objects.filter(name="پسماند هوشمند نو").count() == 0


def test_unknown_organization_is_404(client):
    response = client.get(reverse("directory:organization_detail", args=["no-such-org"]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
