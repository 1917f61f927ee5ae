"""Issue 19: the evaluation page's judges × proposals progress matrix is aggregated in the database
(counts per judge and per proposal in grouped queries), paged by proposals, and costs a constant
number of queries whatever the size of the panel and the call."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.proposals.models import ConflictDeclaration, Proposal, ScoreSheet
from hamafza.proposals.selectors import panel_progress, submitted_proposals
from hamafza.proposals.tests import factories as f
from hamafza.proposals.tests.test_evaluation import login

pytestmark = pytest.mark.django_db


def _reference(panel) -> dict[tuple[int, int], str]:
    """The cell states computed the plain way (the former Python matrix), for comparison."""
    members = list(panel.members.all())
    proposals = list(submitted_proposals(call=panel.call))
    n_criteria = panel.criteria.count()
    out = {}
    for m in members:
        for p in proposals:
            d = ConflictDeclaration.objects.filter(member=m, proposal=p).first()
            s = ScoreSheet.objects.filter(member=m, proposal=p).first()
            n = s.scores.count() if s else 0
            if d is None:
                state = "undeclared"
            elif d.has_conflict:
                state = "conflict"
            elif s is not None and s.completed_at and n >= n_criteria:
                state = "complete"
            elif s is not None and n:
                state = "partial"
            else:
                state = "todo"
            out[(m.pk, p.pk)] = state
    return out


def _grow(world, n_proposals, n_judges, seed):
    """More proposals and judges with every kind of cell: conflict, complete, partial (a sheet with
    one score of two), todo (declared, nothing scored), undeclared; and one draft proposal, which
    is not in the matrix."""
    criteria = list(world.panel.criteria.all())
    members = [f.PanelMemberFactory(panel=world.panel) for _ in range(n_judges)]
    proposals = [f.ProposalFactory(call=world.call) for _ in range(n_proposals)]
    f.ProposalFactory(call=world.call, status=Proposal.Status.DRAFT)
    for i, (m, p) in enumerate((m, p) for m in members for p in proposals):
        kind = (i + seed) % 5
        if kind == 4:
            continue  # undeclared
        f.DeclarationFactory(member=m, proposal=p, has_conflict=kind == 0)
        if kind in (1, 2):
            sheet = f.ScoreSheetFactory(member=m, proposal=p, completed_at=timezone.now() if kind == 1 else None)
            for c in criteria[: 2 if kind == 1 else 1]:
                f.ScoreFactory(sheet=sheet, criterion=c)
    return members, proposals


def test_the_matrix_agrees_with_the_plain_computation_on_every_page(world):
    _grow(world, 7, 3, seed=1)
    expected = _reference(world.panel)
    seen = {}
    first = panel_progress(panel=world.panel, per_page=4)
    assert first["pages"] == 3 and first["total_proposals"] == 9
    for page in range(1, first["pages"] + 1):
        progress = panel_progress(panel=world.panel, page=page, per_page=4)
        assert len(progress["proposals"]) == (4 if page < 3 else 1)
        for row in progress["rows"]:
            for cell in row["cells"]:
                seen[(row["member"].pk, cell["proposal"].pk)] = cell["state"]
        for col in progress["columns"]:
            states = [expected[(m.pk, col["proposal"].pk)] for m in progress["members"]]
            assert col["counts"] == {
                s: states.count(s) for s in ("conflict", "complete", "partial", "todo", "undeclared")
            }
            assert col["missing"] == sum(states.count(s) for s in ("undeclared", "partial", "todo"))
    assert seen == expected
    for row in first["rows"]:
        states = [s for (m, _p), s in expected.items() if m == row["member"].pk]
        assert row["missing"] == sum(states.count(s) for s in ("undeclared", "partial", "todo"))
    assert first["missing"] == sum(1 for s in expected.values() if s in ("undeclared", "partial", "todo"))
    assert {"complete", "partial", "conflict", "undeclared", "todo"} <= set(expected.values())


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_evaluation_page_costs_the_same_queries_for_a_bigger_panel(world, city):
    manager = login(world.users["manager"])
    url = reverse("proposals:evaluation", args=[world.call.pk])
    small, _ = _count(manager, url)
    _grow(world, 30, 4, seed=2)
    # judges of the city who are not on the panel yet (the "add a judge" list)
    for _ in range(3):
        user_with_role(CityRole.Role.JUDGE, city)
    big, html = _count(manager, url)
    assert big == small
    # one page of 25 proposals (columns) of the 32, 6 judges
    assert html.count('data-state="') == 6 * 25
    assert "?progress_page=2#progress" in html
    with CaptureQueriesContext(connection) as ctx:
        manager.get(url)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"] and "declaration" in q["sql"]]
    assert len(grouped) >= 2  # per judge and per proposal, in the database
    _, page2 = _count(manager, url + "?progress_page=۲")
    assert page2.count('data-state="') == 6 * 7


def test_a_bad_progress_page_is_a_400_in_the_users_language(world):
    manager = login(world.users["manager"])
    url = reverse("proposals:evaluation", args=[world.call.pk])
    response = manager.get(url + "?progress_page=abc")
    assert response.status_code == 400
    assert "شمارهٔ صفحهٔ جدول پیشرفت باید عدد باشد." in response.content.decode()
    assert manager.get(url + "?progress_page=999").status_code == 200  # past the end: the last page


def test_the_matrix_is_not_visible_to_judges_or_applicants(world):
    url = reverse("proposals:evaluation", args=[world.call.pk])
    for who in ("judge", "applicant_a", "manager_other_city"):
        assert login(world.users[who]).get(url).status_code in (403, 404), who
