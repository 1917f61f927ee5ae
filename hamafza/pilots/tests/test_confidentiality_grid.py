"""Every role × every confidential object × every path (page, list, export, file, public pages):
budgets, payments, evidence files and signed documents follow the one visibility selector."""

import pytest
from django.test import Client

from hamafza.pilots import rules as pilot_rules
from hamafza.pilots import selectors

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "manager",
    "other_manager",
    "host_staff",
    "colleague_staff",
    "company",
    "competitor",
    "judge",
    "platform_admin",
    "citizen",
]
PILOT_VIEW = {"manager", "host_staff", "colleague_staff", "company"}
PILOT_CONFIDENTIAL = {"manager", "host_staff", "company"}
AGREEMENT_CONFIDENTIAL = {"manager", "company"}
BUDGET = "۱٬۲۳۴٬۵۶۷٬۰۰۰"  # the planned payment, as the Persian page writes it
APPROVED = "۵٬۰۰۰٬۰۰۰٬۰۰۰"
VALUE = "۹۸۷٬۶۵۴٬۰۰۰"


def client_for(world, who) -> Client:
    client = Client()
    user = world.users[who]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ROLES)
def test_pilot_paths(world, who):
    client = client_for(world, who)
    pilot = world.pilot
    page = client.get(f"/fa/pilots/{pilot.pk}/")
    if who in PILOT_VIEW:
        assert page.status_code == 200
        text = page.content.decode()
        assert pilot.title in text
        assert (BUDGET in text) == (who in PILOT_CONFIDENTIAL)
        assert (APPROVED in text) == (who in PILOT_CONFIDENTIAL)
        assert ("weights-secret.pdf" in text) == (who in PILOT_CONFIDENTIAL)
    else:
        assert page.status_code in (302, 404)
        assert pilot.title not in page.content.decode()

    listing = client.get("/fa/pilots/")
    if who == "anonymous":
        assert listing.status_code == 302
    else:
        assert (pilot.title in listing.content.decode()) == (who in PILOT_VIEW)

    download = client.get(f"/fa/pilots/files/{world.evidence.pk}/")
    assert download.status_code == (200 if who in PILOT_CONFIDENTIAL else 404)

    # No public summary while the pilot runs, for anyone.
    assert client.get(f"/fa/pilots/{pilot.pk}/summary/").status_code == 404

    for fmt in ("csv", "xlsx"):
        export = client.get(f"/fa/c/{world.city.slug}/export/pilots.{fmt}")
        assert export.status_code == (200 if who == "manager" else 404)
    if who == "manager":
        csv_text = client.get(f"/fa/c/{world.city.slug}/export/pilots.csv").content.decode("utf-8-sig")
        assert pilot.title in csv_text and "1234567000" in csv_text and "5000000000" in csv_text


@pytest.mark.parametrize("who", ROLES)
def test_agreement_paths(world, who):
    client = client_for(world, who)
    agreement = world.agreement
    page = client.get(f"/fa/agreements/{agreement.pk}/")
    assert page.status_code == 200  # signed: on the public register
    text = page.content.decode()
    assert agreement.title in text
    assert (VALUE in text) == (who in AGREEMENT_CONFIDENTIAL)
    assert ("signed-secret.pdf" in text) == (who in AGREEMENT_CONFIDENTIAL)
    download = client.get(f"/fa/agreements/documents/{world.document.pk}/")
    assert download.status_code == (200 if who in AGREEMENT_CONFIDENTIAL else 404)

    draft = client.get(f"/fa/agreements/{world.draft.pk}/")
    assert draft.status_code == (200 if who == "manager" else 404)

    register = client.get(f"/fa/c/{world.city.slug}/agreements/")
    assert register.status_code == 200
    text = register.content.decode()
    assert agreement.title in text and VALUE not in text
    assert (world.draft.title in text) == (who == "manager")

    export = client.get(f"/fa/c/{world.city.slug}/export/agreements.csv")
    assert export.status_code == (200 if who == "manager" else 404)


@pytest.mark.parametrize("who", ROLES)
def test_predicates_agree_with_the_selectors(world, who):
    user = world.users[who]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    assert pilot_rules.can(user, "pilots.view_pilot", world.pilot) == (who in PILOT_VIEW)
    assert pilot_rules.can(user, "pilots.view_pilot_confidential", world.pilot) == (who in PILOT_CONFIDENTIAL)
    assert selectors.payments_visible_to(user).filter(pk=world.payment.pk).exists() == (who in PILOT_CONFIDENTIAL)
    assert pilot_rules.can(user, "pilots.view_agreement_confidential", world.agreement) == (
        who in AGREEMENT_CONFIDENTIAL
    )
    assert selectors.agreement_documents_visible_to(user).filter(pk=world.document.pk).exists() == (
        who in AGREEMENT_CONFIDENTIAL
    )


def test_pilot_page_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    from django.utils import timezone

    from hamafza.pilots import services

    client = client_for(world, "manager")
    client.get(f"/fa/pilots/{world.pilot.pk}/")
    for i in range(6):
        services.measurement_record(kpi=world.kpi, by=world.manager, value=i, measured_on=timezone.localdate())
        services.milestone_save(pilot=world.pilot, by=world.manager, title=f"M{i}", due_date=timezone.localdate())
    with django_assert_max_num_queries(45):
        assert client.get(f"/fa/pilots/{world.pilot.pk}/").status_code == 200


def test_list_query_count(world, django_assert_max_num_queries):
    client = client_for(world, "manager")
    with django_assert_max_num_queries(20):
        assert client.get("/fa/pilots/").status_code == 200
