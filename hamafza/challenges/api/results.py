"""The public results of a call, once published."""

from __future__ import annotations

from typing import Literal

from django.http import Http404
from ninja import Field, Query, Schema

from hamafza.challenges.api.common import call_for
from hamafza.challenges.models import Call, CallResult
from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import id_param
from hamafza.core.api.routers import ApiRouter

router = ApiRouter()

Outcome = Literal[tuple(CallResult.Outcome.values)]  # type: ignore[valid-type]


class ResultOut(Schema):
    organization: str | None = Field(description="The organization's slug, if it is in the directory.")
    name: str = Field(alias="display_name")
    outcome: Outcome
    public_reason: str
    rank: int | None

    @staticmethod
    def resolve_organization(obj: CallResult) -> str | None:
        return obj.organization.slug if obj.organization_id else None


class ResultFilters(ListQuery):
    outcome: Outcome | None = None


@router.get(
    "/calls/{call_id}/results",
    response=page_of(ResultOut),
    auth=PUBLIC,
    summary="The public results of a call",
    description="Once its results are published (404 before): awarded first, by rank.",
)
def result_list(request, filters: Query[ResultFilters], call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id)
    if call.state != Call.State.RESULTS_PUBLISHED:
        raise Http404
    qs = call.results.select_related("organization").order_by("outcome", "rank", "pk")
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return paginate(qs, filters)
