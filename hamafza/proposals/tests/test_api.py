"""Proposals, declarations and scores in API v1: real requests per role with personal API tokens,
on the confidentiality grid's world (proposals_visible_to / scores_visible_to decide, a token of
another city never reads or changes this city's proposals or scores)."""

import json

import pytest
from django.utils import timezone

from hamafza.accounts.services import api_token_create
from hamafza.challenges.models import Call
from hamafza.directory.tests.factories import OrganizationMembershipFactory
from hamafza.proposals.models import ConflictDeclaration, Panel, Proposal, Score, ScoreSheet
from hamafza.proposals.tests.factories import (
    CallFactory,
    PanelMemberFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

USERS = [
    "applicant_a", "applicant_b", "judge", "judge_conflict", "judge_unassigned", "manager",
    "manager_other_city", "unit_staff", "visitor", "platform_admin",
]  # fmt: skip
SEES_A = {"applicant_a", "judge", "manager"}
SEES_A_SCORES = {"judge", "manager"}


def bearer(user):
    if user is None:
        return {}
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def call_api(client, method, path, user=None, data=None):
    kwargs = bearer(user)
    if data is not None:
        kwargs["data"] = json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# --------------------------------------------------------------------------------------------
# Who sees what: detail, list, scores
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", USERS)
def test_detail_list_and_scores_per_role(client, world, who):
    user = world.users[who]
    a = world.proposal_a
    detail = call_api(client, "get", f"/proposals/{a.pk}", user)
    scores = call_api(client, "get", f"/proposals/{a.pk}/scores", user)
    listing = call_api(client, "get", "/proposals", user)
    if user is None:
        assert detail.status_code == scores.status_code == listing.status_code == 401
        return
    if who in SEES_A:
        assert detail.status_code == 200 and detail.json()["title"] == "Zephyrsecret sensors"
        assert a.pk in ids(listing)
    else:
        assert detail.status_code == 404 and "Zephyrsecret" not in detail.content.decode()
        assert a.pk not in ids(listing)
    if who in SEES_A_SCORES:
        assert scores.status_code == 200
        assert {s["comment"] for s in scores.json()["items"]} >= {"Wombatcomment"}
    elif who in SEES_A:  # the applicant sees the proposal, not the scores before the results
        assert scores.status_code == 200 and scores.json()["count"] == 0
    else:
        assert scores.status_code == 404 and "Wombatcomment" not in scores.content.decode()


def test_lists_are_the_visible_sets(client, world):
    a, b = world.proposal_a.pk, world.proposal_b.pk
    expected = {
        "applicant_a": {a},
        "applicant_b": {b},
        "judge": {a, b},
        "judge_conflict": {b},
        "judge_unassigned": set(),
        "manager": {a, b},
        "manager_other_city": set(),
        "unit_staff": set(),
        "platform_admin": set(),
    }
    for who, wanted in expected.items():
        assert ids(call_api(client, "get", "/proposals", world.users[who])) == wanted, who


def test_list_filters_ordering_and_bad_parameters(client, world):
    manager = world.users["manager"]
    draft = ProposalFactory(call=world.call, status=Proposal.Status.DRAFT)
    other = ProposalFactory(city=world.call.city, title="Another call's")
    assert draft.pk not in ids(call_api(client, "get", "/proposals", manager))  # a draft is the applicant's
    assert ids(call_api(client, "get", f"/proposals?call={other.call_id}", manager)) == {other.pk}
    assert ids(call_api(client, "get", "/proposals?status=withdrawn", manager)) == set()
    ordered = call_api(client, "get", "/proposals?ordering=title&call=" + str(world.call.pk), manager)
    assert [p["title"] for p in ordered.json()["items"]] == ["Quokkahidden routing", "Zephyrsecret sensors"]
    assert ids(call_api(client, "get", "/proposals?q=Zephyrsecret", manager)) == {world.proposal_a.pk}
    for query, name in (
        ("status=lost", "query.status"),
        ("ordering=budget", "query.ordering"),
        ("colour=1", "query.colour"),
    ):
        response = call_api(client, "get", f"/proposals?{query}", manager)
        assert response.status_code == 400 and response.json()["errors"][0]["name"] == name


def test_the_list_does_not_query_per_row(client, world, django_assert_max_num_queries):
    manager = world.users["manager"]
    for _ in range(5):
        ProposalFactory(call=world.call)
    headers = bearer(manager)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/proposals", **headers)
    assert response.status_code == 200 and response.json()["count"] == 7


def test_blind_review_hides_the_applicant_from_judges(client, world):
    Panel.objects.filter(pk=world.panel.pk).update(blind_review=True)
    judge_view = call_api(client, "get", f"/proposals/{world.proposal_a.pk}", world.users["judge"]).json()
    assert judge_view["organization"] is None
    listed = call_api(client, "get", "/proposals", world.users["judge"]).json()["items"]
    assert {p["organization"] for p in listed} == {None}
    manager_view = call_api(client, "get", f"/proposals/{world.proposal_a.pk}", world.users["manager"]).json()
    assert manager_view["organization"] == world.org_a.slug


def test_other_judges_scores_only_after_the_panel_closes(client, world):
    path = f"/proposals/{world.proposal_b.pk}/scores"
    sheet = ScoreSheet.objects.create(member=world.judge_member, proposal=world.proposal_b, version=1)
    Score.objects.create(sheet=sheet, criterion=world.criteria[0], value=5, comment="judge on B")
    assert call_api(client, "get", path, world.users["judge_conflict"]).json()["count"] == 0
    Panel.objects.filter(pk=world.panel.pk).update(status=Panel.Status.CLOSED)
    assert call_api(client, "get", path, world.users["judge_conflict"]).json()["count"] == 1
    # the conflicted judge still never sees A, nor its scores
    assert (
        call_api(client, "get", f"/proposals/{world.proposal_a.pk}/scores", world.users["judge_conflict"]).status_code
        == 404
    )


def test_applicant_reads_scores_without_judges_once_results_are_published(client, world):
    Call.objects.filter(pk=world.call.pk).update(state=Call.State.RESULTS_PUBLISHED)
    response = call_api(client, "get", f"/proposals/{world.proposal_a.pk}/scores", world.users["applicant_a"])
    assert response.status_code == 200 and response.json()["count"] == 2
    assert {s["judge"] for s in response.json()["items"]} == {None}
    manager = call_api(client, "get", f"/proposals/{world.proposal_a.pk}/scores", world.users["manager"]).json()
    assert {s["judge"] for s in manager["items"]} == {world.judge_member.pk}


# --------------------------------------------------------------------------------------------
# The applicant's side
# --------------------------------------------------------------------------------------------
@pytest.fixture
def open_call(city):
    return CallFactory(city=city)


def test_member_creates_edits_submits_and_withdraws(client, world, open_call):
    user = world.users["applicant_a"]
    created = call_api(
        client,
        "post",
        f"/calls/{open_call.pk}/proposals",
        user,
        {"organization": world.org_a.slug, "title": "سطل  هوشمند"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["organization"] == world.org_a.slug and body["can_change"] is True
    proposal = Proposal.objects.get(pk=body["id"])
    assert proposal.created_by == user and proposal.history.first().history_user == user

    # the second draft for the same organization is a conflict pointing at the first
    again = call_api(
        client, "post", f"/calls/{open_call.pk}/proposals", user, {"organization": world.org_a.slug, "title": "x"}
    )
    assert again.status_code == 409 and again.json()["existing"] == proposal.pk

    # submitting without the required parts: refused with the reason
    refused = call_api(client, "post", f"/proposals/{proposal.pk}/submit", user)
    assert refused.status_code == 409 and refused.json()["code"] == "refused"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT

    patched = call_api(
        client,
        "patch",
        f"/proposals/{proposal.pk}",
        user,
        {"version": body["version"], "summary": "s", "approach": "a"},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["summary"] == "s" and patched.json()["title"] == body["title"]
    stale = call_api(client, "patch", f"/proposals/{proposal.pk}", user, {"version": body["version"], "team": "t"})
    assert stale.status_code == 409 and stale.json()["current_version"] == patched.json()["version"]
    proposal.refresh_from_db()
    assert proposal.team == ""

    receipt = call_api(client, "post", f"/proposals/{proposal.pk}/submit", user)
    assert receipt.status_code == 200, receipt.content
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert receipt.json()["sha256"] == proposal.receipt_hash and len(receipt.json()["sha256"]) == 64

    withdrawn = call_api(client, "post", f"/proposals/{proposal.pk}/withdraw", user)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_creation_input_is_checked_and_named(client, world, open_call):
    user = world.users["applicant_a"]
    path = f"/calls/{open_call.pk}/proposals"
    cases = [
        ({"organization": world.org_b.slug, "title": "x"}, "body.organization"),  # not theirs
        ({"organization": world.org_a.slug}, "body.title"),
        ({"organization": world.org_a.slug, "title": "x", "budget_rial": -1}, "body.budget_rial"),
        ({"organization": world.org_a.slug, "title": "x", "colour": "red"}, "body.colour"),
    ]
    for data, name in cases:
        response = call_api(client, "post", path, user, data)
        assert response.status_code == 400, (data, response.content)
        assert name in [e["name"] for e in response.json()["errors"]], (data, response.json())
    assert not Proposal.objects.filter(call=open_call).exists()


@pytest.mark.parametrize("who", ["judge", "manager", "manager_other_city", "unit_staff", "platform_admin"])
def test_non_members_cannot_apply(client, world, open_call, who):
    response = call_api(
        client,
        "post",
        f"/calls/{open_call.pk}/proposals",
        world.users[who],
        {"organization": world.org_a.slug, "title": "x"},
    )
    assert response.status_code in (400, 403)
    assert not Proposal.objects.filter(call=open_call).exists()


def test_deadline_and_eligibility_are_refused_with_reasons(client, world, open_call):
    user = world.users["applicant_a"]
    # the call in evaluation is past its deadline: no new proposal, no edit
    closed = call_api(
        client, "post", f"/calls/{world.call.pk}/proposals", user, {"organization": world.org_a.slug, "title": "x"}
    )
    assert closed.status_code == 409 and closed.json()["errors"]
    late = call_api(client, "patch", f"/proposals/{world.proposal_a.pk}", user, {"version": 1, "title": "late"})
    assert late.status_code == 409 and late.json()["code"] == "refused"
    world.proposal_a.refresh_from_db()
    assert world.proposal_a.title == "Zephyrsecret sensors"

    Call.objects.filter(pk=open_call.pk).update(knowledge_based_required=True)
    ineligible = call_api(
        client, "post", f"/calls/{open_call.pk}/proposals", user, {"organization": world.org_a.slug, "title": "x"}
    )
    assert ineligible.status_code == 409 and ineligible.json()["detail"]
    assert not Proposal.objects.filter(call=open_call).exists()


@pytest.mark.parametrize("who", USERS)
def test_only_the_applicant_changes_a_proposal(client, world, open_call, who):
    proposal = ProposalFactory(call=open_call, organization=world.org_a, status=Proposal.Status.SUBMITTED)
    user = world.users[who]
    for method, path, data in (
        ("patch", f"/proposals/{proposal.pk}", {"version": proposal.version, "title": "hijacked"}),
        ("post", f"/proposals/{proposal.pk}/withdraw", None),
        ("post", f"/proposals/{proposal.pk}/submit", None),
    ):
        response = call_api(client, method, path, user, data)
        if who == "applicant_a":
            assert response.status_code == 200, (path, response.content)
        elif user is None:
            assert response.status_code == 401
        elif who == "manager":  # sees the submitted proposal, may not change it
            assert response.status_code == 403, (path, response.content)
        else:
            assert response.status_code == 404, (who, path, response.content)
    proposal.refresh_from_db()
    assert (proposal.title == "hijacked") is (who == "applicant_a")


def test_a_token_of_another_city_never_reads_or_changes(client, world, other_city):
    karaj_call = CallFactory(city=other_city, state=Call.State.IN_EVALUATION)
    karaj = ProposalFactory(call=karaj_call)
    for who in ("manager", "judge", "unit_staff"):
        user = world.users[who]
        assert call_api(client, "get", f"/proposals/{karaj.pk}", user).status_code == 404
        assert call_api(client, "get", f"/proposals/{karaj.pk}/scores", user).status_code == 404
        assert karaj.pk not in ids(call_api(client, "get", "/proposals", user))
    other = world.users["manager_other_city"]
    assert call_api(client, "get", f"/proposals/{karaj.pk}", other).status_code == 200
    for path in (f"/proposals/{world.proposal_a.pk}", f"/proposals/{world.proposal_a.pk}/scores"):
        assert call_api(client, "get", path, other).status_code == 404
    for method, path, data in (
        ("patch", f"/proposals/{world.proposal_a.pk}", {"version": 1, "title": "x"}),
        ("put", f"/proposals/{world.proposal_a.pk}/scores", {"version": 1, "scores": []}),
        ("post", f"/proposals/{world.proposal_a.pk}/conflict", {"has_conflict": False}),
        ("post", f"/proposals/{world.proposal_a.pk}/withdraw", None),
    ):
        assert call_api(client, method, path, other, data).status_code == 404, path
    assert Score.objects.filter(sheet__proposal=world.proposal_a).count() == 2


# --------------------------------------------------------------------------------------------
# Judges: declarations and scores
# --------------------------------------------------------------------------------------------
def test_judge_declares_then_scores(client, world, city):
    from hamafza.accounts.models import CityRole
    from hamafza.accounts.tests.factories import user_with_role

    newcomer = user_with_role(CityRole.Role.JUDGE, city)
    PanelMemberFactory(panel=world.panel, user=newcomer)
    a = world.proposal_a
    assert call_api(client, "get", f"/proposals/{a.pk}", newcomer).status_code == 404  # not before declaring
    declared = call_api(client, "post", f"/proposals/{a.pk}/conflict", newcomer, {"has_conflict": False})
    assert declared.status_code == 201 and declared.json()["has_conflict"] is False
    again = call_api(client, "post", f"/proposals/{a.pk}/conflict", newcomer, {"has_conflict": True})
    assert again.status_code == 409 and again.json()["code"] == "refused"
    assert call_api(client, "get", f"/proposals/{a.pk}", newcomer).json()["can_score"] is True

    c1, c2 = world.criteria
    saved = call_api(
        client,
        "put",
        f"/proposals/{a.pk}/scores",
        newcomer,
        {"version": 0, "scores": [{"criterion": c1.pk, "value": 9, "comment": "good"}], "comment": "ok"},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1 and saved.json()["scores"] == [
        {"criterion": c1.pk, "value": 9, "comment": "good"}
    ]

    stale = call_api(
        client,
        "put",
        f"/proposals/{a.pk}/scores",
        newcomer,
        {"version": 0, "scores": [{"criterion": c1.pk, "value": 1}]},
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 1

    cases = [
        ({"version": 1, "scores": [{"criterion": c1.pk, "value": 11}]}, "body.scores.0.value"),  # over the scale
        ({"version": 1, "scores": [{"criterion": c1.pk, "value": 101}]}, "body.scores.0.value"),
        ({"version": 1, "scores": [{"criterion": c1.pk, "value": -1}]}, "body.scores.0.value"),
        ({"version": 1, "scores": [{"criterion": 999999, "value": 1}]}, "body.scores.0.criterion"),
        ({"version": 1, "scores": [{"criterion": c1.pk, "value": 1}] * 2}, "body.scores.1.criterion"),
        ({"version": 1, "scores": [{"criterion": c1.pk, "value": 5}], "complete": True}, "body.scores"),  # c2 missing
    ]
    for data, name in cases:
        response = call_api(client, "put", f"/proposals/{a.pk}/scores", newcomer, data)
        assert response.status_code == 400, (data, response.content)
        assert name in [e["name"] for e in response.json()["errors"]], (data, response.json())
    sheet = ScoreSheet.objects.get(member__user=newcomer, proposal=a)
    assert sheet.version == 1 and [s.value for s in sheet.scores.all()] == [9]

    done = call_api(
        client,
        "put",
        f"/proposals/{a.pk}/scores",
        newcomer,
        {
            "version": 1,
            "scores": [{"criterion": c1.pk, "value": 8}, {"criterion": c2.pk, "value": 4}],
            "complete": True,
        },
    )
    assert done.status_code == 200 and done.json()["complete"] is True
    own = call_api(client, "get", f"/proposals/{a.pk}/scores", newcomer).json()["items"]
    assert {(s["criterion"], s["value"]) for s in own} == {(c1.pk, 8), (c2.pk, 4)}
    assert Score.objects.get(sheet=sheet, criterion=c1).history.first().history_user == newcomer


def test_a_declared_conflict_hides_the_proposal(client, world, city):
    from hamafza.accounts.models import CityRole
    from hamafza.accounts.tests.factories import user_with_role

    newcomer = user_with_role(CityRole.Role.JUDGE, city)
    PanelMemberFactory(panel=world.panel, user=newcomer)
    a = world.proposal_a
    declared = call_api(
        client, "post", f"/proposals/{a.pk}/conflict", newcomer, {"has_conflict": True, "note": "my cousin"}
    )
    assert declared.status_code == 201
    assert ConflictDeclaration.objects.get(member__user=newcomer, proposal=a).has_conflict is True
    assert call_api(client, "get", f"/proposals/{a.pk}", newcomer).status_code == 404
    put = call_api(client, "put", f"/proposals/{a.pk}/scores", newcomer, {"version": 0, "scores": []})
    assert put.status_code == 404


@pytest.mark.parametrize("who", USERS)
def test_who_may_declare_and_score(client, world, who):
    user = world.users[who]
    a, c1 = world.proposal_a, world.criteria[0]
    declare = call_api(client, "post", f"/proposals/{a.pk}/conflict", user, {"has_conflict": False})
    score = call_api(
        client, "put", f"/proposals/{a.pk}/scores", user, {"version": 1, "scores": [{"criterion": c1.pk, "value": 3}]}
    )
    if user is None:
        assert declare.status_code == score.status_code == 401
        return
    # panel members who already declared: refused now; others: the proposal is not theirs to declare on
    assert declare.status_code == (409 if who in ("judge", "judge_conflict") else 404), (who, declare.content)
    expected_score = {"judge": 200, "applicant_a": 403, "manager": 403}.get(who, 404)
    assert score.status_code == expected_score, (who, score.content)
    assert Score.objects.get(sheet=world.sheet, criterion=c1).value == (3 if who == "judge" else 8)


def test_no_scores_once_the_panel_is_closed(client, world):
    Panel.objects.filter(pk=world.panel.pk).update(status=Panel.Status.CLOSED, closed_at=timezone.now())
    response = call_api(
        client,
        "put",
        f"/proposals/{world.proposal_a.pk}/scores",
        world.users["judge"],
        {"version": 1, "scores": [{"criterion": world.criteria[0].pk, "value": 1}]},
    )
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert Score.objects.get(sheet=world.sheet, criterion=world.criteria[0]).value == 8


def test_an_applicant_member_of_another_org_added_later_sees_nothing(client, world):
    # membership is what counts, at the moment of the request
    late = OrganizationMembershipFactory(organization=world.org_b).user
    assert call_api(client, "get", f"/proposals/{world.proposal_a.pk}", late).status_code == 404
    assert call_api(client, "get", f"/proposals/{world.proposal_b.pk}", late).status_code == 200
