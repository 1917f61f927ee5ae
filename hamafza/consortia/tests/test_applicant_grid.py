"""A consortium is a first-class applicant: the admins of every member organization read the
consortium's application on every path (page, list, search, attachment, API); only the lead's
members edit it; plain members of member organizations and outsiders see nothing."""

import pytest
from django.test import Client

from hamafza.accounts.services import api_token_create
from hamafza.consortia.tests.factories import ConsortiumFactory, ConsortiumMemberFactory
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.proposals.tests.factories import AttachmentFactory, CallFactory, ProposalFactory

pytestmark = pytest.mark.django_db

READERS = {"lead_admin", "lead_member", "member_admin"}
EDITORS = {"lead_admin", "lead_member"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world(city):
    call = CallFactory(city=city)
    lead = OrganizationFactory(name="Lead Co")
    member = OrganizationFactory(name="Member Co")
    proposal = ProposalFactory(call=call, organization=lead, title="Xylophonesecret consortium plan")
    consortium = ConsortiumFactory(call=call, lead=lead, proposal=proposal)
    ConsortiumMemberFactory(consortium=consortium, organization=lead)
    ConsortiumMemberFactory(consortium=consortium, organization=member)
    attachment = AttachmentFactory(proposal=proposal, original_name="consortium-plan.pdf")
    users = {
        "lead_admin": OrganizationMembershipFactory(organization=lead, role="admin").user,
        "lead_member": OrganizationMembershipFactory(organization=lead).user,
        "member_admin": OrganizationMembershipFactory(organization=member, role="admin").user,
        "member_plain": OrganizationMembershipFactory(organization=member).user,
        "outsider_admin": OrganizationMembershipFactory(organization=OrganizationFactory(), role="admin").user,
    }
    return {"proposal": proposal, "attachment": attachment, "users": users}


@pytest.mark.parametrize("who", ["lead_admin", "lead_member", "member_admin", "member_plain", "outsider_admin"])
def test_consortium_application_grid(world, who):
    proposal, user = world["proposal"], world["users"][who]
    client = Client()
    client.force_login(user)
    reads = who in READERS
    page = client.get(f"/fa/proposals/{proposal.pk}/")
    assert page.status_code == (200 if reads else 404)
    listing = client.get("/fa/proposals/").content.decode()
    assert (proposal.title in listing) == reads
    search = client.get("/fa/proposals/?q=Xylophonesecret").content.decode()
    assert (proposal.title in search) == reads
    download = client.get(f"/fa/proposals/attachments/{world['attachment'].pk}/")
    assert download.status_code == (200 if reads else 404)
    edit = client.get(f"/fa/proposals/{proposal.pk}/edit/")
    assert edit.status_code == (200 if who in EDITORS else 404)  # only the lead's members edit

    api = Client()
    _token, key = api_token_create(user=user, name="grid")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert api.get(f"/api/v1/proposals/{proposal.pk}", **auth).status_code == (200 if reads else 404)
    items = api.get("/api/v1/proposals", **auth).json()["items"]
    assert (proposal.pk in {p["id"] for p in items}) == reads
