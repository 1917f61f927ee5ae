"""Outside experts invited to a panel by email (the emailed link's page answers the invitation)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import REFUSED_NOW_DOC, managed_panel
from hamafza.proposals.models import PanelInvitation, PanelMember

router = ApiRouter(refused_as="panel")

InvitationStatus = Literal[tuple(PanelInvitation.Status.values)]  # type: ignore[valid-type]


class InvitationOut(Schema):
    id: int
    email: str
    source: Literal[tuple(PanelMember.Source.values)]  # type: ignore[valid-type]
    status: InvitationStatus
    invited_at: datetime.datetime = Field(alias="created_at")
    responded_at: datetime.datetime | None


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
def invitation_list(request, filters: Query[InvitationFilters], call_id: int = id_param("The call's id.")):
    qs = selectors.panel_invitations(panel=managed_panel(request, call_id))
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
def invitation_create(request, payload: InvitationIn, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    email = payload.email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise invalid("body.email", _("Enter a valid email address.")) from exc
    try:
        invitation = services.panel_invite(panel=panel, email=email, by=request.user)
    except ValidationError as exc:
        raise invalid_parameters([{"name": "body.email", "message": m} for m in exc.messages]) from exc
    return Status(201, invitation)
