"""A refusal of the call's state machine reaches the matching API as the same problem as through
PATCH /calls/{id}/settings: 409 `transition_refused`, the reasons in `errors` named `state`."""

import pytest

from hamafza.challenges.models import Call, CallType
from hamafza.matching.tests.test_api_matching import bearer, post_invitations
from hamafza.matching.tests.web_fixtures import water_call

pytestmark = pytest.mark.django_db


def test_inviting_to_a_cancelled_call_is_a_transition_refused_problem(client, index_dir, manager, city, unit, orgs):
    invited_call = water_call(city, unit, call_type=CallType.INVITED, allowed_provinces=["Qom"])
    Call.objects.filter(pk=invited_call.pk).update(state=Call.State.CANCELLED)
    response = post_invitations(client, invited_call, ["leak-qom"], bearer(manager))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_refused"
    assert body["errors"] and {e["name"] for e in body["errors"]} == {"state"}
    assert body["detail"] == "; ".join(e["message"] for e in body["errors"])
    assert not invited_call.invited_organizations.exists()
