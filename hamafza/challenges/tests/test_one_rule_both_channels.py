"""Each business rule of the challenges workflow lives once (in its service); the settings page and
the API only translate its errors. Each test drives both channels and expects the same answer."""

import pytest
from django.test import Client
from django.urls import reverse

from hamafza.challenges.models import CallType
from hamafza.challenges.tests.factories import CallFactory
from hamafza.challenges.tests.i18n import fa, fa_html
from hamafza.challenges.tests.test_api import call_api

pytestmark = pytest.mark.django_db

INVITEE_NEEDED = "An invited call needs at least one invited organization."


def test_an_invited_call_needs_an_invitee_on_the_page_and_in_the_api(city, unit, manager):
    """services.call_update_settings refuses an invited call without invitees; the page shows the
    error on its "invited" field, the API names body.invited_organizations, with the same words."""
    call = CallFactory(city=city, unit=unit)
    page_client = Client()
    page_client.force_login(manager)
    page = page_client.post(
        reverse("challenges:call_settings", args=[city.slug, call.pk]),
        {"call_type": "invited", "closes_at": "1410/02/15", "invited": ""},
    )
    assert page.status_code == 400
    assert page.context["form"].errors["invited"] == [fa(INVITEE_NEEDED)]
    assert fa_html(INVITEE_NEEDED) in page.content.decode()

    api = call_api(Client(), "patch", f"/calls/{call.pk}/settings", manager, {"call_type": "invited"})
    assert api.status_code == 400
    assert api.json()["errors"] == [{"name": "body.invited_organizations", "message": fa(INVITEE_NEEDED)}]

    call.refresh_from_db()
    assert call.call_type == CallType.OPEN  # nothing was saved
