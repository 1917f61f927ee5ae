"""Consortia: the ones the caller may see, one with its coverage per role and its invitations, and
inviting an organization to a role. A consortium the caller may not see is a 404."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.consortia import selectors, services
from hamafza.consortia.api.common import REFUSED_DOC, code_of, target_of
from hamafza.consortia.models import Consortium, ConsortiumInvitation, MissionRole
from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.models import Organization

router = ApiRouter()


class ConsortiumOut(Schema):
    id: int
    mission: int | None = Field(alias="mission_id")
    call: int | None = Field(alias="call_id")
    lead: str = Field(alias="lead.slug", description="The lead organization's slug.")
    lead_name: str = Field(alias="lead.display_name")
    run: int | None = Field(alias="run_id")
    rank: int | None
    max_members: int
    proposal: int | None = Field(
        alias="proposal_id", description="The lead's proposal to the call, once the consortium applied."
    )
    created_at: datetime.datetime


class ConsortiumMemberOut(Schema):
    organization: str
    organization_name: str
    fitness: float | None
    capabilities: list[str]


class CoverageOut(Schema):
    role: str = Field(description="The role's code.")
    role_id: int
    role_name: str
    min_members: int
    max_members: int
    members: list[ConsortiumMemberOut] = Field(description="Accepted members.")
    pending: int = Field(description="Pending invitations.")
    filled: bool = Field(description="The minimum is met.")
    full: bool


class ConsortiumInvitationOut(Schema):
    id: int
    consortium: int
    organization: str
    organization_name: str
    role: str = Field(description="The role's code.")
    status: str
    fitness: float | None
    capabilities: list[str]
    message: str
    created_at: datetime.datetime
    responded_at: datetime.datetime | None
    can_respond: bool
    can_withdraw: bool


class ConsortiumDetailOut(ConsortiumOut):
    complete: bool = Field(description="Every role has its minimum of accepted members.")
    roles: list[CoverageOut] = Field(alias="api_coverage")
    invitations: list[ConsortiumInvitationOut] = Field(alias="api_invitations")
    can_invite: bool


class ConsortiumFilters(ListQuery):
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Only this mission's consortia.")
    call: int | None = Field(None, ge=1, le=MAX_ID, description="Only this call's consortia.")
    ordering: ordering_param("created_at") | None = None


class InviteIn(InputSchema):
    organization: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="The organization's slug.")
    role: str = Field(min_length=1, max_length=40, pattern=NO_NUL, description="The role's code.")
    message: str = Field("", max_length=5000, pattern=NO_NUL)


def consortium_for(request, consortium_id: int) -> Consortium:
    """The consortium if the caller may see it (404 otherwise)."""
    consortium = selectors.consortium_get(pk=consortium_id)
    ensure_perm(request, "consortia.view_consortium", consortium, hide=True)
    return consortium


def invitation_out(invitation: ConsortiumInvitation, user, caps: dict | None = None) -> dict:
    caps = caps or {}
    return {
        "id": invitation.pk,
        "consortium": invitation.consortium_id,
        "organization": invitation.organization.slug,
        "organization_name": invitation.organization.display_name,
        "role": invitation.role.code,
        "status": invitation.status,
        "fitness": invitation.fitness,
        "capabilities": [code_of(caps.get(c, c)) for c in invitation.capabilities_matched],
        "message": invitation.message,
        "created_at": invitation.created_at,
        "responded_at": invitation.responded_at,
        "can_respond": user.has_perm("consortia.respond_invitation", invitation),
        "can_withdraw": user.has_perm("consortia.withdraw_invitation", invitation),
    }


def consortium_detail_of(request, consortium: Consortium) -> Consortium:
    """The consortium with its coverage per role and its invitations (selectors.consortium_page: a
    fixed number of queries)."""
    page = selectors.consortium_page(consortium=consortium)
    user = request.user
    for invitation in page["invitations"]:
        invitation.consortium = consortium  # the rules read the lead: no query per row
    consortium.complete = page["coverage"]["complete"]
    consortium.can_invite = user.has_perm("consortia.invite_member", consortium) and not consortium.proposal_id
    consortium.api_coverage = [
        {
            "role": row["role"].code,
            "role_id": row["role"].pk,
            "role_name": row["role"].name,
            "min_members": row["role"].min_members,
            "max_members": row["role"].max_members,
            "members": [
                {
                    "organization": m.organization.slug,
                    "organization_name": m.organization.display_name,
                    "fitness": m.fitness,
                    "capabilities": [code_of(c) for c in m.capability_objects],
                }
                for m in row["members"]
            ],
            "pending": len(row["pending"]),
            "filled": row["filled"],
            "full": row["full"],
        }
        for row in page["coverage"]["rows"]
    ]
    consortium.api_invitations = [
        {**invitation_out(i, user), "capabilities": [code_of(c) for c in i.capability_objects]}
        for i in page["invitations"]
    ]
    return consortium


@router.get(
    "/consortia",
    response=page_of(ConsortiumOut),
    summary="Consortia you may see",
    description="Without a filter: the consortia your organizations lead or belong to. With `mission` or `call`: "
    "that target's consortia you may see (all of them for its managers; else those your organizations "
    "lead, belong to or are invited to), as on the target's page.",
)
def consortium_list(request, filters: Query[ConsortiumFilters]):
    if filters.mission is not None and filters.call is not None:
        raise invalid("query.call", _("Give a mission or a call, not both."))
    if filters.mission is not None or filters.call is not None:
        try:
            target = target_of(request, "mission" if filters.mission else "call", filters.mission or filters.call)
        except Http404 as exc:
            name = "query.mission" if filters.mission else "query.call"
            raise invalid(name, _("No such mission or call.")) from exc
        manager = request.user.has_perm("consortia.manage_roles", target)
        qs = selectors.consortia_visible(target=target, user=request.user, manager=manager)
    else:
        qs = selectors.consortia_for_user(user=request.user)
    return paginate(order(qs, filters.ordering, default=("-created_at",)), filters)


@router.get(
    "/consortia/{consortium_id}",
    response=ConsortiumDetailOut,
    summary="A consortium",
    description="Its roles with the accepted members and pending invitations, and every invitation. The target's "
    "managers and members of the lead, member and invited organizations; 404 for others.",
)
def consortium_detail(request, consortium_id: int = id_param("The consortium's id.")):
    return consortium_detail_of(request, consortium_for(request, consortium_id))


@router.post(
    "/consortia/{consortium_id}/invitations",
    response={201: ConsortiumInvitationOut},
    summary="Invite an organization to a role",
    description="The lead's admins. 409 `refused` when the role is full, the organization is not eligible, "
    "already fills the role or has a pending invitation for it, or the consortium has applied.",
    openapi_extra=REFUSED_DOC,
)
def consortium_invite(request, payload: InviteIn, consortium_id: int = id_param("The consortium's id.")):
    consortium = consortium_for(request, consortium_id)
    ensure_perm(request, "consortia.invite_member", consortium)
    role = MissionRole.objects.filter(
        code=payload.role, mission_id=consortium.mission_id, call_id=consortium.call_id
    ).first()
    if role is None:
        raise invalid("body.role", _("No role of this consortium has this code."))
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise invalid("body.organization", _("No such organization."))
    invitation = services.consortium_invite(
        consortium=consortium, role=role, organization=organization, by=request.user, message=payload.message
    )
    invitation = ConsortiumInvitation.objects.select_related("consortium", "organization", "role").get(pk=invitation.pk)
    return Status(201, invitation_out(invitation, request.user))
