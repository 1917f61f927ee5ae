"""Issue 19: the evaluation page's judges × proposals progress matrix is aggregated in the database
(counts per judge and per proposal in grouped queries), paged by proposals, and costs a constant
number of queries whatever the size of the panel and the call."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.core.tests.plans import plan_of, requires_postgres
from hamafza.proposals.models import ConflictDeclaration, Proposal, ScoreSheet
from hamafza.proposals.selectors import _declared_states, panel_progress, panel_totals, submitted_proposals
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


EVALUATION_QUERIES = 18  # the manager's evaluation page, whatever the size of the panel and the call


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
    assert big <= EVALUATION_QUERIES
    with CaptureQueriesContext(connection) as ctx:
        manager.get(url)
    sqls = [q["sql"] for q in ctx.captured_queries]
    # the counts per judge are grouped in the database; the counts per proposal are the page's cells
    assert sum('COUNT("proposals_conflictdeclaration"."id")' in sql for sql in sqls) == 1
    assert sum(sql.startswith('SELECT "proposals_conflictdeclaration"') for sql in sqls) == 2
    # the rubric is read once for the whole page (progress, ranking, the criteria's table)
    assert sum(sql.startswith('SELECT "proposals_rubriccriterion"."id"') for sql in sqls) == 1
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


@requires_postgres
def test_a_cells_sheet_is_found_by_judge_and_proposal(world):
    """Issue 19: each declared cell looks its sheet up once, by (judge, proposal) through
    ``scoresheet_unique``: one subquery per cell (there were three: the scores, the completion and
    the scores again), never the judge's index with the proposal as a filter, which read every
    sheet of the judge for each cell (733 cells: 34 ms at the national volume)."""
    _grow(world, 3, 2, seed=1)
    per_judge = (
        _declared_states(world.panel, world.panel.criteria.count())
        .values_list("member_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    plan = plan_of(per_judge)
    assert "SubPlan 1" in plan and "SubPlan 2" not in plan, plan  # one subquery per cell
    assert "on proposals_scoresheet" in plan and "using scoresheet_unique" in plan, plan
    assert (
        "Index Cond: ((member_id = proposals_conflictdeclaration.member_id) "
        "AND (proposal_id = proposals_conflictdeclaration.proposal_id))"
    ) in plan, plan


def test_the_totals_are_the_plain_computation(world):
    """The judges' totals (read in one query of scores with their sheets' judge and proposal) are
    those of the complete sheets of judges without a conflict, as computed sheet by sheet."""
    members, proposals = _grow(world, 6, 3, seed=3)
    criteria = list(world.panel.criteria.all())
    # an undeclared cell of _grow (kind 4) given a complete sheet, then a conflict: it does not count
    sheet = f.ScoreSheetFactory(member=members[0], proposal=proposals[1], completed_at=timezone.now())
    for i, c in enumerate(criteria):
        f.ScoreFactory(sheet=sheet, criterion=c, value=3 + i)
    f.DeclarationFactory(member=members[0], proposal=proposals[1], has_conflict=True)
    expected = {}
    for s in ScoreSheet.objects.filter(member__panel=world.panel, completed_at__isnull=False):
        if ConflictDeclaration.objects.filter(member=s.member, proposal=s.proposal, has_conflict=True).exists():
            continue
        values = {sc.criterion_id: sc.value for sc in s.scores.all()}
        if len(values) == len(criteria) and s.proposal.status == Proposal.Status.SUBMITTED:
            weight = sum(c.weight for c in criteria)
            expected[(s.member_id, s.proposal_id)] = (
                sum(c.weight * values[c.pk] / c.scale_max for c in criteria) / weight * 100
            )
    totals = panel_totals(panel=world.panel)
    assert totals.keys() == expected.keys() and len(totals) >= 3
    assert all(abs(totals[k] - expected[k]) < 1e-9 for k in expected)
    assert (members[0].pk, proposals[1].pk) not in totals
