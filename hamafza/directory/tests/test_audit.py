"""Every change to an organization is audited: who, when, what."""

import pytest
from django.urls import reverse

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.core.tests.factories import CapabilityFactory
from hamafza.directory.models import Organization
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def test_editing_through_the_view_records_who_changed_what(client):
    old_cap, new_cap = CapabilityFactory(), CapabilityFactory()
    org = OrganizationFactory(name="قدیم", capabilities=[old_cap])
    editor = OrganizationMembershipFactory(organization=org).user
    client.force_login(editor)
    before = org.history.count()

    response = client.post(
        reverse("directory:organization_edit", args=[org.slug]),
        {
            "name": "جدید",
            "name_en": "New",
            "kind": "startup",
            "province": "Qom",
            "city_name": "قم",
            "description_fa": "شرح تازه",
            "capabilities": [new_cap.pk],
        },
    )

    assert response.status_code == 302
    # simple_history writes one record for the fields and one for the capabilities; both carry
    # the editor.
    records = list(org.history.order_by("-history_date", "-history_id"))
    written = records[: len(records) - before]
    assert written
    assert {r.history_user for r in written} == {editor}
    latest, previous = written[0], records[len(written)]
    assert latest.name == "جدید"
    assert latest.description_fa == "شرح تازه"
    assert [c.capability_id for c in latest.capabilities.all()] == [new_cap.pk]
    assert previous.name == "قدیم"
    assert [c.capability_id for c in previous.capabilities.all()] == [old_cap.pk]
    delta = latest.diff_against(previous)
    assert {"name", "name_en", "description_fa", "capabilities"} <= set(delta.changed_fields)


def test_verification_records_the_manager(client, city):
    org = OrganizationFactory()
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    client.force_login(manager)

    client.post(reverse("directory:organization_verify", args=[org.slug]), {"verified": "1"})

    latest = Organization.history.filter(id=org.pk).latest()
    assert latest.verified is True
    assert latest.history_user == manager


def test_a_refused_edit_leaves_no_history(client):
    org = OrganizationFactory()
    outsider = OrganizationMembershipFactory().user
    client.force_login(outsider)
    before = org.history.count()

    response = client.post(reverse("directory:organization_edit", args=[org.slug]), {"name": "x"})

    assert response.status_code == 403
    assert org.history.count() == before
