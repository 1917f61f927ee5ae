"""The innovation manager's outcome of an evaluation: the panel's ranking, the shortlist and the
decision on each proposal (after the panel has closed, before the results are published)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from hamafza.core.api.lists import ListQuery
from hamafza.core.api.params import NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import ApiError, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import REFUSED_NOW_DOC, managed_panel, proposal_for
from hamafza.proposals.models import Proposal
from hamafza.proposals.rules import can

router = ApiRouter(refused_as="proposal")


class RankedProposalOut(Schema):
    proposal: int = Field(description="The proposal's id.")
    title: str
    organization: str = Field(description="The applicant organization's slug.")
    rank: int | None = Field(description="Rank by the panel's aggregation; null while no judge has scored it.")
    score: float | None = Field(description="Aggregated score, 0–100 (z-scores when the panel normalises).")
    judges: int = Field(description="Judges whose complete sheets count (declared conflicts excluded).")
    spread: float = Field(description="Spread of the judges' totals.")
    disagreement: bool = Field(description="True when the spread is above the panel's disagreement threshold.")
    shortlisted: bool
    decision: str = Field(description="pending, awarded or not_awarded.")


class RankingOut(Schema):
    call: int
    method: str = Field(description="The panel's aggregation: weighted mean, median or trimmed mean.")
    normalise: bool = Field(description="Per-judge z-score normalisation.")
    count: int = Field(description="Submitted proposals in the whole ranking (exact).")
    count_exact: bool = Field(description="Always true: the ranking is computed over the whole panel.")
    page: int = Field(description="This page's number.")
    page_size: int = Field(description="Items per page.")
    pages: int = Field(description="Number of pages (at least 1).")
    has_next: bool = Field(description="Whether a next page exists.")
    proposals: list[RankedProposalOut] = Field(description="This page of the ranking, best first.")


class RankingQuery(ListQuery):
    page_size: int = Field(
        selectors.RANKING_PAGE, ge=1, le=100, description="Items per page (1–100; the evaluation page's 25 by default)."
    )


@router.get(
    "/calls/{call_id}/ranking",
    response=RankingOut,
    summary="The panel's ranking of a call's submitted proposals",
    description="The city's innovation managers (403 for others who may see the call; 404 before the panel "
    "exists): the aggregated scores and ranks as the evaluation page shows them, with the panel's aggregation "
    "settings, disagreement flags, the shortlist and the decisions. Paginated like every list (`page`, "
    "`page_size`); the ranks are over the whole panel. A page past the last is 404.",
)
def panel_ranking(request, query: Query[RankingQuery], call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    ranking = selectors.panel_ranking(panel=panel, page=query.page, per_page=query.page_size)
    if query.page > ranking["pages"]:
        raise ApiError(
            404,
            "not_found",
            _("Page %(page)s does not exist; the last page is %(pages)s.")
            % {"page": query.page, "pages": ranking["pages"]},
            errors=[{"name": "query.page", "message": _("No such page.")}],
        )
    rows = []
    for row in ranking["rows"]:
        proposal, result = row["proposal"], row["result"]
        rows.append(
            {
                "proposal": proposal.pk,
                "title": proposal.title,
                "organization": proposal.organization.slug,
                "rank": result.rank,
                "score": result.score,
                "judges": result.judges,
                "spread": result.spread,
                "disagreement": result.disagreement,
                "shortlisted": proposal.shortlisted,
                "decision": proposal.decision,
            }
        )
    return {
        "call": panel.call_id,
        "method": panel.method,
        "normalise": panel.normalise,
        "count": ranking["total"],
        "count_exact": True,
        "page": ranking["page"],
        "page_size": ranking["per_page"],
        "pages": ranking["pages"],
        "has_next": ranking["has_next"],
        "proposals": rows,
    }


class DecisionOut(Schema):
    proposal: int = Field(alias="pk")
    decision: Literal[tuple(Proposal.Decision.values)]  # type: ignore[valid-type]
    reason: str = Field(alias="decision_reason")
    shortlisted: bool
    decided_at: datetime.datetime | None


def _decided_proposal(request, proposal_id: int) -> Proposal:
    """The proposal if the caller may see it (else 404) and decide on it (else 403)."""
    proposal = proposal_for(request, proposal_id)
    if not can(request.user, "proposals.decide_proposal", proposal):
        raise PermissionDenied
    return proposal


class ShortlistIn(InputSchema):
    shortlisted: bool = Field(description="true: put it on the shortlist; false: take it off.")


@router.post(
    "/proposals/{proposal_id}/shortlist",
    response=DecisionOut,
    summary="Shortlist a proposal (or take it off)",
    description="The city's innovation managers, after the panel has closed and before the results are "
    "published (else 409 `refused`). 404 unless you may see the proposal, 403 if you may see it but not decide.",
    openapi_extra=REFUSED_NOW_DOC,
)
def proposal_shortlist(request, payload: ShortlistIn, proposal_id: int = id_param("The proposal's id.")):
    proposal = _decided_proposal(request, proposal_id)
    return services.proposal_shortlist(proposal=proposal, by=request.user, shortlisted=payload.shortlisted)


class DecisionIn(InputSchema):
    awarded: bool = Field(description="true: awarded; false: not awarded.")
    reason: str = Field(
        min_length=1,
        max_length=5000,
        pattern=NO_NUL,
        description="Shown to the applicant and, when awarded, on the public results.",
    )
    shortlisted: bool | None = Field(None, description="Also put it on (or take it off) the shortlist.")


@router.post(
    "/proposals/{proposal_id}/decision",
    response=DecisionOut,
    summary="Decide on a proposal",
    description="The city's innovation managers, after the panel has closed and before the results are "
    "published (else 409 `refused`). 404 unless you may see the proposal, 403 if you may see it but not "
    "decide. With `shortlisted`, the shortlist changes in the same step.",
    openapi_extra=REFUSED_NOW_DOC,
)
def proposal_decision(request, payload: DecisionIn, proposal_id: int = id_param("The proposal's id.")):
    proposal = _decided_proposal(request, proposal_id)
    decision = Proposal.Decision.AWARDED if payload.awarded else Proposal.Decision.NOT_AWARDED
    try:
        with transaction.atomic():  # both or neither
            if payload.shortlisted is not None:
                services.proposal_shortlist(proposal=proposal, by=request.user, shortlisted=payload.shortlisted)
            return services.proposal_decide(
                proposal=proposal, by=request.user, decision=decision, reason=payload.reason
            )
    except ValidationError as exc:
        raise invalid_parameters(
            [
                {"name": f"body.{'reason' if key == 'reason' else 'awarded'}", "message": message}
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from exc
