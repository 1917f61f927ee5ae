"""Confidential proposals and their submission receipts.

Every read starts from ``proposals.selectors`` (``proposals_visible_to``, the one definition of who
sees what): a proposal the caller may not see is a 404, never a 403, as its existence is
confidential. Every write goes through one ``proposals.services`` function. A step the services
refuse now (the deadline has passed, the organization is not eligible) is a 409 ``refused`` problem
whose ``errors``, named ``proposal``, give the reasons; an edit saved by someone else since the
caller's ``version`` is a 409 ``conflict`` problem carrying ``current_version``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.challenges.selectors import call_get
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import ApiError, invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.selectors import organizations_of_user
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import (
    REFUSED_DOC,
    ProposalStatus,
    ensure_can_change,
    hide_identities,
    proposal_for,
    stale_version,
)
from hamafza.proposals.models import Proposal
from hamafza.proposals.rules import can

router = ApiRouter(refused_as="proposal")

MAX_BUDGET = 10**17  # fits a BigIntegerField with room to spare


class ProposalOut(Schema):
    id: int
    call: int = Field(alias="call_id", description="The call's id.")
    city: str = Field(alias="city.slug", description="The call's city (slug).")
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
    def resolve_organization(obj: Proposal) -> str | None:
        return None if getattr(obj, "hide_identity", False) else obj.organization.slug


class ReceiptOut(Schema):
    proposal: int = Field(alias="proposal_id")
    submitted_at: datetime.datetime
    sha256: str = Field(description="SHA-256 of the proposal's content and its attachments' hashes.")
    content_version: int


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
    hide_identities(request, page["items"])
    return page


@router.get(
    "/proposals/{proposal_id}",
    response=ProposalDetailOut,
    summary="A proposal",
    description="404 unless you may see it (the same rule as its page).",
)
def proposal_detail(request, proposal_id: int = id_param("The proposal's id.")):
    return proposal_for(request, proposal_id)


@router.post(
    "/calls/{call_id}/proposals",
    response={201: ProposalDetailOut},
    summary="Start a proposal to a call",
    description="A member of the applicant organization, while the call is open and the organization is "
    "eligible (otherwise 409 `refused` with the reasons). One proposal per organization and call: if "
    "yours exists already, 409 `conflict` with its id in `existing`. The draft is submitted separately.",
    openapi_extra=REFUSED_DOC,
)
def proposal_create(request, payload: ProposalIn, call_id: int = id_param("The call's id.")):
    call = call_get(pk=call_id, user=request.user)
    if not can(request.user, "proposals.apply"):
        raise PermissionDenied
    organization = organizations_of_user(user=request.user).filter(slug=payload.organization).first()
    if organization is None:
        raise invalid("body.organization", _("This is not one of your organizations."))
    try:
        proposal = services.proposal_save_draft(
            call=call, organization=organization, by=request.user, values=_values(payload)
        )
    except services.StaleEdit as exc:
        raise ApiError(
            409,
            "conflict",
            _("Your organization already has a proposal to this call (%(id)s); edit that one.") % {"id": exc.obj.pk},
            existing=exc.obj.pk,
        ) from exc
    return Status(201, proposal_for(request, proposal.pk))


@router.patch(
    "/proposals/{proposal_id}",
    response=ProposalDetailOut,
    summary="Edit a proposal",
    description="Members of the applicant, until the deadline (409 `refused` after it). Send the `version` you "
    "read: if someone saved in between, 409 `conflict` with `current_version` and nothing changes.",
    openapi_extra=REFUSED_DOC,
)
def proposal_update(request, payload: ProposalPatch, proposal_id: int = id_param("The proposal's id.")):
    proposal = proposal_for(request, proposal_id)
    ensure_can_change(request, proposal)
    try:
        services.proposal_save_draft(
            call=proposal.call,
            organization=proposal.organization,
            by=request.user,
            values=_values(payload),
            proposal=proposal,
            expected_version=payload.version,
        )
    except services.StaleEdit as exc:
        current = Proposal.objects.filter(pk=exc.obj.pk).values_list("version", flat=True).first() or 0
        raise stale_version(
            current,
            _(
                "Someone else saved this proposal after version %(yours)s; it is now at version %(current)s. "
                "Nothing was changed."
            )
            % {"yours": payload.version, "current": current},
        ) from exc
    return proposal_for(request, proposal.pk)


@router.post(
    "/proposals/{proposal_id}/submit",
    response=ReceiptOut,
    summary="Submit a proposal",
    description="Members of the applicant, before the deadline. The deadline, the organization's eligibility "
    "and the required parts (title, summary, approach) are checked now (409 `refused` with the reasons). "
    "Answers the receipt: the time and the SHA-256 of the content and attachments.",
    openapi_extra=REFUSED_DOC,
)
def proposal_submit(request, proposal_id: int = id_param("The proposal's id.")):
    return services.proposal_submit(proposal=proposal_for(request, proposal_id), by=request.user)


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response=ProposalDetailOut,
    summary="Withdraw a submitted proposal",
    description="Members of the applicant, before the deadline; it can be submitted again until then.",
    openapi_extra=REFUSED_DOC,
)
def proposal_withdraw(request, proposal_id: int = id_param("The proposal's id.")):
    proposal = proposal_for(request, proposal_id)
    services.proposal_withdraw(proposal=proposal, by=request.user)
    return proposal_for(request, proposal.pk)
