"""The judges' side of the evaluation: the judging queue, conflict-of-interest declarations and
score sheets. Scores are read through ``scores_visible_to`` (the one definition of who sees which
scores); a sheet saved elsewhere since the judge's ``version`` is a 409 ``conflict`` problem
carrying ``current_version``."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import REFUSED_DOC, PanelStatus, proposal_for, stale_version
from hamafza.proposals.models import Panel, Proposal, Score
from hamafza.proposals.rules import can

router = ApiRouter(refused_as="proposal")


class DeclarationIn(InputSchema):
    has_conflict: bool = Field(description="true: you have a conflict of interest with this applicant.")
    note: str = Field("", max_length=5000, pattern=NO_NUL)


class DeclarationOut(Schema):
    proposal: int = Field(alias="proposal_id")
    has_conflict: bool
    note: str
    declared_at: datetime.datetime


@router.post(
    "/proposals/{proposal_id}/conflict",
    response={201: DeclarationOut},
    summary="Declare a conflict of interest (or none)",
    description="A judge of the call's panel, while it is scoring, once per proposal and before seeing it. "
    "A conflict hides the proposal from you and leaves you out of its aggregation; no conflict opens it "
    "for scoring. 404 unless you may declare on it (as on the judging page).",
    openapi_extra=REFUSED_DOC,
)
def conflict_declare(request, payload: DeclarationIn, proposal_id: int = id_param("The proposal's id.")):
    # As the judging page: the proposal is not visible to the judge before the declaration, so the
    # rule that lets them declare (panel member, submitted, scoring) decides whether it exists.
    proposal = Proposal.objects.select_related("call").filter(pk=proposal_id).first()
    if proposal is None or not can(request.user, "proposals.declare_conflict", proposal):
        raise Http404
    declaration = services.conflict_declare(
        proposal=proposal, by=request.user, has_conflict=payload.has_conflict, note=payload.note
    )
    return Status(201, declaration)


class ScoreOut(Schema):
    judge: int | None = Field(description="The panel member's id (hidden from the applicant).")
    criterion: int = Field(alias="criterion_id", description="The rubric criterion's id.")
    criterion_name: str = Field(alias="criterion.name")
    scale_max: int = Field(alias="criterion.scale_max")
    value: int
    comment: str
    sheet_version: int = Field(
        alias="sheet.version", description="The version of the judge's sheet (send it back with PUT)."
    )
    sheet_complete: bool
    updated_at: datetime.datetime

    @staticmethod
    def resolve_judge(obj: Score, context) -> int | None:
        return obj.sheet.member_id if getattr(obj, "show_judge", True) else None

    @staticmethod
    def resolve_sheet_complete(obj: Score) -> bool:
        return obj.sheet.completed_at is not None


class ScoreFilters(ListQuery):
    pass


class ScoreIn(InputSchema):
    criterion: int = Field(ge=1, le=MAX_ID, description="A criterion of the panel's rubric (its id).")
    value: int | None = Field(ge=0, le=100, description="0 to the criterion's highest score; null clears it.")
    comment: str = Field("", max_length=5000, pattern=NO_NUL)


class SheetIn(InputSchema):
    version: int = Field(ge=0, le=MAX_ID, description="Your sheet's version as you read it (0 before the first save).")
    scores: list[ScoreIn] = Field(max_length=100)
    comment: str = Field("", max_length=20_000, pattern=NO_NUL, description="An overall comment.")
    complete: bool = Field(False, description="Mark the sheet complete: every criterion must be scored.")


class SheetOut(Schema):
    proposal: int = Field(alias="proposal_id")
    version: int
    comment: str
    complete: bool
    scores: list[ScoreIn]

    @staticmethod
    def resolve_complete(obj) -> bool:
        return obj.completed_at is not None

    @staticmethod
    def resolve_scores(obj) -> list[dict]:
        return [
            {"criterion": s.criterion_id, "value": s.value, "comment": s.comment}
            for s in obj.scores.order_by("criterion__position", "criterion_id")
        ]


@router.get(
    "/proposals/{proposal_id}/scores",
    response=page_of(ScoreOut),
    summary="The scores of a proposal you may see",
    description="As the rules allow: a judge their own (and the other judges' once the panel is closed), the "
    "city's innovation managers all; the applicant's members once the results are published (without the "
    "judges). Scores of a judge who declared a conflict are never shown. 404 unless you may see the proposal.",
)
def score_list(request, filters: Query[ScoreFilters], proposal_id: int = id_param("The proposal's id.")):
    proposal = proposal_for(request, proposal_id)
    qs = (
        selectors.scores_visible_to(request.user)
        .filter(sheet__proposal=proposal)
        .select_related("criterion", "sheet")
        .order_by("sheet__member_id", "criterion__position", "criterion_id")
    )
    page = paginate(qs, filters)
    # As the scores page: the applicant does not learn who gave which score.
    show_judges = selectors.judges_shown_to(user=request.user, proposal=proposal)
    for score in page["items"]:
        score.show_judge = show_judges
    return page


@router.put(
    "/proposals/{proposal_id}/scores",
    response=SheetOut,
    summary="Save your scores for a proposal",
    description="A judge of the call's panel who declared no conflict, while the panel is scoring. Every "
    "criterion sent must be of the rubric and within its scale (400 naming `body.scores.<i>.value`); "
    "`complete: true` needs every criterion. Send your sheet's `version` (0 before the first save): if it "
    "was saved elsewhere in between, 409 `conflict` with `current_version`, nothing overwritten.",
    openapi_extra=REFUSED_DOC,
)
def score_save(request, payload: SheetIn, proposal_id: int = id_param("The proposal's id.")):
    proposal = proposal_for(request, proposal_id)
    member = selectors.panel_member_get(user=request.user, panel=getattr(proposal.call, "panel", None))
    if member is None:
        raise PermissionDenied
    criteria = {c.pk: c for c in selectors.rubric(panel=member.panel)}
    errors, values, comments, index = [], {}, {}, {}
    for i, item in enumerate(payload.scores):
        if item.criterion not in criteria:
            errors.append({"name": f"body.scores.{i}.criterion", "message": _("Not a criterion of this rubric.")})
        elif item.criterion in values:
            errors.append({"name": f"body.scores.{i}.criterion", "message": _("This criterion is given twice.")})
        else:
            values[item.criterion], comments[item.criterion], index[item.criterion] = item.value, item.comment, i
    if errors:
        raise invalid_parameters(errors)
    try:
        return services.sheet_save(
            proposal=proposal,
            by=request.user,
            values=values,
            comments=comments,
            comment=payload.comment,
            expected_version=payload.version,
            complete=payload.complete,
        )
    except services.StaleEdit as exc:
        current = exc.obj.version
        raise stale_version(
            current,
            _(
                "Your scores for this proposal were saved elsewhere after version %(yours)s; it is now at "
                "version %(current)s. Nothing was changed."
            )
            % {"yours": payload.version, "current": current},
        ) from exc
    except ValidationError as exc:
        raise invalid_parameters(_score_errors(exc, index, criteria)) from exc


def _score_errors(exc: ValidationError, index: dict, criteria: dict) -> list[dict]:
    """The service names a criterion `c<id>`: name the body field instead."""
    errors = []
    for key, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        criterion = int(key[1:]) if key.startswith("c") and key[1:].isdigit() else None
        if criterion in index:
            name = f"body.scores.{index[criterion]}.value"
        elif criterion in criteria:
            messages = [f"{criteria[criterion].name}: {m}" for m in messages]
            name = "body.scores"
        else:
            name = "body"
        errors.extend({"name": name, "message": m} for m in messages)
    return errors


class JudgingItemOut(Schema):
    proposal: int = Field(description="The proposal's id (declare on it with `POST /proposals/{id}/conflict`).")
    call: int
    call_title: str
    panel_status: PanelStatus
    title: str | None = Field(description="The proposal's title, once you declared no conflict.")
    organization: str | None = Field(
        description="The applicant's slug: shown to declare a conflict; hidden after a conflict and, in a blind "
        "review, once declared."
    )
    declaration: Literal["none", "clear", "conflict"] = Field(
        description="`none` (still to declare), `clear` (no conflict) or `conflict`."
    )
    can_declare: bool = Field(description="Whether you may declare on it now (the panel is scoring).")
    scores: Literal["none", "in_progress", "complete"] = Field(description="Your score sheet for it.")
    sheet_version: int = Field(description="Your sheet's version (0 before the first save).")


def _judging_item(row: dict, blind: set[int]) -> dict:
    proposal, panel, declaration, sheet = row["proposal"], row["panel"], row["declaration"], row["sheet"]
    scoring = panel.status == Panel.Status.SCORING
    if declaration is None:
        state, title = "none", None
        organization = proposal.organization.slug if scoring else None  # as the declaration page
    elif declaration.has_conflict:
        state, title, organization = "conflict", None, None
    else:
        state, title = "clear", proposal.title
        organization = None if proposal.call_id in blind else proposal.organization.slug
    scores = "none" if sheet is None else "complete" if sheet.completed_at else "in_progress"
    return {
        "proposal": proposal.pk,
        "call": proposal.call_id,
        "call_title": proposal.call.title,
        "panel_status": panel.status,
        "title": title,
        "organization": organization,
        "declaration": state,
        "can_declare": declaration is None and scoring,
        "scores": scores,
        "sheet_version": sheet.version if sheet is not None else 0,
    }


class JudgingFilters(ListQuery):
    declaration: Literal["none", "clear", "conflict"] | None = Field(None, description="Only these declarations.")


@router.get(
    "/judging",
    response=page_of(JudgingItemOut),
    summary="Your judging queue",
    description="As the judging page: every submitted proposal of the panels you sit on that are scoring or "
    "closed, with your declaration and score sheet, by call. Before you declare you see only the id and the "
    "applicant (to judge a conflict); the title once you declared no conflict; nothing after a conflict. In a "
    "blind review the applicant is hidden once you declared. Empty for everyone else.",
)
def judging_queue(request, filters: Query[JudgingFilters]):
    blind = selectors.blind_call_ids_for(user=request.user)
    # the queue pages in the database: only the page's rows are built (issue 19)
    page = paginate(selectors.judge_queue(user=request.user, declaration=filters.declaration), filters)
    page["items"] = [_judging_item(row, blind) for row in page["items"]]
    return page
