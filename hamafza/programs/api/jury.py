"""The jury of a pitch event without a linked call (ADR 0030): the organisers set it up here (as on
the event's manage page) and read its state and ranking. Judges, rubric, scoring, conflict
declarations and score sheets are the evaluation API of its hidden call (``/calls/{call_id}/panel…``,
``/judging…``); the ranking is published with the pitch results (``POST …/pitch-results``)."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Schema, Status

from hamafza.core.api.params import id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.programs import selectors, services
from hamafza.programs.api.common import REFUSED_DOC, event_for

router = ApiRouter()


class JuryRankOut(Schema):
    pitch: int = Field(description="The pitch's id.")
    rank: int | None
    score: float | None = Field(description="The aggregated score, 0–100 (none before a complete sheet).")
    judges: int = Field(description="How many judges' complete sheets count.")
    disagreement: bool


class JuryOut(Schema):
    call: int = Field(description="The jury's hidden call; its evaluation API manages judges, rubric and scoring.")
    panel: int | None
    status: str | None = Field(description="The panel's status: setup, scoring or closed.")
    judges: int
    criteria: int
    ranking: list[JuryRankOut] = Field(
        description="The panel's aggregated ranking of the line-up (empty for a platform admin, who never reads "
        "scores)."
    )


def _jury_out(event, user) -> dict:
    jury = selectors.jury_of(event=event, user=user)
    panel = jury["panel"]
    return {
        "call": jury["call"].pk,
        "panel": panel.pk if panel else None,
        "status": panel.status if panel else None,
        "judges": jury["judges"],
        "criteria": jury["criteria"],
        "ranking": [
            {
                "pitch": row["pitch"].pk,
                "rank": row["result"].rank,
                "score": row["result"].score,
                "judges": row["result"].judges,
                "disagreement": bool(row["result"].disagreement),
            }
            for row in jury["ranking"]
        ],
    }


@router.get(
    "/events/{event_id}/jury",
    response=JuryOut,
    summary="The jury of a pitch event without a linked call",
    description="The organisers: its hidden call, panel, judges, rubric size and aggregated ranking. 404 "
    "when the event has no jury.",
)
def jury_detail(request, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    if not event.jury_call_id:
        raise Http404
    return _jury_out(event, request.user)


@router.post(
    "/events/{event_id}/jury",
    response={200: JuryOut, 201: JuryOut},
    summary="Set up the jury of a pitch event without a linked call",
    description="The organisers, as “Set up the jury” on the manage page: a hidden call with its panel, the "
    "line-up filed as its proposals. 201 when created, 200 when the event already has one. Then add judges "
    "and the rubric and start the scoring through `/calls/{call}/panel…`.",
    openapi_extra=REFUSED_DOC,
)
def jury_setup(request, event_id: int = id_param("The event's id.")):
    event = event_for(request, event_id, "programs.manage_event")
    existed = bool(event.jury_call_id)
    event = services.event_jury_setup(event=event, by=request.user)
    return Status(200 if existed else 201, _jury_out(event, request.user))
