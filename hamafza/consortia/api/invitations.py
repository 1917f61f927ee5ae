"""Answering a consortium's invitation (the invited organization's admins) or withdrawing it (the
lead's admins). One the caller may not see is a 404; one they see but may not act on a 403; one
no longer pending a 409 `refused`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field

from hamafza.consortia import services
from hamafza.consortia.api.common import REFUSED_DOC
from hamafza.consortia.api.consortia import ConsortiumInvitationOut, invitation_out
from hamafza.consortia.models import ConsortiumInvitation
from hamafza.consortia.rules import is_invitation_lead_admin, is_invited_org_admin
from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.params import InputSchema, id_param
from hamafza.core.api.routers import ApiRouter

router = ApiRouter()


class RespondIn(InputSchema):
    accept: bool = Field(description="true accepts, false declines.")


def _invitation(request, invitation_id: int) -> ConsortiumInvitation:
    invitation = (
        ConsortiumInvitation.objects.select_related("consortium", "organization", "role")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    ensure_perm(request, "consortia.view_consortium", invitation.consortium, hide=True)
    return invitation


def _allowed_or_raise(request, perm: str, invitation: ConsortiumInvitation, is_actor) -> None:
    """403 unless the caller is the one who may act on the invitation; 409 `refused` when they are,
    but it is no longer pending."""
    if request.user.has_perm(perm, invitation):
        return
    if not is_actor(request.user, invitation):
        raise PermissionDenied
    raise services.Refused(_("This invitation has already been answered or withdrawn."))


@router.post(
    "/consortium-invitations/{invitation_id}/respond",
    response=ConsortiumInvitationOut,
    summary="Accept or decline an invitation",
    description="An admin of the invited organization, while the invitation is pending (409 `refused` after it "
    "was answered or withdrawn, or when accepting would overfill the role or the consortium).",
    openapi_extra=REFUSED_DOC,
)
def invitation_respond(request, payload: RespondIn, invitation_id: int = id_param("The invitation's id.")):
    invitation = _invitation(request, invitation_id)
    _allowed_or_raise(request, "consortia.respond_invitation", invitation, is_invited_org_admin)
    invitation = services.invitation_respond(invitation=invitation, by=request.user, accept=payload.accept)
    return invitation_out(_invitation(request, invitation.pk), request.user)


@router.post(
    "/consortium-invitations/{invitation_id}/withdraw",
    response=ConsortiumInvitationOut,
    summary="Withdraw an invitation",
    description="The lead's admins, while the invitation is pending (409 `refused` after it).",
    openapi_extra=REFUSED_DOC,
)
def invitation_withdraw(request, invitation_id: int = id_param("The invitation's id.")):
    invitation = _invitation(request, invitation_id)
    _allowed_or_raise(request, "consortia.withdraw_invitation", invitation, is_invitation_lead_admin)
    invitation = services.invitation_withdraw(invitation=invitation, by=request.user)
    return invitation_out(_invitation(request, invitation.pk), request.user)
