"""Writes for proposals and their evaluation. Each service checks its permission (proposals.rules)
and its business rules, runs in a transaction, and leaves the audit trail (django-simple-history
rows with the acting user; call state changes through ``challenges.services.call_transition``).

Errors raised for the views to show: ``PermissionDenied``; ``Refused`` (a rule forbids the step
now, with readable reasons: the deadline has passed, the organization is not eligible...);
``ValidationError`` (bad data, per field); ``StaleEdit`` (someone saved the same object after the
version the editor started from; nothing is overwritten).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from hamafza.accounts.models import CityRole
from hamafza.accounts.services import user_register
from hamafza.challenges.eligibility import call_eligibility_for
from hamafza.challenges.models import CallResult
from hamafza.challenges.notifications import emails_on, notify
from hamafza.challenges.services import TransitionRefused, call_close_if_due, call_transition
from hamafza.core import errors
from hamafza.core.formatting import format_date
from hamafza.core.text import normalize
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.selectors import membership_get
from hamafza.proposals import attachments as attachment_checks
from hamafza.proposals.emails import send_judge_reminder, send_panel_invitation
from hamafza.proposals.models import (
    ConflictDeclaration,
    Panel,
    PanelInvitation,
    PanelMember,
    Proposal,
    ProposalAttachment,
    ProposalReceipt,
    RubricCriterion,
    Score,
    ScoreSheet,
)
from hamafza.proposals.rules import can
from hamafza.proposals.selectors import panel_progress, panel_ranked

MAX_ATTACHMENTS = 20
PROPOSAL_TEXT_FIELDS = ("title", "summary", "approach", "team", "timeline", "kpis")
PROPOSAL_FIELDS = (*PROPOSAL_TEXT_FIELDS, "budget_rial")
REQUIRED_FOR_SUBMISSION = ("title", "summary", "approach")


class Refused(errors.Refused):
    """A step that the rules forbid now; ``reasons`` are shown to the user."""


class StaleEdit(Exception):
    """The object was saved by someone else after the version the editor started from."""

    def __init__(self, obj):
        self.obj = obj
        super().__init__(f"{obj.__class__.__name__} {obj.pk} changed")


def now():
    """The clock of this module (tests move it to the second around a deadline)."""
    return timezone.now()


def _require(user, perm: str, obj=None) -> None:
    if not can(user, perm, obj):
        raise PermissionDenied(perm)


def deadline_reason(call) -> str:
    """Why a proposal to `call` cannot be changed now (the deadline passed, or the call is not open):
    the one wording of the pages and the API."""
    if call.closes_at is not None and call.closes_at <= now():
        return _("The deadline (%(deadline)s, Tehran time) has passed; proposals can no longer be changed.") % {
            "deadline": format_date(call.closes_at, with_time=True)
        }
    return _("The call is not open for applications.")


def _require_open(call) -> None:
    if not call.is_open(now()):
        raise Refused([deadline_reason(call)])


def _eligibility(call, organization) -> tuple[bool, list[str]]:
    return call_eligibility_for(call=call, organization=organization, now=now())


# --------------------------------------------------------------------------------------------
# The applicant's side
# --------------------------------------------------------------------------------------------
def _clean_values(values: dict) -> dict:
    cleaned = {}
    for name in PROPOSAL_TEXT_FIELDS:
        if name in values:
            text = values[name] or ""
            cleaned[name] = normalize(text) if name == "title" else text.strip()
    if "budget_rial" in values:
        budget = values["budget_rial"]
        if budget is not None and budget < 0:
            raise ValidationError({"budget_rial": _("The budget cannot be negative.")})
        cleaned["budget_rial"] = budget
    return cleaned


@transaction.atomic
def proposal_save_draft(
    *, call, organization, by, values: dict, proposal: Proposal | None = None, expected_version: int | None = None
) -> Proposal:
    """Create or update the organization's proposal to the call, as typed.

    Guarantees: `by` is a member of the applicant organization; the call is open (before its
    deadline, Asia/Tehran, checked now on the server); one proposal per organization and call;
    an edit based on an older version than the stored one raises StaleEdit and changes nothing.
    A submitted proposal stays submitted and gets a new receipt (it was changed before the
    deadline).
    """
    if membership_get(user=by, organization=organization) is None:
        raise PermissionDenied("not a member of the applicant")
    _require_open(call)
    cleaned = _clean_values(values)
    if proposal is None:
        proposal = Proposal.objects.select_for_update().filter(call=call, organization=organization).first()
        if proposal is not None and expected_version is None:
            raise StaleEdit(proposal)
    else:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.organization_id != organization.pk or proposal.call_id != call.pk:
            raise PermissionDenied("proposal of another applicant")
    if proposal is None:
        ok, reasons = _eligibility(call, organization)
        if not ok:
            raise Refused(reasons)
        if not cleaned.get("title"):
            raise ValidationError({"title": _("Give the proposal a title.")})
        proposal = Proposal(call=call, city_id=call.city_id, organization=organization, created_by=by, **cleaned)
        proposal._history_user = by
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError as exc:  # another member created it at the same moment
            raise StaleEdit(Proposal.objects.get(call=call, organization=organization)) from exc
        return proposal
    if expected_version is not None and proposal.version != expected_version:
        raise StaleEdit(proposal)
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationError({"title": _("Give the proposal a title.")})
    for name, value in cleaned.items():
        setattr(proposal, name, value)
    proposal.version += 1
    proposal._history_user = by
    proposal.save()
    if proposal.status == Proposal.Status.SUBMITTED:
        _issue_receipt(proposal, by)
    return proposal


def content_hash(proposal: Proposal) -> str:
    """SHA-256 of the proposal's content and its attachments' hashes (canonical JSON)."""
    data = {
        "call": proposal.call_id,
        "applicant": proposal.organization_id,
        **{name: getattr(proposal, name) or "" for name in PROPOSAL_TEXT_FIELDS},
        "budget_rial": proposal.budget_rial,
        "attachments": sorted(
            [a.original_name, a.sha256, a.size] for a in ProposalAttachment.objects.filter(proposal=proposal)
        ),
    }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _issue_receipt(proposal: Proposal, by) -> ProposalReceipt:
    at = now()
    digest = content_hash(proposal)
    proposal.submitted_at = at
    proposal.receipt_hash = digest
    proposal._history_user = by
    proposal.save(update_fields=["submitted_at", "receipt_hash", "search_text"])
    return ProposalReceipt.objects.create(
        proposal=proposal, submitted_at=at, sha256=digest, content_version=proposal.version, submitted_by=by
    )


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> ProposalReceipt:
    """Submit the proposal: the deadline and the organization's eligibility are checked now, on the
    server; the required parts must be filled in. Returns the receipt (time and content hash)."""
    proposal = Proposal.objects.select_for_update().select_related("call", "organization").get(pk=proposal.pk)
    if membership_get(user=by, organization=proposal.organization) is None:
        raise PermissionDenied("not a member of the applicant")
    _require_open(proposal.call)
    ok, reasons = _eligibility(proposal.call, proposal.organization)
    if not ok:
        raise Refused(reasons)
    missing = [name for name in REQUIRED_FOR_SUBMISSION if not (getattr(proposal, name) or "").strip()]
    if missing:
        labels = [str(Proposal._meta.get_field(name).verbose_name) for name in missing]
        raise Refused([_("Fill in before submitting: %(fields)s.") % {"fields": "، ".join(labels)}])
    proposal.status = Proposal.Status.SUBMITTED
    proposal.withdrawn_at = None
    proposal._history_user = by
    proposal.save(update_fields=["status", "withdrawn_at", "search_text"])
    return _issue_receipt(proposal, by)


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by) -> Proposal:
    """Withdraw a submitted proposal before the deadline (it can be submitted again until then)."""
    proposal = Proposal.objects.select_for_update().select_related("call", "organization").get(pk=proposal.pk)
    if membership_get(user=by, organization=proposal.organization) is None:
        raise PermissionDenied("not a member of the applicant")
    _require_open(proposal.call)
    if proposal.status != Proposal.Status.SUBMITTED:
        raise Refused([_("Only a submitted proposal can be withdrawn.")])
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.withdrawn_at = now()
    proposal._history_user = by
    proposal.save(update_fields=["status", "withdrawn_at", "search_text"])
    return proposal


# A pitch jury's line-up (ADR 0030)
# --------------------------------------------------------------------------------------------
def _require_jury_setup(call) -> None:
    """The line-up of a pitch jury's hidden call changes only before scoring starts."""
    if not call.judging_only:
        raise Refused([_("Only a pitch jury's call takes proposals filed by its organisers.")])
    panel = Panel.objects.filter(call=call).first()
    if panel is not None and panel.status != Panel.Status.SETUP:
        raise Refused([_("The jury has started scoring: its line-up is fixed.")])


@transaction.atomic
def jury_proposal_file(*, call, organization, title: str, summary: str, by) -> Proposal:
    """File a pitch in the line-up as a submitted proposal of its organization to a pitch jury's
    hidden call, on the organization's behalf (its members did not write a proposal: they applied
    to pitch), with a receipt like any submission. Submitting it again after a withdrawal is the
    same call. Only the managers of the call's evaluation (the event's organisers) may do it."""
    _require(by, "proposals.manage_evaluation", call)
    _require_jury_setup(call)
    proposal = Proposal.objects.select_for_update().filter(call=call, organization=organization).first()
    if proposal is None:
        proposal = Proposal(call=call, city_id=call.city_id, organization=organization, created_by=by)
    proposal.title = normalize(title)[:200]
    proposal.summary = summary
    proposal.status = Proposal.Status.SUBMITTED
    proposal.withdrawn_at = None
    proposal._history_user = by
    proposal.save()
    _issue_receipt(proposal, by)
    return proposal


@transaction.atomic
def jury_proposal_withdraw(*, proposal: Proposal, by) -> Proposal:
    """Take a pitch out of a pitch jury's line-up before scoring starts (it left the event's line-up):
    the event's organisers, or a member of the pitching organization withdrawing its pitch."""
    proposal = Proposal.objects.select_for_update().select_related("call", "organization").get(pk=proposal.pk)
    if membership_get(user=by, organization=proposal.organization) is None:
        _require(by, "proposals.manage_evaluation", proposal.call)
    _require_jury_setup(proposal.call)
    if proposal.status == Proposal.Status.SUBMITTED:
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.withdrawn_at = now()
        proposal._history_user = by
        proposal.save(update_fields=["status", "withdrawn_at", "search_text"])
    return proposal


@transaction.atomic
def attachment_add(*, proposal: Proposal, by, upload) -> ProposalAttachment:
    """Attach a file: type checked by content (PDF, DOCX, XLSX, PNG, JPEG), size limited by
    MAX_UPLOAD_MB, name sanitised, stored under PRIVATE_MEDIA_ROOT with a random name. Before the
    deadline only; a submitted proposal gets a new receipt."""
    proposal = Proposal.objects.select_for_update().select_related("call", "organization").get(pk=proposal.pk)
    if membership_get(user=by, organization=proposal.organization) is None:
        raise PermissionDenied("not a member of the applicant")
    _require_open(proposal.call)
    checked = attachment_checks.check_upload(upload)
    if proposal.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("A proposal can have at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS})
    attachment = ProposalAttachment(
        proposal=proposal,
        original_name=checked.name,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    attachment.file.save(checked.name, upload, save=False)
    attachment._history_user = by
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    if proposal.status == Proposal.Status.SUBMITTED:
        _issue_receipt(proposal, by)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: ProposalAttachment, by) -> None:
    proposal = (
        Proposal.objects.select_for_update().select_related("call", "organization").get(pk=attachment.proposal_id)
    )
    if membership_get(user=by, organization=proposal.organization) is None:
        raise PermissionDenied("not a member of the applicant")
    _require_open(proposal.call)
    stored = attachment.file.name
    attachment._history_user = by
    attachment.delete()
    storage = ProposalAttachment._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
    if proposal.status == Proposal.Status.SUBMITTED:
        _issue_receipt(proposal, by)


# --------------------------------------------------------------------------------------------
# The panel and its rubric
# --------------------------------------------------------------------------------------------
EVALUATION_STATES = ("closed", "in_evaluation", "results_published")


@transaction.atomic
def panel_create(*, call, by) -> Panel:
    """Create the call's panel (idempotent) with the rubric copied from the call's evaluation
    criteria (frozen at publication, else the canvas's), each scored out of 10."""
    _require(by, "proposals.manage_evaluation", call)
    panel = Panel.objects.filter(call=call).first()
    if panel is not None:
        return panel
    panel = Panel(call=call, city_id=call.city_id)
    panel._history_user = by
    panel.save()
    for position, criterion in enumerate(call.criteria):
        weight = max(1, min(100, int(criterion.get("weight") or 1)))
        c = RubricCriterion(panel=panel, name=str(criterion.get("name") or "")[:200], weight=weight, position=position)
        c._history_user = by
        c.save()
    return panel


RUBRIC_TOTAL_WEIGHT = 100


def rubric_weight_problem(weights) -> str | None:
    """The rubric rule: the criteria's weights add up to 100. The message when they do not (None when
    they do). Checked when the API replaces a rubric and when scoring starts (the rubric freezes)."""
    total = sum(int(w) for w in weights)
    if total == RUBRIC_TOTAL_WEIGHT:
        return None
    return _("The weights add up to %(total)d; they must add up to 100.") % {"total": total}


def _require_rubric_editable(panel: Panel) -> None:
    if not panel.rubric_editable:
        raise Refused([_("Scoring has started: the rubric is frozen.")])


@transaction.atomic
def rubric_criterion_save(
    *,
    panel: Panel,
    by,
    name: str,
    weight: int,
    scale_max: int = 10,
    description: str = "",
    criterion: RubricCriterion | None = None,
    position: int | None = None,
) -> RubricCriterion:
    """Add or change a rubric criterion while the panel is being set up (``position``: its place
    in the rubric; a new criterion goes last when it is not given)."""
    _require(by, "proposals.manage_evaluation", panel)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _require_rubric_editable(panel)
    name = normalize(name)
    if not name:
        raise ValidationError({"name": _("Name the criterion.")})
    if criterion is None:
        criterion = RubricCriterion(panel=panel, position=panel.criteria.count())
    elif criterion.panel_id != panel.pk:
        raise PermissionDenied("criterion of another panel")
    criterion.name, criterion.weight, criterion.scale_max, criterion.description = name, weight, scale_max, description
    if position is not None:
        criterion.position = position
    criterion.full_clean()
    criterion._history_user = by
    criterion.save()
    return criterion


@transaction.atomic
def rubric_criterion_remove(*, criterion: RubricCriterion, by) -> None:
    panel = Panel.objects.select_for_update().get(pk=criterion.panel_id)
    _require(by, "proposals.manage_evaluation", panel)
    _require_rubric_editable(panel)
    criterion._history_user = by
    criterion.delete()


PANEL_SETTINGS = (
    "blind_review",
    "method",
    "normalise",
    "trim",
    "disagreement_threshold",
    "publish_scores",
    "scoring_deadline",
)


@transaction.atomic
def panel_update_settings(*, panel: Panel, by, expected_version: int | None = None, **values) -> Panel:
    """Change blind review (only before scoring starts), the aggregation settings, whether scores
    are shown on the public results page and the scoring deadline (a new deadline must lie in the
    future; an unchanged one that has passed does not stop the other settings from being saved)."""
    _require(by, "proposals.manage_evaluation", panel)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if expected_version is not None and panel.version != expected_version:
        raise StaleEdit(panel)
    if "blind_review" in values and values["blind_review"] != panel.blind_review and not panel.rubric_editable:
        raise Refused([_("Blind review can only be changed before scoring starts.")])
    deadline = values.get("scoring_deadline")
    if deadline is not None and deadline != panel.scoring_deadline and deadline <= now():
        raise ValidationError({"scoring_deadline": _("The scoring deadline must be in the future.")})
    for name, value in values.items():
        if name not in PANEL_SETTINGS:
            raise ValueError(name)
        setattr(panel, name, value)
    panel.full_clean()
    panel.version += 1
    panel._history_user = by
    panel.save()
    return panel


@transaction.atomic
def panel_add_city_judge(*, panel: Panel, user, by) -> PanelMember:
    """Add a user holding the judge role in the panel's city (idempotent)."""
    _require(by, "proposals.manage_evaluation", panel)
    if not CityRole.objects.filter(user=user, city_id=panel.city_id, role=CityRole.Role.JUDGE).exists():
        raise Refused([_("Only a judge of this city can be added directly; invite outside experts by email.")])
    return _member_add(panel=panel, user=user, source=PanelMember.Source.CITY_JUDGE, by=by)


def _member_add(*, panel: Panel, user, source: str, by) -> PanelMember:
    member = PanelMember.objects.filter(panel=panel, user=user).first()
    if member is not None:
        return member
    member = PanelMember(panel=panel, user=user, source=source)
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def panel_invite(*, panel: Panel, email: str, by) -> PanelInvitation:
    """Invite someone by email to judge (an outside expert, or a judge of the city). The email
    carries a one-time link; accepting creates the panel membership."""
    _require(by, "proposals.manage_evaluation", panel)
    if panel.status == Panel.Status.CLOSED:
        raise Refused([_("The panel is closed.")])
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter an email address.")})
    if PanelMember.objects.filter(panel=panel, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already on the panel.")})
    if PanelInvitation.objects.filter(panel=panel, email__iexact=email, status=PanelInvitation.Status.PENDING).exists():
        raise ValidationError({"email": _("This person has already been invited.")})
    is_city_judge = CityRole.objects.filter(
        user__email__iexact=email, city_id=panel.city_id, role=CityRole.Role.JUDGE
    ).exists()
    invitation = PanelInvitation(
        panel=panel,
        email=email,
        token=secrets.token_urlsafe(32),
        source=PanelMember.Source.CITY_JUDGE if is_city_judge else PanelMember.Source.OUTSIDE_EXPERT,
        invited_by=by,
    )
    invitation._history_user = by
    invitation.save()
    url = reverse("proposals:invitation_respond", args=[invitation.token])
    if emails_on():
        transaction.on_commit(lambda: send_panel_invitation.delay(invitation.pk, url))
    return invitation


def invitation_get(*, token: str) -> PanelInvitation | None:
    if not token or len(token) > 64:
        return None
    return PanelInvitation.objects.select_related("panel", "panel__call").filter(token=token).first()


@transaction.atomic
def invitation_accept(*, invitation: PanelInvitation, user=None, password: str = "", display_name: str = ""):
    """Accept an invitation. A signed-in user must hold the invited email; someone without an
    account creates one here (with that email). Returns the panel membership."""
    invitation = PanelInvitation.objects.select_for_update().select_related("panel").get(pk=invitation.pk)
    if invitation.status != PanelInvitation.Status.PENDING:
        raise Refused([_("This invitation is no longer valid.")])
    if invitation.panel.status == Panel.Status.CLOSED:
        raise Refused([_("The panel is closed.")])
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            raise Refused(
                [_("This invitation was sent to %(email)s; sign in with that address.") % {"email": invitation.email}]
            )
    else:
        User = get_user_model()
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise Refused([_("An account with this email exists: sign in to accept.")])

        user = user_register(email=invitation.email, password=password, display_name_fa=display_name)
    member = _member_add(panel=invitation.panel, user=user, source=invitation.source, by=user)
    invitation.status = PanelInvitation.Status.ACCEPTED
    invitation.responded_at = now()
    invitation._history_user = user
    invitation.save(update_fields=["status", "responded_at"])
    return member


@transaction.atomic
def invitation_decline(*, invitation: PanelInvitation) -> None:
    invitation = PanelInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == PanelInvitation.Status.PENDING:
        invitation.status = PanelInvitation.Status.DECLINED
        invitation.responded_at = now()
        invitation.save(update_fields=["status", "responded_at"])


def _call_transition(*, call, to: str, by):
    """Move the call through the challenges app's state machine (its permission and audit)."""
    try:
        return call_transition(call=call, to=to, by=by)
    except TransitionRefused as exc:
        raise Refused(exc.reasons) from exc


@transaction.atomic
def panel_start_scoring(*, panel: Panel, by) -> Panel:
    """Start scoring: the call must be closed (it is moved to "in evaluation"), the rubric must have
    criteria and the panel at least one judge. The rubric is frozen from here on."""
    _require(by, "proposals.manage_evaluation", panel)
    panel = Panel.objects.select_for_update().select_related("call").get(pk=panel.pk)
    if panel.status != Panel.Status.SETUP:
        raise Refused([_("Scoring has already started.")])
    call = panel.call
    call_close_if_due(call=call)
    reasons = []
    if call.state not in ("closed", "in_evaluation"):
        reasons.append(_("Scoring starts after the call closes."))
    weights = list(panel.criteria.values_list("weight", flat=True))
    if not weights:
        reasons.append(_("The rubric has no criteria."))
    elif problem := rubric_weight_problem(weights):
        reasons.append(problem)
    if not panel.members.exists():
        reasons.append(_("The panel has no judges yet."))
    if reasons:
        raise Refused(reasons)
    if call.state == "closed":
        _call_transition(call=call, to="in_evaluation", by=by)
    panel.status = Panel.Status.SCORING
    panel.scoring_started_at = now()
    panel._history_user = by
    panel.save(update_fields=["status", "scoring_started_at"])
    return panel


@transaction.atomic
def panel_close(*, panel: Panel, by) -> Panel:
    """Close scoring: no more scores; judges may now see each other's scores."""
    _require(by, "proposals.manage_evaluation", panel)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if panel.status != Panel.Status.SCORING:
        raise Refused([_("Only a panel that is scoring can be closed.")])
    panel.status = Panel.Status.CLOSED
    panel.closed_at = now()
    panel._history_user = by
    panel.save(update_fields=["status", "closed_at"])
    return panel


@transaction.atomic
def judges_remind(*, panel: Panel, by, members=None) -> int:
    """Email a reminder to judges who still have proposals to declare or score. Returns how many."""
    _require(by, "proposals.manage_evaluation", panel)
    if panel.status != Panel.Status.SCORING:
        raise Refused([_("Reminders are sent while the panel is scoring.")])
    progress = panel_progress(panel=panel)
    wanted = {m.pk for m in members} if members is not None else None
    n = 0
    for row in progress["rows"]:
        member = row["member"]
        if row["missing"] and (wanted is None or member.pk in wanted):
            member.last_reminded_at = now()
            member._history_user = by
            member.save(update_fields=["last_reminded_at"])
            if emails_on():
                transaction.on_commit(lambda m=member.pk, k=row["missing"]: send_judge_reminder.delay(m, k))
            n += 1
    return n


#: Judges with work missing are reminded once this many days before the panel's scoring deadline.
DEADLINE_REMINDER_DAYS = 3


def judges_remind_before_deadline(*, at=None) -> int:
    """The beat task's reminders: on each scoring panel whose deadline is less than
    ``DEADLINE_REMINDER_DAYS`` days away, email every judge who still has proposals to declare or
    score and has not been reminded since the reminder window opened (a manager's reminder in the
    window counts). Safe to run twice: ``last_reminded_at`` is claimed before the email is sent.
    Returns how many judges were reminded."""
    at = at or now()
    window = datetime.timedelta(days=DEADLINE_REMINDER_DAYS)
    panels = Panel.objects.filter(
        status=Panel.Status.SCORING, scoring_deadline__gt=at, scoring_deadline__lte=at + window
    ).order_by("scoring_deadline", "pk")
    n = 0
    for panel in panels:
        opened = panel.scoring_deadline - window
        for row in panel_progress(panel=panel)["rows"]:
            member = row["member"]
            if not row["missing"] or (member.last_reminded_at and member.last_reminded_at >= opened):
                continue
            with transaction.atomic():
                claimed = PanelMember.objects.filter(pk=member.pk, last_reminded_at=member.last_reminded_at).update(
                    last_reminded_at=at
                )
                if not claimed:  # another run reminded this judge
                    continue
                if emails_on():
                    transaction.on_commit(lambda m=member.pk, k=row["missing"]: send_judge_reminder.delay(m, k))
            n += 1
    return n


# --------------------------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------------------------
def _member_for(panel_call_id, user) -> PanelMember:
    member = PanelMember.objects.select_related("panel").filter(panel__call_id=panel_call_id, user=user).first()
    if member is None:
        raise PermissionDenied("not on the panel")
    return member


@transaction.atomic
def conflict_declare(*, proposal: Proposal, by, has_conflict: bool, note: str = "") -> ConflictDeclaration:
    """A judge's declaration for one proposal, once, before seeing it. While scoring only."""
    member = _member_for(proposal.call_id, by)
    if member.panel.status != Panel.Status.SCORING:
        raise Refused([_("Declarations are made while the panel is scoring.")])
    if proposal.status != Proposal.Status.SUBMITTED:
        raise PermissionDenied("not submitted")
    existing = ConflictDeclaration.objects.filter(member=member, proposal=proposal).first()
    if existing is not None:
        raise Refused([_("You have already declared for this proposal; ask the innovation manager to change it.")])
    declaration = ConflictDeclaration(member=member, proposal=proposal, has_conflict=has_conflict, note=note.strip())
    declaration._history_user = by
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError as exc:
        raise Refused([_("You have already declared for this proposal.")]) from exc
    return declaration


@transaction.atomic
def sheet_save(
    *,
    proposal: Proposal,
    by,
    values: dict,
    comments: dict | None = None,
    comment: str = "",
    expected_version: int,
    complete: bool = False,
) -> ScoreSheet:
    """Save a judge's scores for a proposal.

    Guarantees: only a panel member who declared no conflict, while the panel is scoring; every
    value within 0..the criterion's maximum; ``complete=True`` requires every criterion; the sheet's
    version must match ``expected_version`` (a save from another tab or device in between raises
    StaleEdit and nothing is overwritten). Each change is in the scores' history.
    """
    member = _member_for(proposal.call_id, by)
    panel = Panel.objects.select_for_update().get(pk=member.panel_id)
    if panel.status != Panel.Status.SCORING:
        raise Refused([_("The panel is not scoring: scores can no longer be changed.")])
    declaration = ConflictDeclaration.objects.filter(member=member, proposal=proposal).first()
    if declaration is None or declaration.has_conflict:
        raise PermissionDenied("no clearance for this proposal")
    comments = comments or {}
    criteria = {c.pk: c for c in panel.criteria.all()}
    errors = {}
    for key, value in values.items():
        criterion = criteria.get(key)
        if criterion is None:
            raise ValidationError(pgettext("text", "Unknown criterion."))
        if value is None:
            continue
        if not (0 <= value <= criterion.scale_max):
            errors[f"c{key}"] = _("Give a score from 0 to %(max)d.") % {"max": criterion.scale_max}
    if complete:
        for key in criteria:
            if values.get(key) is None:
                errors[f"c{key}"] = _("Score this criterion before marking the sheet complete.")
    if errors:
        raise ValidationError(errors)
    sheet, _created = ScoreSheet.objects.get_or_create(member=member, proposal=proposal)
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.version != expected_version:
        raise StaleEdit(sheet)
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    for key, value in values.items():
        score = existing.get(key)
        text = (comments.get(key) or "").strip()
        if value is None:
            if score is not None:
                score._history_user = by
                score.delete()
            continue
        if score is None:
            score = Score(sheet=sheet, criterion_id=key)
        elif score.value == value and score.comment == text:
            continue
        score.value, score.comment = value, text
        score._history_user = by
        score.save()
    sheet.comment = comment.strip()
    sheet.version += 1
    sheet.completed_at = now() if complete else None
    sheet._history_user = by
    sheet.save()
    return sheet


# --------------------------------------------------------------------------------------------
# Shortlist, decisions and results
# --------------------------------------------------------------------------------------------
JURY_RESULTS_ON_EVENT = gettext_lazy("The results of a pitch jury are published on its event's page.")


def _require_closed_panel(proposal: Proposal) -> Panel:
    if proposal.call.judging_only:
        raise Refused([str(JURY_RESULTS_ON_EVENT)])
    panel = Panel.objects.filter(call_id=proposal.call_id).first()
    if panel is None or panel.status != Panel.Status.CLOSED:
        raise Refused([_("Decisions are made after the panel has closed.")])
    if proposal.call.state != "in_evaluation":
        raise Refused([_("The results of this call are already published.")])
    return panel


@transaction.atomic
def proposal_shortlist(*, proposal: Proposal, by, shortlisted: bool) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    _require(by, "proposals.decide_proposal", proposal)
    _require_closed_panel(proposal)
    proposal.shortlisted = shortlisted
    proposal._history_user = by
    proposal.save(update_fields=["shortlisted", "search_text"])
    return proposal


@transaction.atomic
def proposal_decide(*, proposal: Proposal, by, decision: str, reason: str) -> Proposal:
    """Record the decision on a proposal (awarded or not) with its reason, after the panel closed.
    The reason is shown to the applicant and, for awarded proposals, on the public results."""
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    _require(by, "proposals.decide_proposal", proposal)
    _require_closed_panel(proposal)
    if decision not in (Proposal.Decision.AWARDED, Proposal.Decision.NOT_AWARDED):
        raise ValidationError({"decision": _("Choose awarded or not awarded.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    proposal.decision = decision
    proposal.decision_reason = reason
    proposal.decided_at = now()
    proposal.decided_by = by
    proposal._history_user = by
    proposal.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by", "search_text"])
    return proposal


@transaction.atomic
def results_publish(*, call, by):
    """Publish the call's results: every submitted proposal must have a decision. Writes the public
    result rows of the winners (with their reason; the rank from the panel's aggregation only if
    the manager chose to publish scores), moves the call to "results published" and notifies the
    applicants' members (each reads its own decision on its proposal page)."""
    _require(by, "proposals.manage_evaluation", call)
    if call.judging_only:
        raise Refused([str(JURY_RESULTS_ON_EVENT)])
    panel = Panel.objects.select_for_update().filter(call=call).first()
    if panel is None or panel.status != Panel.Status.CLOSED:
        raise Refused([_("Close the panel before publishing the results.")])
    proposals = list(
        Proposal.objects.filter(call=call, status=Proposal.Status.SUBMITTED).select_related("organization")
    )
    undecided = [p for p in proposals if p.decision == Proposal.Decision.PENDING]
    if undecided:
        raise Refused([_("Decide every proposal first; %(n)d still without a decision.") % {"n": len(undecided)}])
    ranks = {r.proposal: r.rank for r in panel_ranked(panel=panel)}
    _call_transition(call=call, to="results_published", by=by)
    # Only winners are public: an applicant that was not awarded is told on its own proposal page,
    # and the fact that it applied stays confidential.
    CallResult.objects.filter(call=call).delete()
    for p in proposals:
        if p.decision != Proposal.Decision.AWARDED:
            continue
        result = CallResult(
            call=call,
            organization=p.organization,
            outcome=CallResult.Outcome.AWARDED,
            public_reason=p.decision_reason,
            rank=ranks.get(p.pk) if panel.publish_scores else None,
        )
        result._history_user = by
        result.save()

    users = [
        m.user
        for m in OrganizationMembership.objects.filter(
            organization__in=[p.organization_id for p in proposals]
        ).select_related("user")
    ]
    notify(
        users=users,
        kind="call_results",
        params={"title": call.title},
        url=reverse("challenges:call_results", args=[call.pk]),
    )
    return call


def deadline_text(call) -> str:
    return format_date(call.closes_at, with_time=True) if call.closes_at else ""
