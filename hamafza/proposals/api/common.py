"""What the resources of the proposals API share: the proposal and the call as the rules let the
caller see them, the blind-review masking, the conflict of a stale `version`, the 409 documentation."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hamafza.challenges.selectors import call_get
from hamafza.core.api.problems import ApiError, problem_doc
from hamafza.directory.models import OrganizationMembership
from hamafza.proposals import selectors, services
from hamafza.proposals.models import Panel, Proposal
from hamafza.proposals.rules import can

ProposalStatus = Literal[tuple(Proposal.Status.values)]  # type: ignore[valid-type]
PanelStatus = Literal[tuple(Panel.Status.values)]  # type: ignore[valid-type]

REFUSED_DOC = problem_doc("Refused now (`refused`, with the reasons in `errors`), or a stale `version` (`conflict`).")
REFUSED_NOW_DOC = problem_doc("Refused now (`refused`, with the reasons in `errors`).")


def is_member(user, proposal: Proposal) -> bool:
    """Whether `user` is a member of the applicant organization."""
    return OrganizationMembership.objects.filter(user_id=user.pk, organization_id=proposal.organization_id).exists()


def hide_identities(request, proposals: list[Proposal]) -> None:
    """Blind review (``selectors.mark_identities``, the rule the pages use too)."""
    selectors.mark_identities(user=request.user, proposals=proposals)


def proposal_for(request, proposal_id: int) -> Proposal:
    """The proposal if the caller may see it (selectors.proposal_get_for), else 404."""
    proposal = selectors.proposal_get_for(user=request.user, pk=proposal_id)
    hide_identities(request, [proposal])
    return proposal


def ensure_can_change(request, proposal: Proposal) -> None:
    """403 unless the caller may still change the proposal; a member of the applicant after the
    deadline gets the 409 `refused` saying why, as the page does."""
    if can(request.user, "proposals.change_proposal", proposal):
        return
    if is_member(request.user, proposal):
        raise services.Refused([services.deadline_reason(proposal.call)])
    raise PermissionDenied


def stale_version(current_version: int, detail: str) -> ApiError:
    """A 409 `conflict` problem carrying `current_version` (an RFC 9457 extension member)."""
    return ApiError(
        409,
        "conflict",
        detail,
        errors=[{"name": "body.version", "message": _("The current version is %(v)s.") % {"v": current_version}}],
        current_version=current_version,
    )


def managed_call(request, call_id: int):
    """The call if the caller may see it (else 404) and manage its evaluation (else 403). A pitch
    jury's hidden call is found by its event's organisers, who manage it (ADR 0030)."""
    call = call_get(pk=call_id, user=request.user, perm="proposals.manage_evaluation")
    if not can(request.user, "proposals.manage_evaluation", call):
        raise PermissionDenied
    return call


def managed_panel(request, call_id: int) -> Panel:
    """The panel of a call the caller manages (`managed_call`); 404 before the panel exists."""
    panel = selectors.panel_for_call(call=managed_call(request, call_id))
    if panel is None:
        raise ApiError(404, "not_found", _("This call has no evaluation panel yet."))
    return panel
