"""Reads for proposals and their evaluation.

Confidentiality is decided HERE, once: ``proposals_visible_to(user)`` is the only definition of
who may see a proposal, and every path that shows proposals (detail, lists, search, dashboard
counts, CSV/Excel exports, attachment downloads, the API) starts from it or from the querysets
built on it (``attachments_visible_to``, ``scores_visible_to``). The rules predicates in
``proposals.rules`` ask the same querysets, so a page, a count and an export can never disagree.

A proposal is visible to:
* members of the applicant organization (drafts, submitted and withdrawn proposals);
* readers granted by a higher app through ``hooks.proposal_readers`` (the admins of every member
  organization of a consortium, for the consortium's application);
* the innovation managers of the call's city (submitted proposals only: a draft or a withdrawn
  proposal is the applicant's business);
* judges of the call's panel who declared *no* conflict for that proposal (submitted only).
Everyone else (other applicants, other cities' managers, unit staff, unassigned judges, judges
with a conflict, visitors, platform staff in the web UI) gets nothing, which views turn into 404.
"""

from __future__ import annotations

import operator
from functools import cached_property, reduce

import rules
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import city_ids_with_role, roles_of
from hamafza.core import hooks
from hamafza.core.text import words
from hamafza.directory.models import Organization, OrganizationMembership
from hamafza.proposals import aggregation
from hamafza.proposals.models import (
    ConflictDeclaration,
    Panel,
    PanelInvitation,
    PanelMember,
    Proposal,
    ProposalAttachment,
    RubricCriterion,
    Score,
    ScoreSheet,
)

MAX_QUERY_LENGTH = 200


# --- Confidentiality: the one definition -------------------------------------------------------


def _visible_ids(user) -> tuple[set[int], set[int]]:
    """(the user's organization ids, the proposal ids they judge without a conflict): one query.

    Resolving these ids first lets the visibility condition be a plain ``IN`` on indexed columns
    (a BitmapOr of index scans on PostgreSQL) instead of a correlated EXISTS, which made the
    planner scan the whole proposals table (issue 19)."""
    orgs = OrganizationMembership.objects.filter(user_id=user.pk).values_list(Value("o"), "organization_id")
    cleared = ConflictDeclaration.objects.filter(
        has_conflict=False, member__user_id=user.pk, member__panel__call_id=F("proposal__call_id")
    ).values_list(Value("j"), "proposal_id")
    org_ids, judged_ids = set(), set()
    for kind, pk in orgs.union(cleared, all=True):
        (org_ids if kind == "o" else judged_ids).add(pk)
    return org_ids, judged_ids


def _visibility_condition(user) -> Q | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    org_ids, judged_ids = _visible_ids(user)
    manager_cities = city_ids_with_role(user, CityRole.Role.INNOVATION_MANAGER)
    parts = []
    if org_ids:
        parts.append(Q(organization_id__in=sorted(org_ids)))
    if manager_cities:
        # The city ids as bigint, the column's type: Django sends a plain int as an int4 literal and
        # btree_gin (the per-city trigram index proposal_city_search_trgm, ADR 0027 addendum) has no
        # cross-type operators, so `city_id = 1` could not use it and a search rechecked every
        # national match on the heap.
        in_cities = reduce(
            operator.or_, (Q(city_id=Cast(Value(pk), BigIntegerField())) for pk in sorted(manager_cities))
        )
        parts.append(in_cities & Q(status=Proposal.Status.SUBMITTED))
    if judged_ids:
        parts.append(Q(pk__in=sorted(judged_ids), status=Proposal.Status.SUBMITTED))
    for readers in hooks.proposal_readers.results(user):
        # more readers (e.g. the member organizations of a consortium): a short list of ids
        reader_ids = sorted(set(readers))
        if reader_ids:
            parts.append(Q(pk__in=reader_ids))
    if not parts:
        return None
    return reduce(operator.or_, parts)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Every proposal `user` may see (see the module docstring). The base of every read."""
    condition = _visibility_condition(user)
    if condition is None:
        return Proposal.objects.none()
    return Proposal.objects.filter(condition)


def attachments_visible_to(user) -> QuerySet[ProposalAttachment]:
    return ProposalAttachment.objects.filter(proposal__in=proposals_visible_to(user).values("pk"))


def scores_visible_to(user) -> QuerySet[Score]:
    """Scores `user` may see: the judge's own; the call's managers all; other judges' scores only
    after the panel closed (and only for proposals the judge may see); the applicant's members
    once the call's results are published."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Score.objects.none()
    visible = proposals_visible_to(user)
    manager_cities = city_ids_with_role(user, CityRole.Role.INNOVATION_MANAGER)
    member_orgs = OrganizationMembership.objects.filter(user_id=user.pk).values("organization_id")
    condition = Q(sheet__member__user_id=user.pk, sheet__proposal__in=visible.values("pk"))
    condition |= Q(sheet__proposal__city_id__in=manager_cities, sheet__proposal__status=Proposal.Status.SUBMITTED)
    condition |= Q(
        sheet__proposal__in=visible.filter(call__panel__members__user_id=user.pk).values("pk"),
        sheet__member__panel__status=Panel.Status.CLOSED,
    )
    condition |= Q(
        sheet__proposal__organization_id__in=member_orgs,
        sheet__proposal__status=Proposal.Status.SUBMITTED,
        sheet__proposal__call__state="results_published",
    )
    # Scores of a judge who declared a conflict never count and are never shown.
    conflicted = ConflictDeclaration.objects.filter(
        member_id=OuterRef("sheet__member_id"), proposal_id=OuterRef("sheet__proposal_id"), has_conflict=True
    )
    return Score.objects.filter(condition).exclude(Exists(conflicted))


def proposal_get_for(*, user, pk: int) -> Proposal:
    """The proposal if `user` may see it, else 404 (never 403: existence is confidential too)."""
    try:
        return (
            proposals_visible_to(user)
            .select_related("call", "call__city", "organization", "city")
            .prefetch_related("attachments", "receipts")
            .get(pk=pk)
        )
    except (Proposal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such proposal") from exc


def attachment_get_for(*, user, pk: int) -> ProposalAttachment:
    try:
        return attachments_visible_to(user).select_related("proposal").get(pk=pk)
    except (ProposalAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such attachment") from exc


def proposal_list_for(
    *,
    user,
    q: str = "",
    call_id: int | None = None,
    status: str = "",
    visible: QuerySet[Proposal] | None = None,
    blind: set[int] | None = None,
) -> QuerySet[Proposal] | MatchedProposals:
    """The proposals list and search: the visible set, filtered; no query per row. `visible`
    (``proposals_visible_to(user)``) and `blind` (``blind_call_ids_for(user=user)``): when the
    page has read them already, so each is resolved once per request."""
    visible = proposals_visible_to(user) if visible is None else visible
    qs = visible
    if call_id:
        qs = qs.filter(call_id=call_id)
    if status:
        qs = qs.filter(status=status)
    tokens = words(q)[:12]
    if tokens:
        blind = blind_call_ids_for(user=user) if blind is None else blind
        base = qs.order_by()
        ordered = None
        for i, token in enumerate(tokens):
            # Each word: a semi-join on the union of two index lookups within the visible set, the
            # proposal's folded text (trigram index) or the applicant's (trigram index, then the
            # proposals by organization), never an OR across the join to organizations, which made
            # PostgreSQL read every visible proposal's text (issue 19). A judge of a blind review
            # cannot find proposals by the applicant's name.
            by_text = base.filter(search_text__contains=token).values("pk")
            applicants = Organization.objects.filter(search_text__contains=token).order_by().values("pk")
            by_applicant = base.filter(organization_id__in=applicants).exclude(call_id__in=blind).values("pk")
            if i == len(tokens) - 1:
                # The ids in the list's order straight from the last word's union, its branches
                # within the visible set already narrowed by the earlier words (so the same rows):
                # not the visible set read again and joined to the union, as `qs` would (issue 19).
                within = qs.order_by()
                columns = ("pk", "submitted_at", "created_at")
                ordered = (
                    within.filter(search_text__contains=token)
                    .values_list(*columns)
                    .union(
                        within.filter(organization_id__in=applicants).exclude(call_id__in=blind).values_list(*columns)
                    )
                    .order_by(*LIST_ORDER)
                )
            qs = qs.filter(pk__in=by_text.union(by_applicant))
        return MatchedProposals(qs.order_by(*LIST_ORDER), visible=visible, ordered=ordered)
    return qs.select_related("call", "city", "organization").order_by(*LIST_ORDER)


LIST_ORDER = ("-submitted_at", "-created_at", "-pk")


class MatchedProposals:
    """A search of the proposals list, resolved once: the ids of the visible matches in the list's
    order (one query), then a page is read by id.

    The matching (a union of trigram lookups per word) is the expensive part of a search; a
    queryset ran it twice per page (the capped count and the page) and joined the call and the
    applicant of every match before sorting (issue 19: 1.5 s of SQL for a common word searched by
    Tehran's manager). Paginators count it with ``count_up_to``; ``order_by`` gives a plain
    queryset in another order (the API's ``ordering``). The rows of a page are read through
    ``visible`` (``proposals_visible_to``), the same rule the ids came from."""

    ordered = True

    def __init__(self, matches: QuerySet[Proposal], *, visible: QuerySet[Proposal], ordered=None):
        self._matches = matches
        self._ordered = ordered  # (pk, ...) rows of the same matches in the list's order, when cheaper
        self._visible = visible.select_related("call", "city", "organization")

    @cached_property
    def _ids(self) -> list[int]:
        if self._ordered is not None:
            return [row[0] for row in self._ordered]
        return list(self._matches.values_list("pk", flat=True))

    def order_by(self, *fields) -> QuerySet[Proposal]:
        return self._matches.select_related("call", "city", "organization").order_by(*fields)

    def count_up_to(self, limit: int) -> int:
        return min(len(self._ids), limit + 1)

    def count(self) -> int:
        return len(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        ids = self._ids[item]
        position = {pk: i for i, pk in enumerate(ids)}
        return sorted(self._visible.filter(pk__in=ids), key=lambda p: position[p.pk]) if ids else []

    def __iter__(self):
        return iter(self[0:None])


def blind_call_ids_for(*, user) -> set[int]:
    """Calls whose applicants' identity is hidden from `user`: blind-review panels they judge,
    unless they manage the call's city."""
    if user is None or not user.is_authenticated:
        return set()
    managed = city_ids_with_role(user, CityRole.Role.INNOVATION_MANAGER)
    return set(
        PanelMember.objects.filter(user_id=user.pk, panel__blind_review=True)
        .exclude(panel__city_id__in=managed)
        .values_list("panel__call_id", flat=True)
    )


def mark_identities(*, user, proposals, blind: set[int] | None = None) -> list[Proposal]:
    """Blind review, the one rule for the pages and the API: sets ``hide_identity`` on each proposal
    (the judges of a blind panel do not see who applied, unless they are members of the applicant).
    At most two queries for the whole list, whatever its length. `blind`: the user's
    ``blind_call_ids_for`` when the page has read them already."""
    proposals = list(proposals)
    blind = blind_call_ids_for(user=user) if blind is None else blind
    mine = set()
    if blind and any(p.call_id in blind for p in proposals):
        mine = set(OrganizationMembership.objects.filter(user_id=user.pk).values_list("organization_id", flat=True))
    for proposal in proposals:
        proposal.hide_identity = proposal.call_id in blind and proposal.organization_id not in mine
    return proposals


def judges_shown_to(*, user, proposal: Proposal) -> bool:
    """Whether `user` sees which judge gave which score of `proposal`: the applicant's members do not
    once the results are published; the city's innovation managers and the judges always do."""
    if rules.has_perm("proposals.manage_evaluation", user, proposal.call):
        return True
    if proposal.call.state != "results_published":
        return True
    return not OrganizationMembership.objects.filter(user_id=user.pk, organization_id=proposal.organization_id).exists()


def proposal_counts_for(*, user, call_ids, visible: QuerySet[Proposal] | None = None) -> list[dict]:
    """Counts per call of the proposals `user` may see, for the calls `call_ids` only (the calls of
    the page shown, or the one filtered on): [{call_id, call__title, n}]. Bounded on purpose: over
    every visible proposal it grouped a whole city's calls on each request (issue 19). `visible`:
    ``proposals_visible_to(user)`` when the page has read it already."""
    call_ids = sorted({pk for pk in call_ids if pk})
    if not call_ids:
        return []
    return list(
        (proposals_visible_to(user) if visible is None else visible)
        .filter(call_id__in=call_ids)
        .values("call_id", "call__title")
        .annotate(n=Count("id"))
        .order_by("call__title", "call_id")
    )


def proposal_for_applicant(*, call, organization) -> Proposal | None:
    return Proposal.objects.filter(call=call, organization=organization).first()


EXPORT_FIELDS = (
    "pk",
    "organization",
    "organization__name",
    "title",
    "status",
    "submitted_at",
    "budget_rial",
    "receipt_hash",
    "shortlisted",
    "decision",
)


def proposals_of_call_for_export(*, user, call) -> QuerySet[Proposal]:
    """What the manager's CSV/Excel export contains: the same visible set, for one call."""
    attachments = (
        ProposalAttachment.objects.filter(proposal_id=OuterRef("pk"))
        .order_by()
        .values("proposal_id")
        .annotate(n=Count("pk"))
    )
    return (
        proposals_visible_to(user)
        .filter(call=call)
        .select_related("organization")
        .only(*EXPORT_FIELDS)
        # a subquery per row read (index on the attachment's proposal), not a GROUP BY of every column
        .annotate(n_attachments=Coalesce(Subquery(attachments.values("n")), 0))
        .order_by("pk")
    )


# --- Panels ------------------------------------------------------------------------------------


def panel_for_call(*, call) -> Panel | None:
    return Panel.objects.filter(call=call).select_related("call", "city").first()


def panel_member_get(*, user, panel) -> PanelMember | None:
    if user is None or not user.is_authenticated or panel is None:
        return None
    return PanelMember.objects.filter(panel=panel, user_id=user.pk).first()


def panel_members(*, panel) -> QuerySet[PanelMember]:
    return panel.members.select_related("user").order_by("created_at", "pk")


def panel_invitations(*, panel) -> QuerySet[PanelInvitation]:
    return panel.invitations.order_by("-created_at", "-pk")


def rubric(*, panel) -> list[RubricCriterion]:
    return list(panel.criteria.order_by("position", "pk"))


def city_judges_available(*, panel) -> QuerySet:
    """Users with the judge role in the panel's city who are not yet members."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(city_roles__city_id=panel.city_id, city_roles__role=CityRole.Role.JUDGE, is_active=True)
        .exclude(panel_memberships__panel=panel)
        .distinct()
        .order_by("email")
    )


def submitted_proposals(*, call) -> QuerySet[Proposal]:
    """Submitted proposals of a call (for the panel's own maths and progress; callers are the
    manager's pages, which check `proposals.manage_evaluation` first)."""
    return Proposal.objects.filter(call=call, status=Proposal.Status.SUBMITTED).select_related("organization")


class JudgeQueue:
    """For a judge: every submitted proposal of the panels they sit on that are scoring or closed,
    by call, with their declaration and sheet. Only the applicant's name and the title are shown
    before the declaration (a conflict is judged from who applies).

    A sequence that pages in the database (issue 19: a judge of fifteen panels had 700 rows
    built and rendered per request): ``count_up_to`` counts the proposals, a slice reads one page
    of them and the judge's declarations and sheets for that page only. `declaration` ("none",
    "clear", "conflict") keeps the proposals with that declaration, in SQL."""

    ordered = True

    def __init__(self, *, user, declaration: str | None = None):
        self._members = list(
            PanelMember.objects.filter(
                user_id=user.pk, panel__status__in=[Panel.Status.SCORING, Panel.Status.CLOSED]
            ).select_related("panel", "panel__call")
        )
        self._by_call = {m.panel.call_id: m for m in self._members}
        member_ids = [m.pk for m in self._members]
        qs = Proposal.objects.filter(call_id__in=list(self._by_call), status=Proposal.Status.SUBMITTED)
        if declaration:
            mine = ConflictDeclaration.objects.filter(proposal_id=OuterRef("pk"), member_id__in=member_ids)
            if declaration == "none":
                qs = qs.exclude(Exists(mine))
            else:
                qs = qs.filter(Exists(mine.filter(has_conflict=declaration == "conflict")))
        self._proposals = qs.order_by("call_id", "pk")
        self._member_ids = member_ids

    def count_up_to(self, limit: int) -> int:
        if not self._members:
            return 0
        return self._proposals.values("pk")[: limit + 1].count()

    def count(self) -> int:
        return self._proposals.count() if self._members else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        if not self._members:
            return []
        proposals = list(self._proposals.select_related("organization", "call")[item])
        ids = [p.pk for p in proposals]
        declarations = {
            (d.member_id, d.proposal_id): d
            for d in ConflictDeclaration.objects.filter(member_id__in=self._member_ids, proposal_id__in=ids)
        }
        sheets = {
            (s.member_id, s.proposal_id): s
            for s in ScoreSheet.objects.filter(member_id__in=self._member_ids, proposal_id__in=ids)
        }
        rows = []
        for p in proposals:
            member = self._by_call[p.call_id]
            rows.append(
                {
                    "proposal": p,
                    "member": member,
                    "panel": member.panel,
                    "declaration": declarations.get((member.pk, p.pk)),
                    "sheet": sheets.get((member.pk, p.pk)),
                }
            )
        return rows

    def __iter__(self):
        return iter(self[0:None])


def judge_queue(*, user, declaration: str | None = None) -> JudgeQueue:
    """The judge's queue (see ``JudgeQueue``); iterate it for every row, slice it for a page."""
    return JudgeQueue(user=user, declaration=declaration)


def sheet_get(*, member, proposal) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(member=member, proposal=proposal).prefetch_related("scores").first()


PROGRESS_PAGE = 25  # proposals (columns) per page of the progress matrix
CELL_STATES = ("complete", "partial", "conflict", "undeclared", "todo")
MISSING_STATES = ("undeclared", "partial", "todo")


def _declared_states(panel, n_criteria: int) -> QuerySet[ConflictDeclaration]:
    """The declarations of the panel's judges on the call's submitted proposals, each annotated
    with the state of its cell ("conflict", "complete", "partial", "todo"), computed in the
    database. A cell without a declaration is "undeclared".

    A declared cell without a conflict looks up its score sheet once: one correlated subquery
    that finds the sheet by (judge, proposal) through ``scoresheet_unique`` and counts its scores,
    answering the sheet's state; a cell without a sheet is "todo". (Two subqueries per cell, the
    sheet's scores and its completion, each found through the judge alone with the proposal as a
    filter, read every sheet of the judge per cell: 34 ms for 733 cells, issue 19.)"""
    sheet_state = (
        ScoreSheet.objects.filter(member_id=OuterRef("member_id"), proposal_id=OuterRef("proposal_id"))
        .annotate(n_scores=Count("scores"))
        .annotate(
            state=Case(
                When(completed_at__isnull=False, n_scores__gte=n_criteria, then=Value("complete")),
                When(n_scores__gt=0, then=Value("partial")),
                default=Value("todo"),
                output_field=CharField(),
            )
        )
        .order_by()
        .values("state")[:1]
    )
    return (
        ConflictDeclaration.objects.filter(
            member__panel=panel, proposal__call_id=panel.call_id, proposal__status=Proposal.Status.SUBMITTED
        )
        .annotate(
            state=Case(
                When(has_conflict=True, then=Value("conflict")),
                default=Coalesce(Subquery(sheet_state, output_field=CharField()), Value("todo")),
                output_field=CharField(),
            )
        )
        .order_by()
    )


def _state_counts(declared: QuerySet, by: str) -> dict[int, dict[str, int]]:
    """{member or proposal id: {state: count}} over declared cells, in one query grouped by (id,
    state): each cell's state (its subqueries) is computed once, not once per state counted (a
    FILTER per state evaluated the CASE four times per cell; issue 19)."""
    counts: dict[int, dict[str, int]] = {}
    for key, state, n in declared.values_list(by, "state").annotate(n=Count("pk")).order_by():
        counts.setdefault(key, dict.fromkeys(("conflict", "complete", "partial", "todo"), 0))[state] = n
    return counts


def panel_progress(*, panel, page: int = 1, per_page: int = PROGRESS_PAGE, criteria=None) -> dict:
    """Who scored what and what is missing: a matrix members × submitted proposals with the cell
    state ("conflict", "undeclared", "complete", "partial", "todo").

    The counts per judge (over every submitted proposal) are grouped in the database; the cells are
    read for one page of `per_page` proposals (columns) only, and the counts per proposal are those
    cells'. A fixed number of queries whatever the size of the panel or the call (issue 19).
    `criteria`: the panel's rubric when the caller has read it already."""
    members = list(panel_members(panel=panel))
    submitted = submitted_proposals(call=panel.call).order_by("pk")
    total = submitted.count()
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(int(page), 1), pages)
    proposals = list(submitted[(page - 1) * per_page : page * per_page])
    n_criteria = len(criteria) if criteria is not None else panel.criteria.count()
    declared = _declared_states(panel, n_criteria)
    per_member = _state_counts(declared, "member_id")
    ids = [p.pk for p in proposals]
    cells_of = {}
    per_proposal: dict[int, dict[str, int]] = {}
    for member_id, proposal_id, state in declared.filter(proposal_id__in=ids).values_list(
        "member_id", "proposal_id", "state"
    ):
        cells_of[(member_id, proposal_id)] = state
        counts = per_proposal.setdefault(proposal_id, dict.fromkeys(("conflict", "complete", "partial", "todo"), 0))
        counts[state] += 1
    rows = []
    missing_total = 0
    for m in members:
        counts = per_member.get(m.pk, {})
        counts = {s: counts.get(s, 0) for s in ("conflict", "complete", "partial", "todo")}
        counts["undeclared"] = total - sum(counts.values())
        missing = sum(counts[s] for s in MISSING_STATES)
        missing_total += missing
        cells = [{"proposal": p, "state": cells_of.get((m.pk, p.pk), "undeclared")} for p in proposals]
        rows.append({"member": m, "cells": cells, "missing": missing, "counts": counts})
    columns = []
    for p in proposals:
        counts = per_proposal.get(p.pk, {})
        counts = {s: counts.get(s, 0) for s in ("conflict", "complete", "partial", "todo")}
        counts["undeclared"] = len(members) - sum(counts.values())
        columns.append({"proposal": p, "counts": counts, "missing": sum(counts[s] for s in MISSING_STATES)})
    return {
        "members": members,
        "proposals": proposals,
        "columns": columns,
        "rows": rows,
        "missing": missing_total,
        "total_proposals": total,
        "page": page,
        "pages": pages,
        "has_previous": page > 1,
        "has_next": page < pages,
    }


def panel_totals(*, panel, criteria=None) -> dict[tuple[int, int], float]:
    """{(member_id, proposal_id): weighted total 0..100} over complete sheets of judges without a
    conflict (a declared conflict removes the judge from that proposal's aggregation).
    `criteria`: the panel's rubric when the caller has read it already."""
    criteria = [
        aggregation.Criterion(c.pk, c.weight, c.scale_max)
        for c in (criteria if criteria is not None else rubric(panel=panel))
    ]
    if not criteria:
        return {}
    conflicted = ConflictDeclaration.objects.filter(
        member_id=OuterRef("sheet__member_id"), proposal_id=OuterRef("sheet__proposal_id"), has_conflict=True
    )
    # Plain values in one query (each score with its sheet's judge and proposal), not model
    # instances: a panel of a large call has thousands of scores (issue 19).
    scores = (
        Score.objects.filter(
            sheet__member__panel=panel,
            sheet__completed_at__isnull=False,
            sheet__proposal__status=Proposal.Status.SUBMITTED,
        )
        .exclude(Exists(conflicted))
        .order_by()
        .values_list("sheet__member_id", "sheet__proposal_id", "criterion_id", "value")
    )
    values: dict[tuple[int, int], dict[int, object]] = {}
    for member_id, proposal_id, criterion_id, value in scores:
        values.setdefault((member_id, proposal_id), {})[criterion_id] = value
    totals = {}
    for key, sheet in values.items():
        try:
            totals[key] = aggregation.judge_total(sheet, criteria)
        except aggregation.AggregationError:
            continue  # a sheet made incomplete by a rubric change does not count
    return totals


RANKING_PAGE = 25  # proposals per page of the manager's ranking (the page and the API's default)


def panel_ranked(*, panel, criteria=None) -> list[aggregation.ProposalResult]:
    """The ranked results of the panel's submitted proposals with the panel's aggregation settings,
    as plain results (proposal ids, no model instances): the ranking needs every judge's totals
    (ranks, ties and the per-judge normalisation are over the whole panel) but not the proposals'
    rows, which a page reads for its own slice only (issue 19)."""
    ids = list(submitted_proposals(call=panel.call).order_by("pk").values_list("pk", flat=True))
    results = aggregation.aggregate(
        panel_totals(panel=panel, criteria=criteria),
        proposals=ids,
        method=panel.method,
        normalise=panel.normalise,
        trim=float(panel.trim),
        disagreement_threshold=float(panel.disagreement_threshold),
    )
    known = set(ids)
    return [r for r in results if r.proposal in known]


def _with_proposals(panel, results) -> list[dict]:
    """`[{"proposal", "result"}]` for these results, their proposals (and applicants) read in one query."""
    proposals = submitted_proposals(call=panel.call_id).in_bulk([r.proposal for r in results])
    return [{"proposal": proposals[r.proposal], "result": r} for r in results if r.proposal in proposals]


def panel_results(*, panel) -> list[dict]:
    """Every ranked result with its proposal (publishing the results, the demo); a page shows
    `panel_ranking` instead."""
    return _with_proposals(panel, panel_ranked(panel=panel))


def panel_ranking(*, panel, page: int = 1, per_page: int | None = None, criteria=None) -> dict:
    """One page of the panel's ranking (`rows` as `panel_results`), with the exact number of ranked
    proposals: the ranks are computed over the whole panel, the proposals read for the page only.
    A page past the last shows the last."""
    per_page = per_page or RANKING_PAGE
    results = panel_ranked(panel=panel, criteria=criteria)
    total = len(results)
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(int(page), 1), pages)
    start = (page - 1) * per_page
    return {
        "rows": _with_proposals(panel, results[start : start + per_page]),
        "total": total,
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "has_previous": page > 1,
        "has_next": page < pages,
    }


def results_public(*, call) -> list:
    """The call's public results rows (written by ``results_publish``)."""
    return list(call.results.select_related("organization").order_by("outcome", "rank", "pk"))


def has_panel_flag():
    """Navigation flag ``has_panel``: the user sits on a panel."""
    return Exists(PanelMember.objects.filter(user_id=OuterRef("pk")))


def navigation_entries(request, flags) -> list[dict]:
    """Navigation for the proposals app (order 80): "Proposals" for organization members and
    innovation managers, "Judging" for judges and panel members. The flags ``has_org`` (directory)
    and ``has_panel`` come from the navigation's one query."""
    user = request.user
    if not user.is_authenticated:
        return []
    roles = {r.role for r in roles_of(user)}
    items = []
    if flags.get("has_org") or CityRole.Role.INNOVATION_MANAGER in roles:
        items.append(
            {"label": pgettext_lazy("menu", "Proposals"), "url": reverse("proposals:proposal_list"), "group": "work"}
        )
    if flags.get("has_panel") or CityRole.Role.JUDGE in roles:
        items.append({"label": pgettext_lazy("menu", "Judging"), "url": reverse("proposals:judging"), "group": "work"})
    return items
