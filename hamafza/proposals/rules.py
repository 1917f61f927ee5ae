"""Who may do what with proposals and their evaluation (django-rules).

The visibility predicates do not re-implement the rule: they ask the scoped querysets of
``proposals.selectors`` (``proposals_visible_to`` and friends), so the detail page, lists,
search, dashboard counts, exports, downloads and the API all share one definition.

Objects: a Proposal, a ProposalAttachment, a Score, a Call or a Panel (anything with ``city_id``).
Platform admins have no right here beyond any signed-in user's (no superuser shortcut): they never
read, score or decide proposals (docs/decisions/0006).
"""

import rules

from hamafza.accounts.rules import is_authenticated, is_innovation_manager
from hamafza.core import hooks
from hamafza.directory.selectors import membership_get, organizations_of_user
from hamafza.proposals.models import Panel, Proposal, ProposalAttachment, Score
from hamafza.proposals.selectors import proposals_visible_to, scores_visible_to


def _proposal_of(obj):
    if isinstance(obj, Proposal):
        return obj
    if isinstance(obj, ProposalAttachment):
        return obj.proposal
    if isinstance(obj, Score):
        return obj.sheet.proposal
    return None


def can(user, perm: str, obj=None) -> bool:
    """Ask this app's rules directly. Unlike ``user.has_perm`` this gives a superuser no bypass:
    platform staff do not read confidential proposals, scores or attachments in the web UI."""
    return rules.has_perm(perm, user, obj)


@rules.predicate
def can_see_proposal(user, obj):
    """The one visibility rule, asked through the scoped selector."""
    proposal = _proposal_of(obj)
    if proposal is None or proposal.pk is None:
        return False
    return proposals_visible_to(user).filter(pk=proposal.pk).exists()


@rules.predicate
def can_see_score(user, score):
    return isinstance(score, Score) and scores_visible_to(user).filter(pk=score.pk).exists()


@rules.predicate
def is_applicant_member(user, obj):
    proposal = _proposal_of(obj)
    return proposal is not None and membership_get(user=user, organization=proposal.organization) is not None


@rules.predicate
def is_city_manager(user, obj):
    """Innovation manager of the object's city (a call, panel or proposal)."""
    return obj is not None and getattr(obj, "city_id", None) is not None and is_innovation_manager(user, obj)


@rules.predicate
def is_delegated_evaluation_manager(user, obj):
    """Granted by a higher app through ``hooks.evaluation_managers`` for the object's call (a call,
    panel or proposal): the organisers of a pitch event judge its line-up (ADR 0030)."""
    if obj is None or not user.is_authenticated or not len(hooks.evaluation_managers):
        return False
    call = obj if hasattr(obj, "judging_only") else getattr(obj, "call", None)
    return call is not None and any(fn(user, call) for fn in hooks.evaluation_managers)


@rules.predicate
def is_panel_member(user, obj):
    """A member of the panel of the object's call (obj: a Proposal or a Panel)."""
    if obj is None or not user.is_authenticated:
        return False
    panel_filter = {"panel": obj} if isinstance(obj, Panel) else {"panel__call_id": getattr(obj, "call_id", None)}
    return user.panel_memberships.filter(**panel_filter).exists()


@rules.predicate
def is_editable_by_applicant(user, proposal):
    """Before the deadline, the call still published: drafts, submitted and withdrawn proposals can
    be edited (the service re-checks the deadline at the moment of saving)."""
    return proposal is not None and proposal.call.is_open()


@rules.predicate
def is_scoring(user, obj):
    proposal = _proposal_of(obj)
    panel = getattr(proposal.call, "panel", None) if proposal is not None else obj
    return isinstance(panel, Panel) and panel.status == Panel.Status.SCORING


@rules.predicate
def is_submitted(user, obj):
    proposal = _proposal_of(obj)
    return proposal is not None and proposal.status == Proposal.Status.SUBMITTED


@rules.predicate
def is_org_member_anywhere(user):
    return bool(user.is_authenticated and organizations_of_user(user=user).exists())


# Proposals, attachments and scores: seeing them
rules.add_perm("proposals.view_proposal", can_see_proposal)
rules.add_perm("proposals.view_attachment", can_see_proposal)
rules.add_perm("proposals.view_score", can_see_score)
rules.add_perm("proposals.list_proposals", is_authenticated)  # the list shows only the visible set

# The applicant's side
rules.add_perm("proposals.apply", is_authenticated & is_org_member_anywhere)
rules.add_perm("proposals.change_proposal", is_applicant_member & is_editable_by_applicant)

# Evaluation: the call's innovation managers
rules.add_perm("proposals.manage_evaluation", is_city_manager | is_delegated_evaluation_manager)
rules.add_perm("proposals.export_proposals", is_city_manager)
rules.add_perm("proposals.decide_proposal", is_city_manager & is_submitted)

# Evaluation: judges
rules.add_perm("proposals.declare_conflict", is_panel_member & is_submitted & is_scoring)
rules.add_perm("proposals.score_proposal", is_panel_member & can_see_proposal & is_scoring)
