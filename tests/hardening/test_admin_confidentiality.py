"""Finding 1 of issue 17: platform admins must not read confidential proposals in the Django admin.
The change, history and change-list pages show no confidential field; the change list accepts no
lookup outside its filters (no yes/no oracle on a hidden field: 400); and a membership that a
platform admin adds, changes or removes in the admin is audited and announced to the organization."""

import pytest
from django.contrib import admin

from hamafza.challenges.models import Notification
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.services import ADMIN_CHANGE_REASON
from hamafza.proposals.models import (
    ConflictDeclaration,
    Proposal,
    ProposalAttachment,
    ProposalReceipt,
    Score,
    ScoreSheet,
)
from hamafza.proposals.tests.factories import ProposalFactory
from tests.hardening.conftest import call_api, signed_in

pytestmark = pytest.mark.django_db

SECRETS = ["Zephyrsecret", "Quokkahidden summary", "987654321", "Wombatapproach"]


@pytest.fixture
def proposal(world):
    return ProposalFactory(
        call=world.published,
        organization=world.org,
        status=Proposal.Status.DRAFT,
        title="Zephyrsecret sensors",
        summary="Quokkahidden summary",
        approach="Wombatapproach",
        budget_rial=987654321,
    )


def assert_no_secret(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret


def test_scores_declarations_attachments_and_receipts_are_not_in_the_admin():
    for model in (Score, ScoreSheet, ConflictDeclaration, ProposalAttachment, ProposalReceipt):
        assert not admin.site.is_registered(model), model


def test_the_proposal_admin_shows_no_confidential_field():
    model_admin = admin.site._registry[Proposal]
    shown = set(model_admin.fields) | set(model_admin.list_display) | set(model_admin.readonly_fields)
    assert not shown & {"title", "summary", "approach", "team", "budget_rial", "timeline", "kpis", "decision_reason"}


@pytest.mark.parametrize(
    "path",
    [
        "/fa/admin/proposals/proposal/",
        "/fa/admin/proposals/proposal/{pk}/change/",
        "/fa/admin/proposals/proposal/{pk}/history/",
        "/fa/admin/",
        "/fa/admin/consortia/consortium/{consortium}/change/",
        "/fa/admin/consortia/consortium/{consortium}/history/",
    ],
)
def test_admin_pages_show_no_confidential_field(client, world, proposal, path):
    world.consortium.proposal = proposal
    world.consortium.save()
    signed_in(client, world.admin)
    response = client.get(path.format(pk=proposal.pk, consortium=world.consortium.pk))
    assert response.status_code == 200
    assert_no_secret(response)


@pytest.mark.parametrize(
    "query",
    [
        "summary__contains=Quokka",
        "title__startswith=Z",
        "id__exact={pk}&budget_rial__lte=987654321",
        "budget_rial__gte=1",
        "approach__icontains=wombat",
        "id__exact={pk}",
        "search_text__contains=zephyr",
        "organization__name__contains=x",
        "call__title__contains=x",
    ],
)
def test_lookups_outside_the_filters_are_400_not_an_oracle(client, world, proposal, query):
    signed_in(client, world.admin)
    response = client.get("/fa/admin/proposals/proposal/?" + query.format(pk=proposal.pk))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/fa/admin/proposals/panelinvitation/?token__startswith=a",
        "/fa/admin/accounts/apitoken/?key_hash__startswith=a",
        "/fa/admin/consortia/consortium/?proposal__summary__contains=Q",
        "/fa/admin/consortia/consortium/?proposal__budget_rial__lte=1",
    ],
)
def test_secret_fields_of_other_admins_are_no_oracle_either(client, world, proposal, path):
    signed_in(client, world.admin)
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("query", ["status__exact=draft", "decision__exact=pending", "city__id__exact={city}", ""])
def test_the_filters_still_work(client, world, proposal, query):
    signed_in(client, world.admin)
    response = client.get("/fa/admin/proposals/proposal/?" + query.format(city=world.city.pk))
    assert response.status_code == 200
    assert f"/fa/admin/proposals/proposal/{proposal.pk}/change/" in response.content.decode()


# --- memberships changed by a platform admin ----------------------------------------------------
def _admin_notifications(user):
    return list(Notification.objects.filter(user=user, kind__startswith="membership_").values_list("kind", flat=True))


def test_a_platform_admin_adding_himself_is_audited_and_announced(
    client, world, proposal, django_capture_on_commit_callbacks
):
    # before: the admin reads nothing of the organization's drafts
    assert call_api(client, "get", f"/proposals/{proposal.pk}", world.admin).status_code == 404
    signed_in(client, world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fa/admin/directory/organizationmembership/add/",
            {"user": world.admin.pk, "organization": world.org.pk, "role": "admin"},
        )
    assert response.status_code == 302, response.content[:2000]
    membership = OrganizationMembership.objects.get(user=world.admin, organization=world.org)
    record = membership.history.latest()
    assert record.history_user == world.admin and record.history_change_reason == ADMIN_CHANGE_REASON
    assert _admin_notifications(world.org_admin) == ["membership_added_by_admin"]
    assert _admin_notifications(world.org_member) == []  # plain members are not told
    assert _admin_notifications(world.admin) == []
    text = Notification.objects.get(user=world.org_admin, kind="membership_added_by_admin")
    assert world.admin.email in str(text.params.values())


def test_changing_and_removing_a_membership_in_the_admin_is_announced(
    client, world, django_capture_on_commit_callbacks
):
    membership = OrganizationMembership.objects.get(user=world.org_member, organization=world.org)
    signed_in(client, world.admin)
    path = f"/fa/admin/directory/organizationmembership/{membership.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path + "change/", {"user": world.org_member.pk, "organization": world.org.pk, "role": "admin"}
        )
    assert response.status_code == 302
    assert _admin_notifications(world.org_admin) == ["membership_changed_by_admin"]
    assert _admin_notifications(world.org_member) == ["membership_changed_by_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path + "delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not OrganizationMembership.objects.filter(pk=membership.pk).exists()
    assert sorted(_admin_notifications(world.org_admin)) == [
        "membership_changed_by_admin",
        "membership_removed_by_admin",
    ]
    deleted = OrganizationMembership.history.filter(id=membership.pk, history_type="-").get()
    assert deleted.history_user == world.admin and deleted.history_change_reason == ADMIN_CHANGE_REASON


def test_a_membership_added_inline_on_the_organization_is_announced(client, world, django_capture_on_commit_callbacks):
    signed_in(client, world.admin)
    page = client.get(f"/fa/admin/directory/organization/{world.org.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data["capabilities"] = [c.pk for c in world.org.capabilities.all()]
    data["city"] = world.org.city_id or ""
    memberships = list(world.org.memberships.order_by("pk"))
    prefix = "memberships"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(memberships) + 1,
            f"{prefix}-INITIAL_FORMS": len(memberships),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for i, m in enumerate(memberships):
        data.update({f"{prefix}-{i}-id": m.pk, f"{prefix}-{i}-organization": world.org.pk})
        data.update({f"{prefix}-{i}-user": m.user_id, f"{prefix}-{i}-role": m.role})
    n = len(memberships)
    data.update({f"{prefix}-{n}-organization": world.org.pk, f"{prefix}-{n}-user": world.admin.pk})
    data[f"{prefix}-{n}-role"] = "member"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fa/admin/directory/organization/{world.org.pk}/change/", data)
    assert response.status_code == 302, (
        [f.errors for f in response.context["inline_admin_formsets"][0].formset] if response.context else response
    )
    assert OrganizationMembership.objects.filter(user=world.admin, organization=world.org).exists()
    assert _admin_notifications(world.org_admin) == ["membership_added_by_admin"]
