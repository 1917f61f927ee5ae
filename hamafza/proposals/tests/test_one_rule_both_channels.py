"""Each business rule of the evaluation lives once (a service or a selector); the page and the API
only translate its answer. Each test drives both channels and expects the same answer."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import PASSWORD, user_with_role
from hamafza.challenges.models import Call
from hamafza.proposals.models import Panel
from hamafza.proposals.tests.factories import CallFactory, PanelFactory, PanelMemberFactory, RubricCriterionFactory
from hamafza.proposals.tests.test_api import call_api

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _fa(message: str, **params) -> str:
    with translation.override("fa"):
        return translation.gettext(message) % params


def test_rubric_weights_must_add_up_to_100_on_the_page_and_in_the_api(city):
    """panel_start_scoring (the page's "start" button and POST /panel/start) and PUT /panel/rubric
    refuse a rubric whose weights do not add up to 100, with the same words."""
    call = CallFactory(city=city, state=Call.State.CLOSED, closes_at=timezone.now() - datetime.timedelta(days=1))
    panel = PanelFactory(call=call, status=Panel.Status.SETUP)
    RubricCriterionFactory(panel=panel, name="Impact", weight=60)
    RubricCriterionFactory(panel=panel, name="Cost", weight=30)
    PanelMemberFactory(panel=panel, user=user_with_role(CityRole.Role.JUDGE, city))
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    expected = _fa("The weights add up to %(total)d; they must add up to 100.", total=90)

    page = _login(manager).post(reverse("proposals:panel_step", args=[panel.pk, "start"]))
    assert page.status_code == 400
    assert expected in page.content.decode()

    api = call_api(Client(), "post", f"/calls/{call.pk}/panel/start", manager)
    assert api.status_code == 409 and api.json()["code"] == "refused"
    assert expected in [e["message"] for e in api.json()["errors"]]

    rubric = [{"name": "Impact", "weight": 60, "scale_max": 10}, {"name": "Cost", "weight": 30, "scale_max": 10}]
    replaced = call_api(Client(), "put", f"/calls/{call.pk}/panel/rubric", manager, {"criteria": rubric})
    assert replaced.status_code == 400
    assert {"name": "body.criteria", "message": expected} in replaced.json()["errors"]

    panel.refresh_from_db()
    assert panel.status == Panel.Status.SETUP


def test_blind_review_hides_the_applicant_on_the_page_and_in_the_api(world):
    """selectors.mark_identities: a judge of a blind panel sees no applicant, on the list page and in
    the API; the applicant's own members and the manager do."""
    Panel.objects.filter(pk=world.panel.pk).update(blind_review=True)
    for role, hidden in (("judge", True), ("applicant_a", False), ("manager", False)):
        user = world.users[role]
        page = _login(user).get(reverse("proposals:proposal_list"))
        assert page.status_code == 200
        on_page = {p.pk: p.hide_identity for p in page.context["proposals"]}
        api = call_api(Client(), "get", "/proposals", user)
        assert api.status_code == 200
        in_api = {item["id"]: item["organization"] is None for item in api.json()["items"]}
        assert on_page == in_api, role
        assert on_page[world.proposal_a.pk] is hidden, role


def test_judges_are_hidden_from_the_applicant_on_the_page_and_in_the_api(world):
    """selectors.judges_shown_to: once the results are published the applicant's members see their
    scores without the judges; the manager sees the judges."""
    Call.objects.filter(pk=world.call.pk).update(state=Call.State.RESULTS_PUBLISHED)
    for role, shown in (("applicant_a", False), ("manager", True)):
        user = world.users[role]
        page = _login(user).get(reverse("proposals:proposal_scores", args=[world.proposal_a.pk]))
        assert page.status_code == 200
        api = call_api(Client(), "get", f"/proposals/{world.proposal_a.pk}/scores", user)
        assert api.status_code == 200 and api.json()["items"], role
        assert page.context["show_judges"] is shown, role
        assert all((item["judge"] is not None) is shown for item in api.json()["items"]), role


def test_the_deadline_reason_is_the_same_on_the_page_and_in_the_api(world):
    """services.deadline_reason: the applicant who may no longer change the proposal is told why, in
    the same words on the page and in the API."""
    Call.objects.filter(pk=world.call.pk).update(closes_at=timezone.now() - datetime.timedelta(days=2))
    world.call.refresh_from_db()
    applicant = world.users["applicant_a"]
    client = _login(applicant)
    page = client.get(reverse("proposals:proposal_edit", args=[world.proposal_a.pk]), follow=True)
    on_page = [str(m) for m in page.context["messages"]]
    api = call_api(
        Client(),
        "patch",
        f"/proposals/{world.proposal_a.pk}",
        applicant,
        {"title": "Late change", "version": world.proposal_a.version},
    )
    assert api.status_code == 409
    in_api = [e["message"] for e in api.json()["errors"]]
    assert on_page and on_page == in_api
