"""The innovation manager's side of the evaluation in API v1 (panel, judges, starting and closing
scoring, decisions, publishing results) and proposal attachments: real requests per role with
personal API tokens on the confidentiality grid's world. A call that is visible but not yours to
manage is a 403, a proposal you may not see a 404; a step the services refuse is a 409 `refused`."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext, override

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.challenges.models import Call
from hamafza.proposals.models import Panel, PanelMember, Proposal, ProposalAttachment
from hamafza.proposals.tests.factories import (
    CallFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalFactory,
    RubricCriterionFactory,
    pdf_bytes,
)
from hamafza.proposals.tests.test_api import USERS, bearer, call_api

pytestmark = pytest.mark.django_db


def fa(message: str, **params) -> str:
    """A message as the API answers it by default (Persian)."""
    with override("fa"):
        return gettext(message) % params if params else gettext(message)


SEES_A = {"applicant_a", "judge", "manager"}
NOT_MANAGERS = [u for u in USERS if u not in ("manager", "visitor")]


def _close_panel(world):
    Panel.objects.filter(pk=world.panel.pk).update(status=Panel.Status.CLOSED, closed_at=timezone.now())


# --------------------------------------------------------------------------------------------
# The panel and its progress
# --------------------------------------------------------------------------------------------
def test_the_manager_reads_the_panel_with_its_progress(client, world):
    response = call_api(client, "get", f"/calls/{world.call.pk}/panel", world.users["manager"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "scoring" and body["call"] == world.call.pk
    assert [c["name"] for c in body["rubric"]] == ["Impact", "Feasibility"]
    assert {m["user"] for m in body["members"]} == {world.users["judge"].pk, world.users["judge_conflict"].pk}
    a, b = world.proposal_a.pk, world.proposal_b.pk
    rows = {row["member"]: {c["proposal"]: c["state"] for c in row["cells"]} for row in body["progress"]}
    assert rows[world.judge_member.pk] == {a: "complete", b: "todo"}
    assert rows[world.conflicted_member.pk] == {a: "conflict", b: "todo"}
    assert body["missing"] == 2
    assert {p["organization"] for p in body["proposals"]} == {world.org_a.slug, world.org_b.slug}


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_reads_the_panel(client, world, who):
    response = call_api(client, "get", f"/calls/{world.call.pk}/panel", world.users[who])
    assert response.status_code == 403  # the call is public; its evaluation is not theirs
    assert "Impact" not in response.content.decode()


def test_anonymous_is_asked_to_authenticate(client, world):
    for method, path in (
        ("get", f"/calls/{world.call.pk}/panel"),
        ("post", f"/calls/{world.call.pk}/panel/close"),
        ("post", f"/calls/{world.call.pk}/results/publish"),
        ("post", f"/proposals/{world.proposal_a.pk}/decision"),
        ("get", f"/proposals/{world.proposal_a.pk}/attachments"),
        ("get", f"/proposals/{world.proposal_a.pk}/attachments/{world.attachment.pk}"),
    ):
        assert call_api(client, method, path).status_code == 401, path


def test_the_panel_does_not_query_per_judge(client, world, django_assert_max_num_queries):
    for _ in range(4):
        PanelMemberFactory(panel=world.panel, user=user_with_role(CityRole.Role.JUDGE, world.call.city))
        ProposalFactory(call=world.call)
    headers = bearer(world.users["manager"])
    with django_assert_max_num_queries(20):
        response = client.get(f"/api/v1/calls/{world.call.pk}/panel", **headers)
    assert response.status_code == 200 and len(response.json()["progress"]) == 6


def test_a_hidden_call_is_404_and_a_call_without_panel_404(client, world):
    manager = world.users["manager"]
    draft = CallFactory(city=world.call.city, state=Call.State.IN_DEFINITION)
    other_manager = world.users["manager_other_city"]
    assert call_api(client, "get", f"/calls/{draft.pk}/panel", other_manager).status_code == 404
    response = call_api(client, "get", f"/calls/{draft.pk}/panel", manager)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert call_api(client, "get", "/calls/999999/panel", manager).status_code == 404


def test_the_manager_creates_a_panel_from_the_calls_criteria(client, world):
    call = CallFactory(city=world.call.city, state=Call.State.CLOSED)
    path = f"/calls/{call.pk}/panel"
    assert call_api(client, "post", path, world.users["manager_other_city"]).status_code == 403
    assert not Panel.objects.filter(call=call).exists()
    created = call_api(client, "post", path, world.users["manager"])
    assert created.status_code == 201 and created.json()["status"] == "setup"
    again = call_api(client, "post", path, world.users["manager"])
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]


# --------------------------------------------------------------------------------------------
# Judges
# --------------------------------------------------------------------------------------------
def test_the_manager_adds_a_judge_of_the_city(client, world):
    path = f"/calls/{world.call.pk}/panel/judges"
    manager, newcomer = world.users["manager"], world.users["judge_unassigned"]
    added = call_api(client, "post", path, manager, {"email": newcomer.email.upper()})
    assert added.status_code == 201, added.content
    assert added.json()["user"] == newcomer.pk and added.json()["source"] == "city_judge"
    assert PanelMember.objects.filter(panel=world.panel, user=newcomer).exists()
    again = call_api(client, "post", path, manager, {"user": newcomer.pk})
    assert again.status_code == 200 and again.json()["id"] == added.json()["id"]


def test_only_a_judge_of_the_city_can_be_added(client, world):
    path = f"/calls/{world.call.pk}/panel/judges"
    manager = world.users["manager"]
    outsider = user_with_role(CityRole.Role.JUDGE, world.users["manager_other_city"].city_roles.get().city)
    for body, name in (
        ({"email": world.users["unit_staff"].email}, "body.email"),
        ({"email": "nobody@example.com"}, "body.email"),
        ({"user": outsider.pk}, "body.user"),
        ({}, "body"),
        ({"user": outsider.pk, "email": outsider.email}, "body"),
    ):
        response = call_api(client, "post", path, manager, body)
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["name"] == name
    assert world.panel.members.count() == 2


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_others_cannot_add_judges_start_or_close(client, world, who):
    user, call_id = world.users[who], world.call.pk
    newcomer = world.users["judge_unassigned"]
    assert call_api(client, "post", f"/calls/{call_id}/panel/judges", user, {"user": newcomer.pk}).status_code == 403
    assert call_api(client, "post", f"/calls/{call_id}/panel/close", user).status_code == 403
    assert call_api(client, "post", f"/calls/{call_id}/panel/start", user).status_code == 403
    world.panel.refresh_from_db()
    assert world.panel.status == Panel.Status.SCORING and world.panel.members.count() == 2


# --------------------------------------------------------------------------------------------
# Starting and closing scoring
# --------------------------------------------------------------------------------------------
def _setup_panel(city, *, with_judge=True):
    call = CallFactory(city=city, state=Call.State.CLOSED, closes_at=timezone.now() - datetime.timedelta(days=1))
    panel = PanelFactory(call=call, status=Panel.Status.SETUP)
    RubricCriterionFactory(panel=panel, name="Impact", weight=100)
    if with_judge:
        PanelMemberFactory(panel=panel, user=user_with_role(CityRole.Role.JUDGE, city))
    return panel


def test_start_scoring_through_the_service(client, world):
    panel = _setup_panel(world.call.city)
    response = call_api(client, "post", f"/calls/{panel.call_id}/panel/start", world.users["manager"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "scoring"
    panel.call.refresh_from_db()
    assert panel.call.state == Call.State.IN_EVALUATION


def test_start_refused_with_the_reasons(client, world):
    panel = _setup_panel(world.call.city, with_judge=False)
    response = call_api(client, "post", f"/calls/{panel.call_id}/panel/start", world.users["manager"])
    assert response.status_code == 409 and response.json()["code"] == "refused"
    assert response.json()["errors"] == [{"name": "panel", "message": fa("The panel has no judges yet.")}]
    panel.refresh_from_db()
    assert panel.status == Panel.Status.SETUP
    already = call_api(client, "post", f"/calls/{world.call.pk}/panel/start", world.users["manager"])
    assert already.status_code == 409 and already.json()["detail"] == fa("Scoring has already started.")


def test_close_scoring_then_closing_again_is_refused(client, world):
    path = f"/calls/{world.call.pk}/panel/close"
    closed = call_api(client, "post", path, world.users["manager"])
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["closed_at"]
    again = call_api(client, "post", path, world.users["manager"])
    assert again.status_code == 409 and again.json()["code"] == "refused"


# --------------------------------------------------------------------------------------------
# Decisions and results
# --------------------------------------------------------------------------------------------
def test_a_decision_before_the_panel_closes_is_refused(client, world):
    path = f"/proposals/{world.proposal_a.pk}/decision"
    response = call_api(client, "post", path, world.users["manager"], {"awarded": True, "reason": "Best plan"})
    assert response.status_code == 409 and response.json()["code"] == "refused"
    world.proposal_a.refresh_from_db()
    assert world.proposal_a.decision == Proposal.Decision.PENDING


def test_the_manager_decides_and_shortlists(client, world):
    _close_panel(world)
    path = f"/proposals/{world.proposal_a.pk}/decision"
    body = {"awarded": True, "reason": "Best plan", "shortlisted": True}
    response = call_api(client, "post", path, world.users["manager"], body)
    assert response.status_code == 200, response.content
    assert response.json()["decision"] == "awarded" and response.json()["shortlisted"] is True
    world.proposal_a.refresh_from_db()
    assert world.proposal_a.decision_reason == "Best plan" and world.proposal_a.shortlisted
    assert world.proposal_a.decided_by == world.users["manager"]


def test_a_refused_decision_leaves_the_shortlist_unchanged(client, world):
    _close_panel(world)
    path = f"/proposals/{world.proposal_a.pk}/decision"
    body = {"awarded": False, "reason": "   ", "shortlisted": True}
    response = call_api(client, "post", path, world.users["manager"], body)
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "body.reason"
    world.proposal_a.refresh_from_db()
    assert not world.proposal_a.shortlisted and world.proposal_a.decision == Proposal.Decision.PENDING


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_decides(client, world, who):
    _close_panel(world)
    path = f"/proposals/{world.proposal_a.pk}/decision"
    response = call_api(client, "post", path, world.users[who], {"awarded": True, "reason": "Mine"})
    # who may see the proposal but not decide: 403; who may not see it: 404 (it stays confidential)
    assert response.status_code == (403 if who in SEES_A else 404)
    assert "Zephyrsecret" not in response.content.decode()
    world.proposal_a.refresh_from_db()
    assert world.proposal_a.decision == Proposal.Decision.PENDING


def test_publishing_results(client, world):
    path = f"/calls/{world.call.pk}/results/publish"
    manager = world.users["manager"]
    assert call_api(client, "post", path, manager).json()["code"] == "refused"  # the panel is scoring
    _close_panel(world)
    undecided = call_api(client, "post", path, manager)
    assert undecided.status_code == 409 and undecided.json()["detail"] == fa(
        "Decide every proposal first; %(n)d still without a decision.", n=2
    )
    for proposal, awarded in ((world.proposal_a, True), (world.proposal_b, False)):
        body = {"awarded": awarded, "reason": "Reasoned"}
        assert call_api(client, "post", f"/proposals/{proposal.pk}/decision", manager, body).status_code == 200
    published = call_api(client, "post", path, manager)
    assert published.status_code == 200, published.content
    assert published.json() == {"call": world.call.pk, "state": "results_published", "awarded": [world.org_a.slug]}
    public = call_api(client, "get", f"/calls/{world.call.pk}/results")
    assert public.status_code == 200 and "Beta" not in public.content.decode()


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_only_the_citys_manager_publishes(client, world, who):
    _close_panel(world)
    Proposal.objects.filter(call=world.call).update(decision=Proposal.Decision.AWARDED, decision_reason="x")
    response = call_api(client, "post", f"/calls/{world.call.pk}/results/publish", world.users[who])
    assert response.status_code == 403
    world.call.refresh_from_db()
    assert world.call.state == Call.State.IN_EVALUATION


# --------------------------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", [u for u in USERS if u != "visitor"])
def test_attachment_list_and_download_grid(client, world, who):
    user, a = world.users[who], world.proposal_a
    listing = call_api(client, "get", f"/proposals/{a.pk}/attachments", user)
    download = call_api(client, "get", f"/proposals/{a.pk}/attachments/{world.attachment.pk}", user)
    if who in SEES_A:
        assert listing.status_code == 200
        assert [item["name"] for item in listing.json()["items"]] == ["alpha-plan.pdf"]
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == pdf_bytes()
        assert download["Content-Type"] == "application/octet-stream"
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in download["Content-Security-Policy"]
        assert download["Cache-Control"] == "private, no-store"
    else:
        assert listing.status_code == download.status_code == 404
        assert "alpha-plan" not in listing.content.decode()


def test_an_attachment_is_only_found_under_its_proposal(client, world):
    path = f"/proposals/{world.proposal_b.pk}/attachments/{world.attachment.pk}"
    assert call_api(client, "get", path, world.users["manager"]).status_code == 404


def _upload(client, proposal, user, content, name="plan.pdf"):
    return client.post(
        f"/api/v1/proposals/{proposal.pk}/attachments",
        {"file": SimpleUploadedFile(name, content)},
        **bearer(user),
    )


def test_a_member_uploads_while_the_call_is_open(client, world):
    proposal = ProposalFactory(call=CallFactory(city=world.call.city), organization=world.org_a)
    response = _upload(client, proposal, world.users["applicant_a"], pdf_bytes("new"), name="report.exe")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "pdf" and response.json()["name"].endswith(".pdf")
    assert proposal.attachments.count() == 1
    assert proposal.receipts.count() == 1  # a submitted proposal gets a new receipt


def test_an_upload_is_checked_by_content_and_size(client, world, settings):
    proposal = ProposalFactory(call=CallFactory(city=world.call.city), organization=world.org_a)
    member = world.users["applicant_a"]
    executable = _upload(client, proposal, member, b"MZ\x90\x00" + b"\x00" * 100)
    assert executable.status_code == 400 and executable.json()["errors"][0]["name"] == "file"
    settings.MAX_UPLOAD_MB = 1
    large = _upload(client, proposal, member, pdf_bytes() + b"\x00" * (1024 * 1024 + 1))
    assert large.status_code == 400 and large.json()["errors"][0]["name"] == "file"
    missing = client.post(f"/api/v1/proposals/{proposal.pk}/attachments", {}, **bearer(member))
    assert missing.status_code == 400
    assert not ProposalAttachment.objects.filter(proposal=proposal).exists()


def test_upload_refusals(client, world):
    a = world.proposal_a  # its call is in evaluation: past the deadline
    refused = _upload(client, a, world.users["applicant_a"], pdf_bytes())
    assert refused.status_code == 409 and refused.json()["code"] == "refused"
    assert _upload(client, a, world.users["manager"], pdf_bytes()).status_code == 403
    assert _upload(client, a, world.users["applicant_b"], pdf_bytes()).status_code == 404
    assert _upload(client, a, world.users["manager_other_city"], pdf_bytes()).status_code == 404
    assert _upload(client, a, None, pdf_bytes()).status_code == 401
    assert a.attachments.count() == 1
