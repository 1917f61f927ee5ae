"""API v1: confidential proposals, their submission receipts, and the judges' side of the
evaluation (conflict-of-interest declarations and score sheets).

A thin skin over the proposals app: every read starts from ``proposals.selectors``
(``proposals_visible_to`` and ``scores_visible_to``, the one definition of who sees what), every
write goes through one ``proposals.services`` function, and the rules are asked with
``proposals.rules.can`` (no superuser bypass, as on the pages). Nothing here decides who may do what.

- A proposal the caller may not see is a 404, never a 403: its existence is confidential.
- A step the services refuse now (the deadline has passed, the organization is not eligible, the
  panel is not scoring, already declared) is a 409 ``refused`` problem whose ``errors`` give the
  reasons; an edit or a score sheet saved by someone else since the caller's ``version`` is a 409
  ``conflict`` problem carrying ``current_version``.
"""

from __future__ import annotations

import datetime
import json
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Schema, Status, UploadedFile

from hamafza.accounts.models import CityRole
from hamafza.core.apiutils import (
    PROBLEM_CONTENT_TYPE,
    ApiError,
    ApiRouter,
    InputSchema,
    ListQuery,
    invalid_parameters,
    order,
    ordering_param,
    page_of,
    paginate,
    problem_response,
)
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.selectors import organizations_of_user
from hamafza.proposals import selectors, services
from hamafza.proposals.models import (
    ConflictDeclaration,
    Panel,
    PanelInvitation,
    PanelMember,
    Proposal,
    ProposalAttachment,
    ProposalReceipt,
    Score,
)
from hamafza.proposals.rules import can

router = ApiRouter(tags=["proposals and evaluation"])

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store NUL characters: refuse them as invalid input
MAX_BUDGET = 10**17  # fits a BigIntegerField with room to spare

ProposalStatus = Literal[tuple(Proposal.Status.values)]  # type: ignore[valid-type]


def _id(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _problem_doc(description: str) -> dict:
    return {
        "responses": {
            409: {
                "description": description,
                "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        }
    }


REFUSED_DOC = _problem_doc("Refused now (`refused`, with the reasons in `errors`), or a stale `version` (`conflict`).")


def _refused(exc: services.Refused) -> ApiError:
    return ApiError(
        409,
        "refused",
        "; ".join(exc.reasons) or _("This step is not allowed now."),
        errors=[{"name": "proposal", "message": reason} for reason in exc.reasons],
    )


_invalid = invalid_parameters


def _stale(request, current_version: int, detail: str):
    """A 409 `conflict` problem with the current version as an extension member (RFC 9457 §3.2)."""
    response = problem_response(
        request,
        409,
        "conflict",
        detail,
        errors=[{"name": "body.version", "message": _("The current version is %(v)s.") % {"v": current_version}}],
    )
    body = json.loads(response.content)
    body["current_version"] = current_version
    response.content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return response


# --------------------------------------------------------------------------------------------
# Proposals
# --------------------------------------------------------------------------------------------
class ProposalOut(Schema):
    id: int
    call: int = Field(description="The call's id.")
    city: str = Field(description="The call's city (slug).")
    organization: str | None = Field(
        description="The applicant organization's slug; hidden (null) from the judges of a blind review."
    )
    status: ProposalStatus
    title: str
    version: int = Field(description="Send it back with an edit (optimistic locking).")
    created_at: datetime.datetime
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None = Field(description="The time of the latest receipt.")
    withdrawn_at: datetime.datetime | None

    @staticmethod
    def resolve_call(obj: Proposal) -> int:
        return obj.call_id

    @staticmethod
    def resolve_city(obj: Proposal) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_organization(obj: Proposal) -> str | None:
        return None if getattr(obj, "hide_identity", False) else obj.organization.slug


class ReceiptOut(Schema):
    proposal: int
    submitted_at: datetime.datetime
    sha256: str = Field(description="SHA-256 of the proposal's content and its attachments' hashes.")
    content_version: int

    @staticmethod
    def resolve_proposal(obj: ProposalReceipt) -> int:
        return obj.proposal_id


class ProposalDetailOut(ProposalOut):
    summary: str
    approach: str
    team: str
    budget_rial: int | None
    timeline: str
    kpis: str
    receipt_hash: str = Field(description="The SHA-256 of the latest receipt (empty before submission).")
    can_change: bool = Field(description="Whether you may still edit it (a member of the applicant, call open).")
    can_score: bool = Field(description="Whether you may score it now (a cleared judge, panel scoring).")

    @staticmethod
    def resolve_can_change(obj: Proposal, context) -> bool:
        return can(context["request"].user, "proposals.change_proposal", obj)

    @staticmethod
    def resolve_can_score(obj: Proposal, context) -> bool:
        return can(context["request"].user, "proposals.score_proposal", obj)


class ProposalFilters(ListQuery):
    call: int | None = Field(None, ge=1, le=MAX_ID, description="A call's id.")
    status: ProposalStatus | None = None
    q: str = Field("", max_length=200, pattern=NO_NUL, description="Words in the proposal (or the applicant's name).")
    ordering: ordering_param("submitted_at", "created_at", "updated_at", "title") | None = None


class _ProposalFields(InputSchema):
    title: str | None = Field(None, max_length=200, pattern=NO_NUL)
    summary: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    approach: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    team: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    budget_rial: int | None = Field(None, ge=0, le=MAX_BUDGET)
    timeline: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    kpis: str | None = Field(None, max_length=20_000, pattern=NO_NUL)


class ProposalIn(_ProposalFields):
    """A new draft for one of your organizations (title required; the rest can come later)."""

    organization: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="Your organization's slug.")
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class ProposalPatch(_ProposalFields):
    """Only the fields sent change. A submitted proposal stays submitted and gets a new receipt."""

    version: int = Field(ge=0, le=MAX_ID, description="The version you read.")


def _hide_identities(request, proposals: list[Proposal]) -> None:
    """Blind review: the judges of a blind panel do not see who applied (unless they are members of
    the applicant). Two queries for the whole page."""
    blind = selectors.blind_call_ids_for(user=request.user)
    if not blind:
        return
    mine = set(OrganizationMembership.objects.filter(user_id=request.user.pk).values_list("organization_id", flat=True))
    for proposal in proposals:
        proposal.hide_identity = proposal.call_id in blind and proposal.organization_id not in mine


def _proposal(request, proposal_id: int) -> Proposal:
    """The proposal if the caller may see it (selectors.proposal_get_for), else 404."""
    proposal = selectors.proposal_get_for(user=request.user, pk=proposal_id)
    _hide_identities(request, [proposal])
    return proposal


def _values(payload: _ProposalFields) -> dict:
    return {
        name: value
        for name, value in payload.model_dump(exclude_unset=True).items()
        if name in services.PROPOSAL_FIELDS
    }


@router.get(
    "/proposals",
    response=page_of(ProposalOut),
    summary="The proposals you may see",
    description="Your organizations' proposals (drafts included); for an innovation manager the submitted "
    "proposals of the city's calls; for a judge the submitted proposals they declared no conflict for. "
    "Newest submission first.",
)
def proposal_list(request, filters: Query[ProposalFilters]):
    qs = selectors.proposal_list_for(user=request.user, q=filters.q, call_id=filters.call, status=filters.status or "")
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    page = paginate(qs, filters)
    _hide_identities(request, page["items"])
    return page


@router.get(
    "/proposals/{proposal_id}",
    response=ProposalDetailOut,
    summary="A proposal",
    description="404 unless you may see it (the same rule as its page).",
)
def proposal_detail(request, proposal_id: int = _id("The proposal's id.")):
    return _proposal(request, proposal_id)


@router.post(
    "/calls/{call_id}/proposals",
    response={201: ProposalDetailOut},
    summary="Start a proposal to a call",
    description="A member of the applicant organization, while the call is open and the organization is "
    "eligible (otherwise 409 `refused` with the reasons). One proposal per organization and call: if "
    "yours exists already, 409 `conflict` with its id in `existing`. The draft is submitted separately.",
    openapi_extra=REFUSED_DOC,
)
def proposal_create(request, payload: ProposalIn, call_id: int = _id("The call's id.")):
    from hamafza.challenges.selectors import call_get

    call = call_get(pk=call_id, user=request.user)
    if not can(request.user, "proposals.apply"):
        raise PermissionDenied
    organization = organizations_of_user(user=request.user).filter(slug=payload.organization).first()
    if organization is None:
        raise _invalid([{"name": "body.organization", "message": _("This is not one of your organizations.")}])
    try:
        proposal = services.proposal_save_draft(
            call=call, organization=organization, by=request.user, values=_values(payload)
        )
    except services.Refused as exc:
        raise _refused(exc) from exc
    except services.StaleEdit as exc:
        response = problem_response(
            request,
            409,
            "conflict",
            _("Your organization already has a proposal to this call (%(id)s); edit that one.") % {"id": exc.obj.pk},
        )
        body = json.loads(response.content)
        body["existing"] = exc.obj.pk
        response.content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return response
    return Status(201, _proposal(request, proposal.pk))


@router.patch(
    "/proposals/{proposal_id}",
    response=ProposalDetailOut,
    summary="Edit a proposal",
    description="Members of the applicant, until the deadline (409 `refused` after it). Send the `version` you "
    "read: if someone saved in between, 409 `conflict` with `current_version` and nothing changes.",
    openapi_extra=REFUSED_DOC,
)
def proposal_update(request, payload: ProposalPatch, proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    if not can(request.user, "proposals.change_proposal", proposal):
        if _is_member(request.user, proposal):  # the call is no longer open: say why, as the page does
            raise _refused(services.Refused([services._deadline_reason(proposal.call)]))
        raise PermissionDenied
    try:
        services.proposal_save_draft(
            call=proposal.call,
            organization=proposal.organization,
            by=request.user,
            values=_values(payload),
            proposal=proposal,
            expected_version=payload.version,
        )
    except services.Refused as exc:
        raise _refused(exc) from exc
    except services.StaleEdit as exc:
        current = Proposal.objects.filter(pk=exc.obj.pk).values_list("version", flat=True).first() or 0
        return _stale(
            request,
            current,
            _(
                "Someone else saved this proposal after version %(yours)s; it is now at version %(current)s. "
                "Nothing was changed."
            )
            % {"yours": payload.version, "current": current},
        )
    return _proposal(request, proposal.pk)


def _is_member(user, proposal: Proposal) -> bool:
    return OrganizationMembership.objects.filter(user_id=user.pk, organization_id=proposal.organization_id).exists()


@router.post(
    "/proposals/{proposal_id}/submit",
    response=ReceiptOut,
    summary="Submit a proposal",
    description="Members of the applicant, before the deadline. The deadline, the organization's eligibility "
    "and the required parts (title, summary, approach) are checked now (409 `refused` with the reasons). "
    "Answers the receipt: the time and the SHA-256 of the content and attachments.",
    openapi_extra=REFUSED_DOC,
)
def proposal_submit(request, proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    try:
        return services.proposal_submit(proposal=proposal, by=request.user)
    except services.Refused as exc:
        raise _refused(exc) from exc


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response=ProposalDetailOut,
    summary="Withdraw a submitted proposal",
    description="Members of the applicant, before the deadline; it can be submitted again until then.",
    openapi_extra=REFUSED_DOC,
)
def proposal_withdraw(request, proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    try:
        services.proposal_withdraw(proposal=proposal, by=request.user)
    except services.Refused as exc:
        raise _refused(exc) from exc
    return _proposal(request, proposal.pk)


# --------------------------------------------------------------------------------------------
# The judges' side: declarations and scores
# --------------------------------------------------------------------------------------------
class DeclarationIn(InputSchema):
    has_conflict: bool = Field(description="true: you have a conflict of interest with this applicant.")
    note: str = Field("", max_length=5000, pattern=NO_NUL)


class DeclarationOut(Schema):
    proposal: int
    has_conflict: bool
    note: str
    declared_at: datetime.datetime

    @staticmethod
    def resolve_proposal(obj: ConflictDeclaration) -> int:
        return obj.proposal_id


@router.post(
    "/proposals/{proposal_id}/conflict",
    response={201: DeclarationOut},
    summary="Declare a conflict of interest (or none)",
    description="A judge of the call's panel, while it is scoring, once per proposal and before seeing it. "
    "A conflict hides the proposal from you and leaves you out of its aggregation; no conflict opens it "
    "for scoring. 404 unless you may declare on it (as on the judging page).",
    openapi_extra=REFUSED_DOC,
)
def conflict_declare(request, payload: DeclarationIn, proposal_id: int = _id("The proposal's id.")):
    # As the judging page: the proposal is not visible to the judge before the declaration, so the
    # rule that lets them declare (panel member, submitted, scoring) decides whether it exists.
    proposal = Proposal.objects.select_related("call").filter(pk=proposal_id).first()
    if proposal is None or not can(request.user, "proposals.declare_conflict", proposal):
        raise Http404
    try:
        declaration = services.conflict_declare(
            proposal=proposal, by=request.user, has_conflict=payload.has_conflict, note=payload.note
        )
    except services.Refused as exc:
        raise _refused(exc) from exc
    return Status(201, declaration)


class ScoreOut(Schema):
    judge: int | None = Field(description="The panel member's id (hidden from the applicant).")
    criterion: int = Field(description="The rubric criterion's id.")
    criterion_name: str
    scale_max: int
    value: int
    comment: str
    sheet_version: int = Field(description="The version of the judge's sheet (send it back with PUT).")
    sheet_complete: bool
    updated_at: datetime.datetime

    @staticmethod
    def resolve_judge(obj: Score, context) -> int | None:
        return obj.sheet.member_id if getattr(obj, "show_judge", True) else None

    @staticmethod
    def resolve_criterion(obj: Score) -> int:
        return obj.criterion_id

    @staticmethod
    def resolve_criterion_name(obj: Score) -> str:
        return obj.criterion.name

    @staticmethod
    def resolve_scale_max(obj: Score) -> int:
        return obj.criterion.scale_max

    @staticmethod
    def resolve_sheet_version(obj: Score) -> int:
        return obj.sheet.version

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
    proposal: int
    version: int
    comment: str
    complete: bool
    scores: list[ScoreIn]

    @staticmethod
    def resolve_proposal(obj) -> int:
        return obj.proposal_id

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
def score_list(request, filters: Query[ScoreFilters], proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    qs = (
        selectors.scores_visible_to(request.user)
        .filter(sheet__proposal=proposal)
        .select_related("criterion", "sheet")
        .order_by("sheet__member_id", "criterion__position", "criterion_id")
    )
    page = paginate(qs, filters)
    # As the scores page: the applicant does not learn who gave which score.
    show_judges = (
        can(request.user, "proposals.manage_evaluation", proposal.call)
        or proposal.call.state != "results_published"
        or not _is_member(request.user, proposal)
    )
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
def score_save(request, payload: SheetIn, proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
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
        raise _invalid(errors)
    try:
        sheet = services.sheet_save(
            proposal=proposal,
            by=request.user,
            values=values,
            comments=comments,
            comment=payload.comment,
            expected_version=payload.version,
            complete=payload.complete,
        )
    except services.Refused as exc:
        raise _refused(exc) from exc
    except services.StaleEdit as exc:
        current = exc.obj.version
        return _stale(
            request,
            current,
            _(
                "Your scores for this proposal were saved elsewhere after version %(yours)s; it is now at "
                "version %(current)s. Nothing was changed."
            )
            % {"yours": payload.version, "current": current},
        )
    except ValidationError as exc:
        raise _invalid(_score_errors(exc, index, criteria)) from exc
    return sheet


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


# --------------------------------------------------------------------------------------------
# The innovation manager's side: the panel, decisions and results
# --------------------------------------------------------------------------------------------
REFUSED_NOW_DOC = _problem_doc("Refused now (`refused`, with the reasons in `errors`).")
PanelStatus = Literal[tuple(Panel.Status.values)]  # type: ignore[valid-type]
CellState = Literal["conflict", "undeclared", "complete", "partial", "todo"]


def _managed_call(request, call_id: int):
    """The call if the caller may see it (else 404) and manage its evaluation (else 403)."""
    from hamafza.challenges.selectors import call_get

    call = call_get(pk=call_id, user=request.user)
    if not can(request.user, "proposals.manage_evaluation", call):
        raise PermissionDenied
    return call


def _managed_panel(request, call_id: int) -> Panel:
    panel = selectors.panel_for_call(call=_managed_call(request, call_id))
    if panel is None:
        raise ApiError(404, "not_found", _("This call has no evaluation panel yet."))
    return panel


def _refused_as(exc: services.Refused, name: str) -> ApiError:
    error = _refused(exc)
    error.errors = [{"name": name, "message": reason} for reason in exc.reasons]
    return error


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int
    scale_max: int
    position: int


class MemberOut(Schema):
    id: int = Field(description="The panel member's id (the `judge` of a score).")
    user: int = Field(description="The judge's user id.")
    name: str
    email: str
    source: Literal[tuple(PanelMember.Source.values)]  # type: ignore[valid-type]
    last_reminded_at: datetime.datetime | None

    @staticmethod
    def resolve_user(obj: PanelMember) -> int:
        return obj.user_id

    @staticmethod
    def resolve_name(obj: PanelMember) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_email(obj: PanelMember) -> str:
        return obj.user.email


class PanelProposalOut(Schema):
    id: int
    title: str
    organization: str = Field(description="The applicant organization's slug.")


class ProgressCellOut(Schema):
    proposal: int
    state: CellState = Field(
        description="`undeclared` (no declaration yet), `conflict`, `todo`, `partial` or `complete`."
    )


class ProgressRowOut(Schema):
    member: int = Field(description="The panel member's id.")
    missing: int = Field(description="Proposals this judge has still to declare on or score.")
    cells: list[ProgressCellOut]


class PanelOut(Schema):
    id: int
    call: int
    status: PanelStatus = Field(description="`setup` (the rubric can change), `scoring` or `closed`.")
    blind_review: bool
    method: str = Field(description="The aggregation method.")
    version: int
    scoring_started_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    rubric: list[CriterionOut]
    members: list[MemberOut]
    proposals: list[PanelProposalOut] = Field(description="The call's submitted proposals (the progress columns).")
    progress: list[ProgressRowOut] = Field(description="Who scored what: a row per judge, a cell per proposal.")
    missing: int = Field(description="Declarations and scores still missing across the panel.")


def _panel_out(panel: Panel) -> dict:
    progress = selectors.panel_progress(panel=panel)
    return {
        "id": panel.pk,
        "call": panel.call_id,
        "status": panel.status,
        "blind_review": panel.blind_review,
        "method": panel.method,
        "version": panel.version,
        "scoring_started_at": panel.scoring_started_at,
        "closed_at": panel.closed_at,
        "rubric": selectors.rubric(panel=panel),
        "members": progress["members"],
        "proposals": [
            {"id": p.pk, "title": p.title, "organization": p.organization.slug} for p in progress["proposals"]
        ],
        "progress": [
            {
                "member": row["member"].pk,
                "missing": row["missing"],
                "cells": [{"proposal": c["proposal"].pk, "state": c["state"]} for c in row["cells"]],
            }
            for row in progress["rows"]
        ],
        "missing": progress["missing"],
    }


@router.get(
    "/calls/{call_id}/panel",
    response=PanelOut,
    summary="A call's evaluation panel and its progress",
    description="The city's innovation managers (403 for others who may see the call). The rubric, the "
    "judges, the state, and who scored what as the evaluation page shows it. 404 before the panel exists.",
)
def panel_detail(request, call_id: int = _id("The call's id.")):
    return _panel_out(_managed_panel(request, call_id))


@router.post(
    "/calls/{call_id}/panel",
    response={200: PanelOut, 201: PanelOut},
    summary="Create a call's evaluation panel",
    description="The city's innovation managers. The rubric is copied from the call's evaluation criteria "
    "(each scored out of 10). 201 when created, 200 with the existing panel if there is one already.",
)
def panel_create(request, call_id: int = _id("The call's id.")):
    call = _managed_call(request, call_id)
    existed = selectors.panel_for_call(call=call) is not None
    panel = services.panel_create(call=call, by=request.user)
    return Status(200 if existed else 201, _panel_out(selectors.panel_for_call(call=panel.call)))


class JudgeIn(InputSchema):
    """One of `user` or `email`: a user holding the judge role in the call's city."""

    user: int | None = Field(None, ge=1, le=MAX_ID, description="The judge's user id.")
    email: str | None = Field(None, min_length=3, max_length=254, pattern=NO_NUL, description="The judge's email.")


@router.post(
    "/calls/{call_id}/panel/judges",
    response={200: MemberOut, 201: MemberOut},
    summary="Add a judge of the city to the panel",
    description="The city's innovation managers. Only a user with the judge role in the call's city can be "
    "added directly (otherwise 400 naming the field); outside experts are invited by email (`POST "
    "/calls/{call_id}/panel/invitations`). 201 when added, 200 if they are already on the panel.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_judge_add(request, payload: JudgeIn, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    if (payload.user is None) == (payload.email is None):
        raise _invalid([{"name": "body", "message": _("Give either the judge's user id or their email.")}])
    from django.contrib.auth import get_user_model

    candidates = get_user_model().objects.filter(
        is_active=True, city_roles__city_id=panel.city_id, city_roles__role=CityRole.Role.JUDGE
    )
    if payload.user is not None:
        judge, field = candidates.filter(pk=payload.user).first(), "body.user"
    else:
        judge, field = candidates.filter(email__iexact=payload.email.strip()).first(), "body.email"
    if judge is None:
        raise _invalid(
            [{"name": field, "message": _("Not a judge of this city; invite outside experts by email instead.")}]
        )
    existed = selectors.panel_member_get(user=judge, panel=panel) is not None
    try:
        member = services.panel_add_city_judge(panel=panel, user=judge, by=request.user)
    except services.Refused as exc:
        raise _refused_as(exc, "panel") from exc
    return Status(200 if existed else 201, member)


@router.post(
    "/calls/{call_id}/panel/start",
    response=PanelOut,
    summary="Start scoring",
    description='The city\'s innovation managers. The call must be closed (it moves to "in evaluation"), the '
    "rubric must have criteria and the panel a judge (409 `refused` with the reasons). The rubric is frozen "
    "from here on and the judges declare and score.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_start(request, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    try:
        services.panel_start_scoring(panel=panel, by=request.user)
    except services.Refused as exc:
        raise _refused_as(exc, "panel") from exc
    return _panel_out(selectors.panel_for_call(call=panel.call))


@router.post(
    "/calls/{call_id}/panel/close",
    response=PanelOut,
    summary="Close scoring",
    description="The city's innovation managers, while the panel is scoring (else 409 `refused`). No more "
    "scores; the judges may see each other's; decisions can be made.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_close(request, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    try:
        services.panel_close(panel=panel, by=request.user)
    except services.Refused as exc:
        raise _refused_as(exc, "panel") from exc
    return _panel_out(selectors.panel_for_call(call=panel.call))


class DecisionIn(InputSchema):
    awarded: bool = Field(description="true: awarded; false: not awarded.")
    reason: str = Field(
        min_length=1,
        max_length=5000,
        pattern=NO_NUL,
        description="Shown to the applicant and, when awarded, on the public results.",
    )
    shortlisted: bool | None = Field(None, description="Also put it on (or take it off) the shortlist.")


class DecisionOut(Schema):
    proposal: int
    decision: Literal[tuple(Proposal.Decision.values)]  # type: ignore[valid-type]
    reason: str
    shortlisted: bool
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_proposal(obj: Proposal) -> int:
        return obj.pk

    @staticmethod
    def resolve_reason(obj: Proposal) -> str:
        return obj.decision_reason


@router.post(
    "/proposals/{proposal_id}/decision",
    response=DecisionOut,
    summary="Decide on a proposal",
    description="The city's innovation managers, after the panel has closed and before the results are "
    "published (else 409 `refused`). 404 unless you may see the proposal, 403 if you may see it but not "
    "decide. With `shortlisted`, the shortlist changes in the same step.",
    openapi_extra=REFUSED_NOW_DOC,
)
def proposal_decision(request, payload: DecisionIn, proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    if not can(request.user, "proposals.decide_proposal", proposal):
        raise PermissionDenied
    decision = Proposal.Decision.AWARDED if payload.awarded else Proposal.Decision.NOT_AWARDED
    try:
        with transaction.atomic():  # both or neither
            if payload.shortlisted is not None:
                services.proposal_shortlist(proposal=proposal, by=request.user, shortlisted=payload.shortlisted)
            proposal = services.proposal_decide(
                proposal=proposal, by=request.user, decision=decision, reason=payload.reason
            )
    except services.Refused as exc:
        raise _refused(exc) from exc
    except ValidationError as exc:
        raise _invalid(
            [
                {"name": f"body.{'reason' if key == 'reason' else 'awarded'}", "message": message}
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from exc
    return proposal


class ResultsPublishedOut(Schema):
    call: int
    state: str = Field(description="The call's state: `results_published`.")
    awarded: list[str] = Field(description="The awarded organizations' slugs (the public results).")


@router.post(
    "/calls/{call_id}/results/publish",
    response=ResultsPublishedOut,
    summary="Publish a call's results",
    description="The city's innovation managers, after the panel has closed and every submitted proposal "
    "has a decision (else 409 `refused`). The awarded proposals become the public results (`GET "
    "/calls/{call_id}/results`) and the applicants are notified.",
    openapi_extra=REFUSED_NOW_DOC,
)
def results_publish(request, call_id: int = _id("The call's id.")):
    call = _managed_call(request, call_id)
    try:
        services.results_publish(call=call, by=request.user)
    except services.Refused as exc:
        raise _refused_as(exc, "call") from exc
    call.refresh_from_db(fields=["state"])  # the state machine saved its own copy
    return {
        "call": call.pk,
        "state": call.state,
        "awarded": [r.organization.slug for r in selectors.results_public(call=call) if r.organization_id],
    }


# --------------------------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------------------------
class AttachmentOut(Schema):
    id: int
    proposal: int
    name: str = Field(description="The sanitised file name.")
    kind: Literal[tuple(ProposalAttachment.Kind.values)]  # type: ignore[valid-type]
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_at: datetime.datetime

    @staticmethod
    def resolve_proposal(obj: ProposalAttachment) -> int:
        return obj.proposal_id

    @staticmethod
    def resolve_name(obj: ProposalAttachment) -> str:
        return obj.original_name

    @staticmethod
    def resolve_uploaded_at(obj: ProposalAttachment) -> datetime.datetime:
        return obj.created_at


class AttachmentFilters(ListQuery):
    pass


@router.get(
    "/proposals/{proposal_id}/attachments",
    response=page_of(AttachmentOut),
    summary="The attachments of a proposal",
    description="Whoever may see the proposal (404 otherwise), oldest first.",
)
def attachment_list(request, filters: Query[AttachmentFilters], proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    qs = selectors.attachments_visible_to(request.user).filter(proposal=proposal).order_by("created_at", "pk")
    return paginate(qs, filters)


DOWNLOAD_DOC = {
    "responses": {
        200: {
            "description": "The file, always as a download (`Content-Disposition: attachment`).",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/proposals/{proposal_id}/attachments/{attachment_id}",
    response={200: None},
    summary="Download an attachment",
    description="Whoever may see the proposal (404 otherwise; the same check as the download page). Served "
    "as `application/octet-stream` with the file name, never rendered by the client (`nosniff`, a sandboxing "
    "Content-Security-Policy, no caching).",
    openapi_extra=DOWNLOAD_DOC,
)
def attachment_download(
    request,
    proposal_id: int = _id("The proposal's id."),
    attachment_id: int = _id("The attachment's id."),
):
    attachment = selectors.attachment_get_for(user=request.user, pk=attachment_id)
    if attachment.proposal_id != proposal_id:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@router.post(
    "/proposals/{proposal_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a file to a proposal",
    description="Members of the applicant, until the deadline (409 `refused` after it). Multipart with a "
    "`file` part: PDF, DOCX, XLSX, PNG or JPEG, recognised by its content (not its name), within the size "
    "limit (400 naming `file` otherwise). A submitted proposal gets a new receipt.",
    openapi_extra=REFUSED_NOW_DOC,
)
def attachment_upload(request, file: File[UploadedFile], proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    if not can(request.user, "proposals.change_proposal", proposal):
        if _is_member(request.user, proposal):  # the call is no longer open: say why
            raise _refused(services.Refused([services._deadline_reason(proposal.call)]))
        raise PermissionDenied
    try:
        attachment = services.attachment_add(proposal=proposal, by=request.user, upload=file)
    except services.Refused as exc:
        raise _refused(exc) from exc
    except ValidationError as exc:
        raise _invalid([{"name": "file", "message": message} for message in exc.messages]) from exc
    return Status(201, attachment)


# --------------------------------------------------------------------------------------------
# The judge's queue
# --------------------------------------------------------------------------------------------
class _Rows(list):
    """A list that `paginate` can count like a queryset."""

    def count(self, *args) -> int:  # type: ignore[override]
        return len(self)


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
    items = [_judging_item(row, blind) for row in selectors.judge_queue(user=request.user)]
    if filters.declaration:
        items = [item for item in items if item["declaration"] == filters.declaration]
    return paginate(_Rows(items), filters)


# --------------------------------------------------------------------------------------------
# The rubric
# --------------------------------------------------------------------------------------------
class RubricOut(Schema):
    panel: int
    status: PanelStatus
    editable: bool = Field(description="true while the panel is being set up (before scoring starts).")
    total_weight: int = Field(description="The sum of the criteria's weights (100 for a valid rubric).")
    criteria: list[CriterionOut]


def _rubric_out(panel: Panel) -> dict:
    criteria = selectors.rubric(panel=panel)
    return {
        "panel": panel.pk,
        "status": panel.status,
        "editable": panel.rubric_editable,
        "total_weight": sum(c.weight for c in criteria),
        "criteria": criteria,
    }


class CriterionIn(InputSchema):
    id: int | None = Field(None, ge=1, le=MAX_ID, description="An existing criterion's id; leave it out to add one.")
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=5000, pattern=NO_NUL, description="Guidance for the judges.")
    weight: int = Field(ge=1, le=100)
    scale_max: int = Field(10, ge=1, le=100, description="The highest score (1–100).")


class RubricIn(InputSchema):
    """The whole rubric, in order: criteria sent with an `id` change, without one are added, left out are
    removed."""

    criteria: list[CriterionIn] = Field(min_length=1, max_length=50)


@router.get(
    "/calls/{call_id}/panel/rubric",
    response=RubricOut,
    summary="A panel's rubric",
    description="The city's innovation managers (403 for others who may see the call; 404 before the panel "
    "exists). The judges read the criteria on their score sheets.",
)
def rubric_detail(request, call_id: int = _id("The call's id.")):
    return _rubric_out(_managed_panel(request, call_id))


@router.put(
    "/calls/{call_id}/panel/rubric",
    response=RubricOut,
    summary="Replace a panel's rubric",
    description="The city's innovation managers, while the panel is being set up (409 `refused` once scoring "
    "has started: the rubric is frozen). The weights must add up to 100 (400 naming `body.criteria`); each "
    "weight and highest score is 1–100 (400 naming `body.criteria.<i>.weight` or `.scale_max`). Criteria sent "
    "with their `id` change, the ones without are added, the ones left out are removed, in the order sent; "
    "all or nothing.",
    openapi_extra=REFUSED_NOW_DOC,
)
def rubric_replace(request, payload: RubricIn, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    existing = {c.pk: c for c in selectors.rubric(panel=panel)}
    errors, seen = [], set()
    for i, item in enumerate(payload.criteria):
        if item.id is not None and item.id not in existing:
            errors.append({"name": f"body.criteria.{i}.id", "message": _("Not a criterion of this rubric.")})
        elif item.id is not None and item.id in seen:
            errors.append({"name": f"body.criteria.{i}.id", "message": _("This criterion is given twice.")})
        seen.add(item.id)
    total = sum(item.weight for item in payload.criteria)
    if total != 100:
        errors.append(
            {
                "name": "body.criteria",
                "message": _("The weights add up to %(total)d; they must add up to 100.") % {"total": total},
            }
        )
    if errors:
        raise _invalid(errors)
    index = 0
    try:
        with transaction.atomic():  # all or nothing
            kept = {item.id for item in payload.criteria if item.id is not None}
            for pk, criterion in existing.items():
                if pk not in kept:
                    services.rubric_criterion_remove(criterion=criterion, by=request.user)
            for i, item in enumerate(payload.criteria):
                index = i
                services.rubric_criterion_save(
                    panel=panel,
                    by=request.user,
                    criterion=existing.get(item.id) if item.id is not None else None,
                    name=item.name,
                    weight=item.weight,
                    scale_max=item.scale_max,
                    description=item.description.strip(),
                    position=i,
                )
    except services.Refused as exc:
        raise _refused_as(exc, "panel") from exc
    except ValidationError as exc:
        raise _invalid(
            [
                {
                    "name": f"body.criteria.{index}" + (f".{key}" if key in CriterionIn.model_fields else ""),
                    "message": m,
                }
                for key, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
                for m in messages
            ]
        ) from exc
    return _rubric_out(selectors.panel_for_call(call=panel.call))


# --------------------------------------------------------------------------------------------
# Outside experts and reminders
# --------------------------------------------------------------------------------------------
InvitationStatus = Literal[tuple(PanelInvitation.Status.values)]  # type: ignore[valid-type]


class InvitationOut(Schema):
    id: int
    email: str
    source: Literal[tuple(PanelMember.Source.values)]  # type: ignore[valid-type]
    status: InvitationStatus
    invited_at: datetime.datetime
    responded_at: datetime.datetime | None

    @staticmethod
    def resolve_invited_at(obj: PanelInvitation) -> datetime.datetime:
        return obj.created_at


class InvitationIn(InputSchema):
    email: str = Field(min_length=3, max_length=254, pattern=NO_NUL, description="The expert's email address.")


class InvitationFilters(ListQuery):
    status: InvitationStatus | None = None


@router.get(
    "/calls/{call_id}/panel/invitations",
    response=page_of(InvitationOut),
    summary="A panel's invitations",
    description="The city's innovation managers (403 for others who may see the call): who was invited by "
    "email and whether they answered, newest first. The invitation links are never shown.",
)
def invitation_list(request, filters: Query[InvitationFilters], call_id: int = _id("The call's id.")):
    qs = selectors.panel_invitations(panel=_managed_panel(request, call_id))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters)


@router.post(
    "/calls/{call_id}/panel/invitations",
    response={201: InvitationOut},
    summary="Invite a judge by email",
    description="The city's innovation managers, until the panel closes (409 `refused` after). The invitation "
    "service emails a one-time link; accepting it (signed in with that address, or registering with it) puts "
    "the person on the panel. An invalid address, someone already on the panel or already invited: 400 naming "
    "`body.email`.",
    openapi_extra=REFUSED_NOW_DOC,
)
def invitation_create(request, payload: InvitationIn, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    email = payload.email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _invalid([{"name": "body.email", "message": _("Enter a valid email address.")}]) from exc
    try:
        invitation = services.panel_invite(panel=panel, email=email, by=request.user)
    except services.Refused as exc:
        raise _refused_as(exc, "panel") from exc
    except ValidationError as exc:
        raise _invalid([{"name": "body.email", "message": m} for m in exc.messages]) from exc
    return Status(201, invitation)


class RemindersOut(Schema):
    reminded: int = Field(description="How many judges with proposals still to declare on or score were emailed.")


@router.post(
    "/calls/{call_id}/panel/reminders",
    response=RemindersOut,
    summary="Remind the judges",
    description="The city's innovation managers, while the panel is scoring (409 `refused` otherwise). Emails "
    "every judge who still has proposals to declare on or score, as the evaluation page's button does.",
    openapi_extra=REFUSED_NOW_DOC,
)
def judges_remind(request, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    try:
        n = services.judges_remind(panel=panel, by=request.user)
    except services.Refused as exc:
        raise _refused_as(exc, "panel") from exc
    return {"reminded": n}


# --------------------------------------------------------------------------------------------
# The shortlist
# --------------------------------------------------------------------------------------------
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
def proposal_shortlist(request, payload: ShortlistIn, proposal_id: int = _id("The proposal's id.")):
    proposal = _proposal(request, proposal_id)
    if not can(request.user, "proposals.decide_proposal", proposal):
        raise PermissionDenied
    try:
        return services.proposal_shortlist(proposal=proposal, by=request.user, shortlisted=payload.shortlisted)
    except services.Refused as exc:
        raise _refused(exc) from exc


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
    proposals: list[RankedProposalOut]


@router.get(
    "/calls/{call_id}/ranking",
    response=RankingOut,
    summary="The panel's ranking of a call's submitted proposals",
    description="The city's innovation managers (403 for others who may see the call; 404 before the panel "
    "exists): the aggregated scores and ranks as the evaluation page shows them, with the panel's aggregation "
    "settings, disagreement flags, the shortlist and the decisions.",
)
def panel_ranking(request, call_id: int = _id("The call's id.")):
    panel = _managed_panel(request, call_id)
    rows = []
    for row in selectors.panel_results(panel=panel):
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
    return {"call": panel.call_id, "method": panel.method, "normalise": panel.normalise, "proposals": rows}
