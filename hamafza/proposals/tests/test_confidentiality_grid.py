"""The confidentiality grid: users × objects × paths → allowed or 404, with real requests.

Proposal A of organization Alpha, its attachment and a judge's score on it; proposal B of Beta
in the same call. The judge "judge_conflict" declared a conflict on A (not on B).
"""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hamafza.accounts.tests.factories import PASSWORD

USERS = [
    "applicant_a", "applicant_b", "judge", "judge_conflict", "judge_unassigned", "manager",
    "manager_other_city", "unit_staff", "visitor", "platform_admin",
]  # fmt: skip
SEES_A = {"applicant_a", "judge", "manager"}
SEES_B = {"applicant_b", "judge", "judge_conflict", "manager"}
SEES_SCORE = {"judge", "manager"}
EXPORTS = {"manager"}


def client_for(world, who) -> Client:
    client = Client()
    user = world.users[who]
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def _xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row)


@pytest.mark.django_db
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(
    "obj,path",
    [
        ("proposal", "detail"),
        ("proposal", "list"),
        ("proposal", "search"),
        ("proposal", "search_by_applicant"),
        ("proposal", "dashboard_count"),
        ("proposal", "export_csv"),
        ("proposal", "export_xlsx"),
        ("proposal", "edit"),
        ("attachment", "detail"),
        ("attachment", "download"),
        ("score", "detail"),
        ("score", "export_csv"),
        ("score", "judging"),
    ],
)
def test_grid(world, who, obj, path):
    client = client_for(world, who)
    a, call = world.proposal_a, world.call
    allowed = {"proposal": SEES_A, "attachment": SEES_A, "score": SEES_SCORE}[obj]
    if path.startswith("export"):
        allowed = allowed & EXPORTS
    if path == "edit":
        allowed = set()  # the call is closed: nobody edits, and outsiders get 404
    if path == "judging":
        allowed = {"judge"}
    expected = who in allowed

    if path == "detail":
        url = reverse("proposals:proposal_scores" if obj == "score" else "proposals:proposal_detail", args=[a.pk])
        response = client.get(url)
        marker = {"proposal": "Zephyrsecret", "attachment": "alpha-plan.pdf", "score": "Wombatcomment"}[obj]
        if who in SEES_A:
            assert response.status_code == 200
            assert (marker in response.content.decode()) is expected
        else:
            assert response.status_code == 404
            assert marker not in response.content.decode()
    elif path in ("list", "search", "search_by_applicant"):
        query = {"list": "", "search": "?q=zephyrsecret", "search_by_applicant": "?q=Alpha"}[path]
        response = client.get(reverse("proposals:proposal_list") + query)
        assert response.status_code in (200, 302)
        assert ("Zephyrsecret" in response.content.decode()) is expected
    elif path == "dashboard_count":
        response = client.get(reverse("proposals:proposal_list"))
        expected_count = (who in SEES_A) + (who in SEES_B)
        content = response.content.decode()
        if expected_count:
            assert f'data-call="{call.pk}" data-count="{expected_count}"' in content
        else:
            assert f'data-call="{call.pk}"' not in content
    elif path.startswith("export"):
        fmt = path.rsplit("_", 1)[1]
        response = client.get(reverse("proposals:call_export", args=[call.pk, fmt]))
        if expected:
            assert response.status_code == 200
            text = response.getvalue().decode("utf-8-sig") if fmt == "csv" else _xlsx_text(response.content)
            assert ("Zephyrsecret" if obj == "proposal" else "72.0") in text
            assert "Quokkahidden" in text  # B: the manager sees every submitted proposal of the call
        else:
            assert response.status_code == 404
            assert b"Zephyrsecret" not in response.getvalue()
    elif path == "edit":
        response = client.get(reverse("proposals:proposal_edit", args=[a.pk]))
        if who == "applicant_a":
            assert response.status_code == 302  # back to the detail page with "the deadline has passed"
        elif who == "visitor":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404
    elif path == "download":
        response = client.get(reverse("proposals:attachment_download", args=[world.attachment.pk]))
        if expected:
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        else:
            assert response.status_code == 404
    elif path == "judging":
        response = client.get(reverse("proposals:judging_proposal", args=[a.pk]))
        if expected:
            assert response.status_code == 200
            assert "Zephyrsecret" in response.content.decode()
        else:
            assert response.status_code in (404, 302)
            assert "Zephyrsecret" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", USERS)
def test_predicates_agree_with_the_grid(world, who):
    from django.contrib.auth.models import AnonymousUser

    from hamafza.proposals import selectors
    from hamafza.proposals.rules import can

    user = world.users[who] or AnonymousUser()
    assert can(user, "proposals.view_proposal", world.proposal_a) is (who in SEES_A)
    assert can(user, "proposals.view_proposal", world.proposal_b) is (who in SEES_B)
    assert can(user, "proposals.view_attachment", world.attachment) is (who in SEES_A)
    assert can(user, "proposals.view_score", world.score) is (who in SEES_SCORE)
    assert can(user, "proposals.export_proposals", world.call) is (who in EXPORTS)
    visible = set(selectors.proposals_visible_to(user).values_list("pk", flat=True))
    assert visible == {p.pk for p, s in [(world.proposal_a, SEES_A), (world.proposal_b, SEES_B)] if who in s}


@pytest.mark.django_db
def test_scores_of_other_judges_are_hidden_until_the_panel_closes(world):
    from hamafza.proposals.models import Panel
    from hamafza.proposals.tests.factories import ScoreFactory, ScoreSheetFactory

    sheet = ScoreSheetFactory(member=world.conflicted_member, proposal=world.proposal_b)
    other = ScoreFactory(sheet=sheet, criterion=world.criteria[0], value=3, comment="Platypusremark")
    from hamafza.proposals.rules import can

    judge = world.users["judge"]
    assert not can(judge, "proposals.view_score", other)
    response = client_for(world, "judge").get(reverse("proposals:proposal_scores", args=[world.proposal_b.pk]))
    assert "Platypusremark" not in response.content.decode()
    Panel.objects.filter(pk=world.panel.pk).update(status=Panel.Status.CLOSED)
    assert can(judge, "proposals.view_score", other)
    response = client_for(world, "judge").get(reverse("proposals:proposal_scores", args=[world.proposal_b.pk]))
    assert "Platypusremark" in response.content.decode()
    # ...but never the conflicted judge's view of A, nor the applicant B before the results.
    assert not can(world.users["judge_conflict"], "proposals.view_score", world.score)
    assert not can(world.users["applicant_b"], "proposals.view_score", other)


@pytest.mark.django_db
def test_drafts_are_the_applicants_business(world):
    from hamafza.proposals.rules import can
    from hamafza.proposals.tests.factories import ProposalFactory

    draft = ProposalFactory(call=world.call, status="draft", title="Draftonly")
    for who in ("manager", "judge"):
        assert not can(world.users[who], "proposals.view_proposal", draft)
    response = client_for(world, "manager").get(reverse("proposals:proposal_detail", args=[draft.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_list_does_not_query_per_row(world, django_assert_max_num_queries):
    from hamafza.proposals.tests.factories import ProposalFactory

    for _ in range(15):
        ProposalFactory(call=world.call)
    client = client_for(world, "manager")
    # visibility resolves its ids first (issue 19: one query) and the consortium readers (a hook)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("proposals:proposal_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/proposals/") >= 17
