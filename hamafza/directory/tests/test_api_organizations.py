"""Organizations in API v1: public reads with the directory's filters, edits by members only (the
edit page's rules and validation), verification by innovation managers."""

import json

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.core.tests.factories import CapabilityFactory
from hamafza.directory.models import Organization
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def bearer_for(user):
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def patch(client, slug, data, **extra):
    return client.patch(f"/api/v1/organizations/{slug}", json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def member_org():
    org = OrganizationFactory(slug="pasmand", name="پسماند هوشمند", name_en="Smart Waste")
    member = UserFactory()
    OrganizationMembershipFactory(organization=org, user=member)
    return org, member


def test_list_is_public_with_the_directory_filters(client, city):
    sorting = CapabilityFactory(code="waste.sorting")
    OrganizationFactory(slug="a", name="الف", kind="startup", province="Qom", capabilities=[sorting])
    OrganizationFactory(
        slug="b", name="ب", kind="university", province="Tehran", knowledge_based=True, certificate_number="123"
    )
    OrganizationFactory(slug="c", name="پ", kind="startup", province="Tehran", verified=True)

    def slugs(**params):
        response = client.get("/api/v1/organizations", params)
        assert response.status_code == 200, response.content
        return [o["slug"] for o in response.json()["items"]]

    assert slugs() == ["c", "a", "b"]  # the directory's order: verified first, then by name
    assert slugs(kind="startup") == ["c", "a"]
    assert slugs(province="Tehran", ordering="-name") == ["c", "b"]
    assert slugs(capability="waste.sorting") == ["a"]
    assert slugs(knowledge_based="true") == ["b"]
    assert slugs(verified="false", ordering="name") == ["a", "b"]


def test_list_search_is_normalised(client):
    OrganizationFactory(slug="k", name="کیمیا پژوهش", description_fa="بازیافت پسماند")
    OrganizationFactory(slug="x", name="دیگر", description_fa="حمل و نقل")
    # Arabic kaf/yeh as typed on many keyboards
    body = client.get("/api/v1/organizations", {"q": "كيميا"}).json()
    assert [o["slug"] for o in body["items"]] == ["k"]


def test_list_refuses_unknown_filters_and_values(client):
    response = client.get("/api/v1/organizations", {"colour": "red"})
    assert response.status_code == 400 and "colour" in response.json()["detail"]
    response = client.get("/api/v1/organizations", {"kind": "bakery"})
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "query.kind"
    response = client.get("/api/v1/organizations", {"ordering": "search_text"})
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "query.ordering"


def test_list_does_not_query_per_row(client, django_assert_max_num_queries):
    caps = [CapabilityFactory() for _ in range(3)]
    for _n in range(30):
        OrganizationFactory(capabilities=caps)

    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/organizations", {"page_size": 30}).json()
    assert len(body["items"]) == 30 and all(len(o["capabilities"]) == 3 for o in body["items"])


def test_detail_is_public_and_unknown_slug_is_404(client, member_org):
    org, _member = member_org
    body = client.get(f"/api/v1/organizations/{org.slug}").json()
    assert body["slug"] == "pasmand" and body["name_en"] == "Smart Waste"
    missing = client.get("/api/v1/organizations/no-such-org")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_persian_slug_in_the_path(client):
    OrganizationFactory(slug="شرکت-نمونه", name="شرکت نمونه")
    assert client.get("/api/v1/organizations/شرکت-نمونه").json()["name"] == "شرکت نمونه"


def test_member_edits_their_organization_through_the_service(client, member_org):
    org, member = member_org
    cap = CapabilityFactory(code="waste.sorting")

    response = patch(
        client,
        org.slug,
        {"description_en": "Sorting  robots", "capabilities": ["waste.sorting"], "employees": 12},
        **bearer_for(member),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["capabilities"] == ["waste.sorting"] and body["employees"] == 12
    org.refresh_from_db()
    assert org.description_en == "Sorting robots"  # normalised like the page's input
    assert list(org.capabilities.all()) == [cap]
    assert org.name == "پسماند هوشمند"  # untouched fields keep their values
    assert org.history.first().history_user == member  # audited as the token's user


@pytest.mark.parametrize("who", ["anonymous", "other_member", "innovation_manager", "citizen"])
def test_others_cannot_edit(client, member_org, city, who):
    org, _member = member_org
    other = OrganizationFactory()
    users = {
        "anonymous": None,
        "other_member": OrganizationMembershipFactory(organization=other).user,
        "innovation_manager": user_with_role(CityRole.Role.INNOVATION_MANAGER, city),
        "citizen": UserFactory(),
    }
    user = users[who]
    headers = bearer_for(user) if user else {}

    response = patch(client, org.slug, {"name": "Taken"}, **headers)

    assert response.status_code == (401 if user is None else 403)
    assert Organization.objects.get(pk=org.pk).name == "پسماند هوشمند"


def test_platform_admin_edits_any_organization(client, member_org):
    org, _member = member_org
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert patch(client, org.slug, {"city_name": "Karaj", "province": "Alborz"}, **bearer_for(admin)).status_code == 200
    org.refresh_from_db()
    assert org.province == "Alborz"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"knowledge_based": True, "certificate_number": ""}, "body.certificate_number"),
        ({"description_fa": "", "description_en": ""}, "body.description_fa"),
        (
            {"certificate_valid_from": "2025-05-01", "certificate_valid_until": "2024-01-01"},
            "body.certificate_valid_until",
        ),
        ({"capabilities": ["no.such.capability"]}, "body.capabilities"),
        ({"name": None}, "body.name"),
        ({"kind": "bakery"}, "body.kind"),
        ({"website": "not a url"}, "body.website"),
        ({"slug": "new-slug"}, "body.slug"),
        ({"founded": 1200}, "body.founded"),
    ],
)
def test_edit_is_validated_like_the_page(client, member_org, data, field):
    org, member = member_org

    response = patch(client, org.slug, data, **bearer_for(member), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_parameters"
    assert field in [e["name"] for e in body["errors"]]
    assert field in body["detail"]
    org.refresh_from_db()
    assert org.slug == "pasmand" and org.description_fa


def test_non_json_body_is_a_400(client, member_org):
    org, member = member_org
    response = client.patch(
        f"/api/v1/organizations/{org.slug}", "{not json", content_type="application/json", **bearer_for(member)
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_innovation_manager_verifies(client, member_org, city):
    org, member = member_org
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)

    denied = client.post(
        f"/api/v1/organizations/{org.slug}/verify",
        json.dumps({"verified": True}),
        content_type="application/json",
        **bearer_for(member),
    )
    allowed = client.post(
        f"/api/v1/organizations/{org.slug}/verify",
        json.dumps({"verified": True}),
        content_type="application/json",
        **bearer_for(manager),
    )

    assert denied.status_code == 403
    assert allowed.status_code == 200 and allowed.json()["verified"] is True
    org.refresh_from_db()
    assert org.verified and org.verified_at is not None
