"""The rest of the evaluation in API v1: the judge's queue, the rubric, inviting outside experts,
reminding judges and the shortlist. Real requests per role with personal API tokens on the
confidentiality grid's world (a call in evaluation, a judge cleared for both proposals, one with a
conflict on A). A call that is visible but not yours to manage is a 403, a proposal you may not see
a 404, a step the services refuse a 409 `refused`, a bad body a 400 naming the field."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext, override

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.challenges.models import Call
from hamafza.proposals.models import Panel, PanelInvitation, PanelMember, RubricCriterion
from hamafza.proposals.tests.factories import (
    CallFactory,
    DeclarationFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
    RubricCriterionFactory,
)
from hamafza.proposals.tests.test_api import USERS, bearer, call_api

pytestmark = pytest.mark.django_db

NOT_MANAGERS = [u for u in USERS if u not in ("manager", "visitor")]
SEES_A = {"applicant_a", "judge", "manager"}


def fa(message: str) -> str:
    with override("fa"):
        return gettext(message)


def _close_panel(world):
    Panel.objects.filter(pk=world.panel.pk).update(status=Panel.Status.CLOSED, closed_at=timezone.now())


def _setup_panel(city):
    """A closed call whose panel is being set up, with a two-criterion rubric."""
    call = CallFactory(city=city, state=Call.State.CLOSED, closes_at=timezone.now() - datetime.timedelta(days=1))
    panel = PanelFactory(call=call, status=Panel.Status.SETUP)
    RubricCriterionFactory(panel=panel, name="Impact", weight=60)
    RubricCriterionFactory(panel=panel, name="Cost", weight=40)
    return panel


def _names(panel):
    return list(panel.criteria.order_by("position", "pk").values_list("name", "weight", "scale_max"))


# --------------------------------------------------------------------------------------------
# The judge's queue
# --------------------------------------------------------------------------------------------
def _queue(client, user, query=""):
    response = call_api(client, "get", f"/judging{query}", user)
    assert response.status_code == 200, response.content
    return {item["proposal"]: item for item in response.json()["items"]}


def test_the_judges_queue_shows_their_declarations_and_sheets(client, world):
    queue = _queue(client, world.users["judge"])
    a, b = queue[world.proposal_a.pk], queue[world.proposal_b.pk]
    assert set(queue) == {world.proposal_a.pk, world.proposal_b.pk}
    assert a["declaration"] == "clear" and a["title"] == "Zephyrsecret sensors" and a["scores"] == "complete"
    assert a["organization"] == world.org_a.slug and a["sheet_version"] == world.sheet.version
    assert b["declaration"] == "clear" and b["scores"] == "none" and b["sheet_version"] == 0
    assert a["call"] == world.call.pk and a["panel_status"] == "scoring" and not a["can_declare"]


def test_a_declared_conflict_hides_the_proposal_in_the_queue(client, world):
    response = call_api(client, "get", "/judging", world.users["judge_conflict"])
    queue = {item["proposal"]: item for item in response.json()["items"]}
    a = queue[world.proposal_a.pk]
    assert a["declaration"] == "conflict" and a["title"] is None and a["organization"] is None
    assert "Zephyrsecret" not in response.content.decode() and world.org_a.slug not in response.content.decode()
    assert queue[world.proposal_b.pk]["title"] == "Quokkahidden routing"


def test_before_declaring_only_the_applicant_is_shown(client, world):
    newcomer = world.users["judge_unassigned"]
    PanelMemberFactory(panel=world.panel, user=newcomer)
    response = call_api(client, "get", "/judging", newcomer)
    queue = {item["proposal"]: item for item in response.json()["items"]}
    a = queue[world.proposal_a.pk]
    assert a["declaration"] == "none" and a["can_declare"] and a["title"] is None
    assert a["organization"] == world.org_a.slug  # to judge a conflict, as the declaration page
    assert "Zephyrsecret" not in response.content.decode()
    only_new = _queue(client, newcomer, "?declaration=none")
    assert set(only_new) == {world.proposal_a.pk, world.proposal_b.pk}
    assert _queue(client, newcomer, "?declaration=clear") == {}
    _close_panel(world)
    closed = _queue(client, newcomer)[world.proposal_a.pk]
    assert not closed["can_declare"] and closed["organization"] is None


def test_a_blind_review_hides_the_applicant_once_declared(client, world):
    Panel.objects.filter(pk=world.panel.pk).update(blind_review=True)
    queue = _queue(client, world.users["judge"])
    assert {item["organization"] for item in queue.values()} == {None}
    assert queue[world.proposal_a.pk]["title"] == "Zephyrsecret sensors"


@pytest.mark.parametrize("who", ["manager", "manager_other_city", "judge_unassigned", "applicant_a", "unit_staff"])
def test_the_queue_is_empty_for_who_sits_on_no_panel(client, world, who):
    response = call_api(client, "get", "/judging", world.users[who])
    assert response.status_code == 200 and response.json()["count"] == 0
    assert "Zephyrsecret" not in response.content.decode()


def test_the_queue_needs_authentication_and_valid_filters(client, world):
    assert call_api(client, "get", "/judging").status_code == 401
    bad = call_api(client, "get", "/judging?declaration=maybe", world.users["judge"])
    assert bad.status_code == 400 and bad.json()["errors"][0]["name"] == "query.declaration"
    unknown = call_api(client, "get", "/judging?call=1", world.users["judge"])
    assert unknown.status_code == 400


def test_a_judge_of_another_citys_panel_sees_only_that_panel(client, world, other_city):
    judge = world.users["judge"]
    other_call = CallFactory(city=other_city, state=Call.State.IN_EVALUATION)
    other_panel = PanelFactory(call=other_call)
    ProposalFactory(call=other_call)
    PanelMemberFactory(panel=other_panel, user=judge)
    queue = _queue(client, judge)
    assert len(queue) == 3 and {i["call"] for i in queue.values()} == {world.call.pk, other_call.pk}
    # a panel still being set up is not in the queue
    outsider = user_with_role(CityRole.Role.JUDGE, other_city)
    PanelMemberFactory(panel=PanelFactory(call=CallFactory(city=other_city), status=Panel.Status.SETUP), user=outsider)
    assert _queue(client, outsider) == {}


def test_the_queue_does_not_query_per_proposal(client, world, django_assert_max_num_queries):
    for _ in range(6):
        DeclarationFactory(member=world.judge_member, proposal=ProposalFactory(call=world.call))
    headers = bearer(world.users["judge"])
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/judging", **headers)
    assert response.status_code == 200 and response.json()["count"] == 8


# --------------------------------------------------------------------------------------------
# The rubric
# --------------------------------------------------------------------------------------------
def test_the_manager_reads_the_rubric(client, world):
    response = call_api(client, "get", f"/calls/{world.call.pk}/panel/rubric", world.users["manager"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["name"] for c in body["criteria"]] == ["Impact", "Feasibility"]
    assert body["total_weight"] == 100 and body["editable"] is False and body["status"] == "scoring"


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_reads_and_changes_the_rubric(client, world, who):
    panel = _setup_panel(world.call.city)
    path = f"/calls/{panel.call_id}/panel/rubric"
    assert call_api(client, "get", path, world.users[who]).status_code == 403
    body = {"criteria": [{"name": "Mine", "weight": 100}]}
    assert call_api(client, "put", path, world.users[who], body).status_code == 403
    assert _names(panel) == [("Impact", 60, 10), ("Cost", 40, 10)]


def test_the_rubric_needs_authentication_and_a_panel(client, world):
    path = f"/calls/{world.call.pk}/panel/rubric"
    assert call_api(client, "get", path).status_code == 401
    assert call_api(client, "put", path, None, {"criteria": [{"name": "x", "weight": 100}]}).status_code == 401
    without = CallFactory(city=world.call.city, state=Call.State.CLOSED)
    assert call_api(client, "get", f"/calls/{without.pk}/panel/rubric", world.users["manager"]).status_code == 404
    hidden = CallFactory(city=world.call.city, state=Call.State.IN_DEFINITION)
    other = world.users["manager_other_city"]
    assert call_api(client, "get", f"/calls/{hidden.pk}/panel/rubric", other).status_code == 404


def test_the_manager_replaces_the_rubric_while_setting_up(client, world):
    panel = _setup_panel(world.call.city)
    impact, cost = panel.criteria.order_by("position")
    body = {
        "criteria": [
            {"id": impact.pk, "name": "Impact", "weight": 50, "scale_max": 5, "description": "Citizens served"},
            {"name": "Innovation", "weight": 50},
        ]
    }
    response = call_api(client, "put", f"/calls/{panel.call_id}/panel/rubric", world.users["manager"], body)
    assert response.status_code == 200, response.content
    assert [(c["name"], c["weight"], c["scale_max"]) for c in response.json()["criteria"]] == [
        ("Impact", 50, 5),
        ("Innovation", 50, 10),
    ]
    assert _names(panel) == [("Impact", 50, 5), ("Innovation", 50, 10)]
    assert not RubricCriterion.objects.filter(pk=cost.pk).exists()
    impact.refresh_from_db()
    assert impact.description == "Citizens served"
    assert impact.history.first().history_user == world.users["manager"]


def test_the_rubric_is_frozen_once_scoring_starts(client, world):
    path = f"/calls/{world.call.pk}/panel/rubric"
    response = call_api(client, "put", path, world.users["manager"], {"criteria": [{"name": "New", "weight": 100}]})
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert response.json()["detail"] == fa("Scoring has started: the rubric is frozen.")
    assert [c.name for c in world.panel.criteria.order_by("position")] == ["Impact", "Feasibility"]


@pytest.mark.parametrize(
    ("criteria", "name"),
    [
        ([{"name": "A", "weight": 60}, {"name": "B", "weight": 30}], "body.criteria"),
        ([{"name": "A", "weight": 100, "scale_max": 0}], "body.criteria.0.scale_max"),
        ([{"name": "A", "weight": 99, "scale_max": 101}, {"name": "B", "weight": 1}], "body.criteria.0.scale_max"),
        ([{"name": "A", "weight": 100}, {"name": "B", "weight": 0}], "body.criteria.1.weight"),
        ([{"name": "", "weight": 100}], "body.criteria.0.name"),
        ([{"weight": 100}], "body.criteria.0.name"),
        ([{"name": "A", "weight": 100, "colour": "red"}], "body.criteria.0.colour"),
        ([{"id": 999999, "name": "A", "weight": 100}], "body.criteria.0.id"),
        ([], "body.criteria"),
    ],
)
def test_a_bad_rubric_is_400_naming_the_field(client, world, criteria, name):
    panel = _setup_panel(world.call.city)
    response = call_api(
        client, "put", f"/calls/{panel.call_id}/panel/rubric", world.users["manager"], {"criteria": criteria}
    )
    assert response.status_code == 400, response.content
    assert name in [e["name"] for e in response.json()["errors"]]
    assert _names(panel) == [("Impact", 60, 10), ("Cost", 40, 10)]


def test_a_criterion_of_another_panel_or_given_twice_is_refused(client, world):
    panel = _setup_panel(world.call.city)
    impact = panel.criteria.order_by("position").first()
    path = f"/calls/{panel.call_id}/panel/rubric"
    foreign = {"criteria": [{"id": world.criteria[0].pk, "name": "Stolen", "weight": 100}]}
    response = call_api(client, "put", path, world.users["manager"], foreign)
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.criteria.0.id"
    twice = {"criteria": [{"id": impact.pk, "name": "A", "weight": 50}, {"id": impact.pk, "name": "B", "weight": 50}]}
    response = call_api(client, "put", path, world.users["manager"], twice)
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.criteria.1.id"
    world.criteria[0].refresh_from_db()
    assert world.criteria[0].name == "Impact" and _names(panel) == [("Impact", 60, 10), ("Cost", 40, 10)]


def test_a_name_refused_by_the_service_changes_nothing(client, world):
    panel = _setup_panel(world.call.city)
    body = {"criteria": [{"name": "Reach", "weight": 50}, {"name": "   ", "weight": 50}]}
    response = call_api(client, "put", f"/calls/{panel.call_id}/panel/rubric", world.users["manager"], body)
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.criteria.1.name"
    assert _names(panel) == [("Impact", 60, 10), ("Cost", 40, 10)]  # all or nothing


# --------------------------------------------------------------------------------------------
# Inviting outside experts
# --------------------------------------------------------------------------------------------
def test_the_manager_invites_an_outside_expert(client, world, django_capture_on_commit_callbacks):
    path = f"/calls/{world.call.pk}/panel/invitations"
    manager = world.users["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        response = call_api(client, "post", path, manager, {"email": " Expert@Uni.example "})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "expert@uni.example" and body["status"] == "pending"
    assert body["source"] == "outside_expert" and "token" not in body
    invitation = PanelInvitation.objects.get(panel=world.panel)
    assert invitation.invited_by == manager and invitation.token not in response.content.decode()
    assert [m.to for m in mail.outbox] == [["expert@uni.example"]]
    assert invitation.token in mail.outbox[0].body
    listing = call_api(client, "get", path, manager)
    assert listing.status_code == 200 and [i["email"] for i in listing.json()["items"]] == ["expert@uni.example"]
    assert invitation.token not in listing.content.decode()
    assert call_api(client, "get", f"{path}?status=accepted", manager).json()["count"] == 0


def test_a_judge_of_the_city_invited_by_email_comes_as_a_city_judge(client, world):
    newcomer = world.users["judge_unassigned"]
    path = f"/calls/{world.call.pk}/panel/invitations"
    response = call_api(client, "post", path, world.users["manager"], {"email": newcomer.email})
    assert response.status_code == 201 and response.json()["source"] == "city_judge"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"email": "not an email"}, "body.email"),
        ({"email": "x@"}, "body.email"),
        ({}, "body.email"),
        ({"email": "a@b.example", "cc": "c@d.example"}, "body.cc"),
        ({"email": "a\x00@b.example"}, "body.email"),
    ],
)
def test_a_bad_invitation_is_400_naming_the_field(client, world, body, name):
    response = call_api(client, "post", f"/calls/{world.call.pk}/panel/invitations", world.users["manager"], body)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["name"] == name
    assert not PanelInvitation.objects.exists()


def test_someone_on_the_panel_or_already_invited_is_400(client, world):
    path, manager = f"/calls/{world.call.pk}/panel/invitations", world.users["manager"]
    on_panel = call_api(client, "post", path, manager, {"email": world.users["judge"].email})
    assert on_panel.status_code == 400 and on_panel.json()["errors"][0]["name"] == "body.email"
    assert call_api(client, "post", path, manager, {"email": "expert@uni.example"}).status_code == 201
    again = call_api(client, "post", path, manager, {"email": "EXPERT@uni.example"})
    assert again.status_code == 400 and again.json()["errors"][0]["name"] == "body.email"
    assert PanelInvitation.objects.count() == 1


def test_a_closed_panel_invites_no_one(client, world):
    _close_panel(world)
    path = f"/calls/{world.call.pk}/panel/invitations"
    response = call_api(client, "post", path, world.users["manager"], {"email": "expert@uni.example"})
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert response.json()["errors"] == [{"name": "panel", "message": fa("The panel is closed.")}]
    assert not PanelInvitation.objects.exists()


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_invites_and_lists(client, world, who):
    path = f"/calls/{world.call.pk}/panel/invitations"
    user = world.users[who]
    assert call_api(client, "post", path, user, {"email": "expert@uni.example"}).status_code == 403
    assert call_api(client, "get", path, user).status_code == 403
    assert not PanelInvitation.objects.exists() and len(mail.outbox) == 0


def test_invitations_need_authentication(client, world):
    path = f"/calls/{world.call.pk}/panel/invitations"
    assert call_api(client, "get", path).status_code == 401
    assert call_api(client, "post", path, None, {"email": "expert@uni.example"}).status_code == 401


# --------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------
def test_the_manager_reminds_the_judges_with_work_left(client, world, django_capture_on_commit_callbacks):
    done = user_with_role(CityRole.Role.JUDGE, world.call.city)
    PanelMemberFactory(panel=world.panel, user=done)
    for proposal in (world.proposal_a, world.proposal_b):  # a conflict on both: nothing left to do
        DeclarationFactory(member=PanelMember.objects.get(user=done), proposal=proposal, has_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = call_api(client, "post", f"/calls/{world.call.pk}/panel/reminders", world.users["manager"])
    assert response.status_code == 200, response.content
    assert response.json() == {"reminded": 2}  # both judges still have B to score
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.users["judge"].email, world.users["judge_conflict"].email]
    )
    world.judge_member.refresh_from_db()
    assert world.judge_member.last_reminded_at is not None
    assert PanelMember.objects.get(user=done).last_reminded_at is None


def test_reminders_are_sent_while_scoring_only(client, world):
    panel = _setup_panel(world.call.city)
    response = call_api(client, "post", f"/calls/{panel.call_id}/panel/reminders", world.users["manager"])
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert response.json()["detail"] == fa("Reminders are sent while the panel is scoring.")


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_reminds(client, world, who):
    response = call_api(client, "post", f"/calls/{world.call.pk}/panel/reminders", world.users[who])
    assert response.status_code == 403
    assert not PanelMember.objects.filter(panel=world.panel, last_reminded_at__isnull=False).exists()


def test_reminders_need_authentication(client, world):
    assert call_api(client, "post", f"/calls/{world.call.pk}/panel/reminders").status_code == 401


# --------------------------------------------------------------------------------------------
# The shortlist
# --------------------------------------------------------------------------------------------
def test_the_manager_shortlists_after_the_panel_closes(client, world):
    path, manager = f"/proposals/{world.proposal_a.pk}/shortlist", world.users["manager"]
    early = call_api(client, "post", path, manager, {"shortlisted": True})
    assert early.status_code == 409 and early.json()["code"] == "refused"
    world.proposal_a.refresh_from_db()
    assert not world.proposal_a.shortlisted
    _close_panel(world)
    on = call_api(client, "post", path, manager, {"shortlisted": True})
    assert on.status_code == 200, on.content
    assert on.json()["shortlisted"] is True and on.json()["decision"] == "pending"
    world.proposal_a.refresh_from_db()
    assert world.proposal_a.shortlisted
    off = call_api(client, "post", path, manager, {"shortlisted": False})
    assert off.status_code == 200 and off.json()["shortlisted"] is False


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_shortlists(client, world, who):
    _close_panel(world)
    response = call_api(
        client, "post", f"/proposals/{world.proposal_a.pk}/shortlist", world.users[who], {"shortlisted": True}
    )
    # who may see the proposal but not decide: 403; who may not see it: 404 (it stays confidential)
    assert response.status_code == (403 if who in SEES_A else 404)
    assert "Zephyrsecret" not in response.content.decode()
    world.proposal_a.refresh_from_db()
    assert not world.proposal_a.shortlisted


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({}, "body.shortlisted"),
        ({"shortlisted": "maybe"}, "body.shortlisted"),
        ({"shortlisted": True, "x": 1}, "body.x"),
    ],
)
def test_a_bad_shortlist_body_is_400(client, world, body, name):
    _close_panel(world)
    response = call_api(client, "post", f"/proposals/{world.proposal_a.pk}/shortlist", world.users["manager"], body)
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == name


def test_shortlisting_needs_authentication(client, world):
    path = f"/proposals/{world.proposal_a.pk}/shortlist"
    assert call_api(client, "post", path, None, {"shortlisted": True}).status_code == 401
