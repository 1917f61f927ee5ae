"""Django admin for platform staff: every model is registered and its pages render."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import CityRoleFactory, UserFactory
from hamafza.core.tests.factories import CapabilityFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory, PersonFactory

APPS = ["core", "accounts", "directory"]
# Derived tables, not edited by staff: rebuilt from the organizations' texts (ADR 0034).
DERIVED = {"SearchWord", "OrganizationWord"}


def domain_models():
    """The apps' own models (history tables are reached through each model's history page)."""
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not hasattr(model, "instance_type")  # simple_history's Historical* models
        and model.__name__ not in DERIVED
    ]


def test_the_model_list_is_not_empty():
    names = {m.__name__ for m in domain_models()}
    assert {"City", "Unit", "Domain", "Capability", "User", "CityRole", "Organization", "Person"} <= names


@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m._meta.label)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


ROWS_MADE_BY_THE_FIXTURE = {
    "City",
    "Unit",
    "Domain",
    "Capability",
    "User",
    "CityRole",
    "Organization",
    "OrganizationMembership",
    "Person",
}


#: Audit models: the admin shows them, nobody adds or edits a row.
READ_ONLY_AUDIT = {"SecurityEvent"}


@pytest.fixture
def one_of_each(city):
    unit = UnitFactory(city=city)
    capability = CapabilityFactory()
    org = OrganizationFactory(capabilities=[capability], city=city)
    OrganizationMembershipFactory(organization=org)
    PersonFactory(affiliation=org).capabilities.set([capability])
    CityRoleFactory(city=city, role=CityRole.Role.UNIT_STAFF, unit=unit)
    return org


@pytest.mark.django_db
@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m._meta.label)
@pytest.mark.parametrize("language", ["fa", "en"])
def test_changelist_add_and_change_pages_render(client, superuser, one_of_each, model, language):
    client.force_login(superuser)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist").replace("/fa/", f"/{language}/")

    response = client.get(changelist)
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count()
    if model.__name__ in ROWS_MADE_BY_THE_FIXTURE:
        assert response.context["cl"].result_count >= 1

    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add").replace("/fa/", f"/{language}/"))
    # an audit trail is never written by hand
    assert response.status_code == (403 if model.__name__ in READ_ONLY_AUDIT else 200)

    obj = model.objects.order_by("pk").first()
    if obj is None:  # a model added later without a row in `one_of_each`
        return
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert client.get(change).status_code == 200
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    assert client.get(history).status_code == 200


@pytest.mark.django_db
def test_changelist_search_uses_persian_text(client, superuser):
    OrganizationFactory(name="پسماند سبز")
    OrganizationFactory(name="راه‌یاب")
    client.force_login(superuser)
    response = client.get(reverse("admin:directory_organization_changelist"), {"q": "پسماند"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["anonymous", "staffless", "manager"])
def test_admin_is_closed_to_non_staff(client, city, kind):
    if kind == "staffless":
        client.force_login(UserFactory())
    elif kind == "manager":
        client.force_login(CityRoleFactory(city=city, role=CityRole.Role.INNOVATION_MANAGER).user)
    response = client.get(reverse("admin:directory_organization_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_national_change_lists_count_only_up_to_a_cap(client, superuser, monkeypatch):
    """The change lists of the national tables (organizations, users, calls, proposals) count at
    most the requested page plus COUNT_CAP rows and say "more than N" beyond, in the same number of
    queries whatever the size of the table (issue 19)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hamafza.accounts.models import User
    from hamafza.challenges.models import Call
    from hamafza.core import paging
    from hamafza.core.admin_lists import CappedCountAdmin
    from hamafza.directory.models import Organization
    from hamafza.proposals.models import Proposal

    for model in (Organization, User, Call, Proposal):
        assert isinstance(admin.site._registry[model], CappedCountAdmin), model
    model_admin = admin.site._registry[Organization]
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr(model_admin, "list_per_page", 1)
    client.force_login(superuser)
    url = reverse("admin:directory_organization_changelist")
    OrganizationFactory()
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.context["cl"].paginator.count_exact
    for _ in range(5):
        OrganizationFactory()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    cl = response.context["cl"]
    assert not cl.paginator.count_exact and cl.result_count == 3 and len(cl.result_list) == 1
    assert "بیش از 2" in response.content.decode()  # "more than 2 organizations"
    # The third page is still known to exist (the count reaches past the requested page).
    response = client.get(url, {"p": "3"})
    assert response.status_code == 200 and response.context["cl"].paginator.num_pages >= 4
