"""Writes of pilots and agreements.

Every service takes keyword-only arguments, checks ``by``'s permission (``pilots.rules``, raising
PermissionDenied), runs in a transaction, enforces the business rules (raising ``Refused`` with
reasons for the user, or ValidationError for bad values) and leaves an audit row
(django-simple-history on every model, plus ``PilotTransition`` / ``AgreementTransition`` rows
for state changes). State changes happen only through :func:`pilot_transition` and
:func:`agreement_transition`. Notifications and the matching index follow after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.challenges.notifications import notify
from hamafza.consortia.models import Consortium
from hamafza.core import errors, hooks
from hamafza.core.services import save_validated
from hamafza.pilots import rules as pilot_rules
from hamafza.pilots import selectors
from hamafza.pilots.models import (
    Agreement,
    AgreementDocument,
    AgreementMilestone,
    AgreementParty,
    AgreementTransition,
    FinalReport,
    FinalReportKpi,
    Kpi,
    LogEntry,
    Measurement,
    Milestone,
    Obligation,
    Payment,
    Pilot,
    PilotFile,
    PilotParty,
    PilotTransition,
)
from hamafza.proposals import attachments as file_checks
from hamafza.proposals.models import Proposal

MAX_FILES_PER_PILOT = 200
MAX_DOCUMENTS_PER_AGREEMENT = 20


class Refused(errors.Refused):
    """A step the current state forbids; ``reasons`` are shown to the user."""


def _require(user, perm: str, obj=None) -> None:
    if not pilot_rules.can(user, perm, obj):
        raise PermissionDenied(perm)


def track_record_changed(organization_ids) -> None:
    """A pilot or an agreement changed what counts in these organizations' track record: announce it
    (``hooks.organizations_changed``, inside this transaction) so the matching app logs them in its
    index change log and every server's index applies the new count before its next match."""
    hooks.organizations_changed.send(organization_ids=list(organization_ids))


def _today() -> datetime.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------------------------
# Starting a pilot
# ------------------------------------------------------------------------------------------------
def _consortium_of(proposal: Proposal):
    """The consortium whose application `proposal` is, if any (consortia is below pilots)."""
    return (
        Consortium.objects.filter(proposal=proposal)
        .prefetch_related("members__organization", "members__role")
        .select_related("lead")
        .first()
    )


@transaction.atomic
def pilot_start(*, proposal: Proposal, by, unit=None, title: str = "") -> Pilot:
    """Start a pilot of an awarded proposal (one pilot per proposal), in `unit` (default: the
    canvas's pilot site, else the call's unit). The applicant becomes the lead party; a
    consortium's members become parties with their roles. The canvas's KPI is copied in. The pilot
    starts in "planned" with its first audit row."""
    proposal = (
        Proposal.objects.select_for_update().select_related("call", "call__unit", "organization").get(pk=proposal.pk)
    )
    _require(by, "pilots.start_pilot", proposal)
    reasons = []
    if proposal.decision != Proposal.Decision.AWARDED:
        reasons.append(_("Only an awarded proposal can become a pilot."))
    if Pilot.objects.filter(proposal=proposal).exists():
        reasons.append(_("This proposal already has a pilot."))
    call = proposal.call
    canvas = getattr(call, "canvas", None)
    if unit is None:
        unit = (canvas.pilot_unit if canvas is not None and canvas.pilot_unit_id else None) or call.unit
    if unit.city_id != proposal.city_id:
        reasons.append(_("The host unit must belong to the call's city."))
    if reasons:
        raise Refused(reasons)
    pilot = save_validated(
        Pilot(
            city_id=proposal.city_id,
            call=call,
            proposal=proposal,
            unit=unit,
            title=(title or proposal.title)[:200],
            summary=proposal.summary,
            started_by=by,
        ),
        by,
    )
    consortium = _consortium_of(proposal)
    save_validated(PilotParty(pilot=pilot, organization=proposal.organization, role=PilotParty.Role.LEAD), by)
    if consortium is not None:
        seen = {proposal.organization_id}
        lead_roles = [m.role.name for m in consortium.members.all() if m.organization_id == proposal.organization_id]
        if lead_roles:
            PilotParty.objects.filter(pilot=pilot, organization=proposal.organization).update(
                role_name="، ".join(lead_roles)[:200]
            )
        for member in consortium.members.all():
            if member.organization_id in seen:
                continue
            seen.add(member.organization_id)
            roles = [m.role.name for m in consortium.members.all() if m.organization_id == member.organization_id]
            save_validated(
                PilotParty(
                    pilot=pilot,
                    organization=member.organization,
                    role=PilotParty.Role.MEMBER,
                    role_name="، ".join(roles)[:200],
                ),
                by,
            )
    if canvas is not None and canvas.kpi_name:
        save_validated(
            Kpi(
                pilot=pilot,
                name=canvas.kpi_name,
                unit=canvas.kpi_unit,
                baseline=canvas.baseline_value,
                target=canvas.target_value,
                target_date=canvas.target_date,
            ),
            by,
        )
    PilotTransition.objects.create(pilot=pilot, from_state="", to_state=Pilot.State.PLANNED, by=by)
    users = selectors.pilot_participant_users(pilot=pilot)
    notify(
        users=users,
        kind="pilot_started",
        params={"title": pilot.title, "unit": unit.name},
        url=f"/fa/pilots/{pilot.pk}/",
    )
    return pilot


PLAN_FIELDS = ("title", "summary", "unit", "start_date", "end_date", "approved_budget_rial")


@transaction.atomic
def pilot_update_plan(*, pilot: Pilot, by, **fields) -> Pilot:
    """Change the plan (title, summary, host unit, dates, approved budget) of an open pilot."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    _require(by, "pilots.manage_pilot", pilot)
    if not pilot.is_open:
        raise Refused(_("A completed or stopped pilot can no longer be changed."))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    if "unit" in fields and fields["unit"].city_id != pilot.city_id:
        raise ValidationError({"unit": _("The host unit must belong to the pilot's city.")})
    for name, value in fields.items():
        setattr(pilot, name, value)
    if pilot.start_date and pilot.end_date and pilot.end_date < pilot.start_date:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})
    return save_validated(pilot, by)


# ------------------------------------------------------------------------------------------------
# The state machine (the one transition service)
# ------------------------------------------------------------------------------------------------
PILOT_TRANSITIONS = {
    Pilot.State.PLANNED: {Pilot.State.RUNNING, Pilot.State.STOPPED},
    Pilot.State.RUNNING: {Pilot.State.PAUSED, Pilot.State.COMPLETED, Pilot.State.STOPPED},
    Pilot.State.PAUSED: {Pilot.State.RUNNING, Pilot.State.COMPLETED, Pilot.State.STOPPED},
    Pilot.State.COMPLETED: set(),
    Pilot.State.STOPPED: set(),
}


def pilot_transition_problems(pilot: Pilot, to_state: str, reason: str = "") -> list[str]:
    """Why `pilot` cannot move to `to_state` now ([] when it can)."""
    problems = []
    if to_state not in PILOT_TRANSITIONS.get(pilot.state, set()):
        problems.append(
            _("A pilot cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": Pilot.State(pilot.state).label,
                "to": Pilot.State(to_state).label if to_state in Pilot.State.values else to_state,
            }
        )
        return problems
    if to_state == Pilot.State.STOPPED and not reason.strip():
        problems.append(_("Give the reason for stopping the pilot."))
    if to_state == Pilot.State.RUNNING and pilot.state == Pilot.State.PLANNED:
        if not pilot.start_date or not pilot.end_date:
            problems.append(_("Set the start and end dates before the pilot runs."))
        if not pilot.kpis.exists():
            problems.append(_("Define at least one KPI before the pilot runs."))
    if to_state == Pilot.State.COMPLETED:
        report = FinalReport.objects.filter(pilot=pilot).first()
        if report is None or not report.is_approved:
            problems.append(_("The final report must be approved by the manager before the pilot is completed."))
    return problems


@transaction.atomic
def pilot_transition(*, pilot: Pilot, to_state: str, by, reason: str = "") -> Pilot:
    """Move the pilot to `to_state` (planned → running → paused ⇄ running → completed, or stopped
    with a reason from any open state); writes the audit row, notifies the participants and, when
    the pilot completes or stops, records the track-record change for the matching index."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    _require(by, "pilots.manage_pilot", pilot)
    problems = pilot_transition_problems(pilot, to_state, reason)
    if problems:
        raise Refused(problems)
    from_state = pilot.state
    now = timezone.now()
    pilot.state = to_state
    if to_state == Pilot.State.RUNNING and pilot.running_since is None:
        pilot.running_since = now
    if to_state == Pilot.State.COMPLETED:
        pilot.completed_at = now
    if to_state == Pilot.State.STOPPED:
        pilot.stopped_at = now
        pilot.stop_reason = reason.strip()
    save_validated(pilot, by)
    PilotTransition.objects.create(pilot=pilot, from_state=from_state, to_state=to_state, by=by, reason=reason.strip())
    if to_state in (Pilot.State.COMPLETED, Pilot.State.STOPPED):
        track_record_changed(list(pilot.parties.values_list("organization_id", flat=True)))
    users = selectors.pilot_participant_users(pilot=pilot)
    params = {"title": pilot.title, "state": str(Pilot.State(to_state).label)}
    notify(users=users, kind="pilot_state", params=params, url=f"/fa/pilots/{pilot.pk}/")
    return pilot


# ------------------------------------------------------------------------------------------------
# Parties and KPIs
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def party_update(*, party: PilotParty, by, role_name: str | None = None, share_percent=None) -> PilotParty:
    """Set a party's role name and share of the work; the shares of a pilot never exceed 100 %."""
    _require(by, "pilots.manage_pilot", party.pilot)
    if role_name is not None:
        party.role_name = role_name
    party.share_percent = share_percent
    others = sum(
        (p.share_percent or Decimal(0)) for p in PilotParty.objects.filter(pilot_id=party.pilot_id).exclude(pk=party.pk)
    )
    if share_percent is not None and others + Decimal(share_percent) > 100:
        raise ValidationError({"share_percent": _("The parties' shares together cannot exceed 100%.")})
    return save_validated(party, by)


KPI_FIELDS = ("name", "unit", "baseline", "target", "target_date", "measure_every_days")


def _require_open(pilot: Pilot) -> None:
    if not pilot.is_open:
        raise Refused(_("A completed or stopped pilot can no longer be changed."))


@transaction.atomic
def kpi_save(*, pilot: Pilot, by, kpi: Kpi | None = None, **fields) -> Kpi:
    """Add a KPI or refine one (name, unit, baseline, target, target date) while the pilot is open."""
    _require(by, "pilots.manage_pilot", pilot)
    _require_open(pilot)
    if kpi is None:
        kpi = Kpi(pilot=pilot, position=pilot.kpis.count())
    elif kpi.pilot_id != pilot.pk:
        raise PermissionDenied("kpi of another pilot")
    for name, value in fields.items():
        if name not in KPI_FIELDS:
            raise ValueError(name)
        setattr(kpi, name, value)
    return save_validated(kpi, by)


@transaction.atomic
def kpi_delete(*, kpi: Kpi, by) -> None:
    _require(by, "pilots.manage_pilot", kpi.pilot)
    _require_open(kpi.pilot)
    if kpi.measurements.exists():
        raise Refused(_("A KPI with measurements cannot be deleted."))
    kpi._history_user = by
    kpi.delete()


@transaction.atomic
def measurement_record(
    *, kpi: Kpi, by, value, measured_on: datetime.date, note: str = "", evidence: PilotFile | None = None
) -> Measurement:
    """Record a KPI measurement (unit staff, the company or the manager) while the pilot runs or is
    paused; not in the future; the evidence must be a file of the same pilot."""
    pilot = kpi.pilot
    _require(by, "pilots.record_measurement", pilot)
    reasons = []
    if pilot.state not in (Pilot.State.RUNNING, Pilot.State.PAUSED):
        reasons.append(_("Measurements are recorded while the pilot runs."))
    if measured_on > _today():
        reasons.append(_("A measurement cannot be dated in the future."))
    if evidence is not None and evidence.pilot_id != pilot.pk:
        reasons.append(_("The evidence must be a file of this pilot."))
    if reasons:
        raise Refused(reasons)
    measurement = save_validated(
        Measurement(kpi=kpi, value=value, measured_on=measured_on, note=note, evidence=evidence, recorded_by=by), by
    )
    Kpi.objects.filter(pk=kpi.pk).update(reminded_at=None)
    return measurement


# ------------------------------------------------------------------------------------------------
# Milestones and payments
# ------------------------------------------------------------------------------------------------
MILESTONE_FIELDS = ("title", "description", "due_date")


@transaction.atomic
def milestone_save(*, pilot: Pilot, by, milestone: Milestone | None = None, **fields) -> Milestone:
    _require(by, "pilots.manage_pilot", pilot)
    _require_open(pilot)
    if milestone is None:
        milestone = Milestone(pilot=pilot)
    elif milestone.pilot_id != pilot.pk:
        raise PermissionDenied("milestone of another pilot")
    if milestone.is_done:
        raise Refused(_("An accepted milestone cannot be changed."))
    for name, value in fields.items():
        if name not in MILESTONE_FIELDS:
            raise ValueError(name)
        setattr(milestone, name, value)
    if "due_date" in fields:  # a new date earns new reminders
        milestone.due_soon_notified_at = None
        milestone.overdue_notified_at = None
    return save_validated(milestone, by)


@transaction.atomic
def milestone_submit(*, milestone: Milestone, by) -> Milestone:
    """The company submits a milestone for review (pending or returned → submitted)."""
    milestone = Milestone.objects.select_for_update().select_related("pilot").get(pk=milestone.pk)
    _require(by, "pilots.submit_milestone", milestone.pilot)
    if milestone.pilot.state != Pilot.State.RUNNING:
        raise Refused(_("Milestones are submitted while the pilot runs."))
    if milestone.status not in (Milestone.Status.PENDING, Milestone.Status.RETURNED):
        raise Refused(_("This milestone is not waiting for the company."))
    milestone.status = Milestone.Status.SUBMITTED
    milestone.submitted_at = timezone.now()
    save_validated(milestone, by)
    users = selectors.pilot_participant_users(pilot=milestone.pilot, include_parties=False)
    params = {"title": milestone.pilot.title, "milestone": milestone.title}
    url = f"/fa/pilots/{milestone.pilot_id}/#milestone-{milestone.pk}"
    notify(users=users, kind="milestone_submitted", params=params, url=url)
    return milestone


@transaction.atomic
def milestone_review(*, milestone: Milestone, by, accept: bool, reason: str = "") -> Milestone:
    """The host unit's staff (or the manager) accept a milestone, or return it with a reason."""
    milestone = Milestone.objects.select_for_update().select_related("pilot").get(pk=milestone.pk)
    _require(by, "pilots.review_milestone", milestone.pilot)
    reasons = []
    if milestone.pilot.state not in (Pilot.State.RUNNING, Pilot.State.PAUSED):
        reasons.append(_("Milestones are reviewed while the pilot runs."))
    if milestone.status == Milestone.Status.ACCEPTED:
        reasons.append(_("This milestone is already accepted."))
    if not accept and not reason.strip():
        reasons.append(_("Give the reason for returning the milestone."))
    if reasons:
        raise Refused(reasons)
    milestone.status = Milestone.Status.ACCEPTED if accept else Milestone.Status.RETURNED
    milestone.return_reason = "" if accept else reason.strip()
    milestone.decided_at = timezone.now()
    milestone.decided_by = by
    save_validated(milestone, by)
    users = selectors.pilot_participant_users(pilot=milestone.pilot, include_unit=False)
    params = {"title": milestone.pilot.title, "milestone": milestone.title, "reason": milestone.return_reason}
    kind = "milestone_accepted" if accept else "milestone_returned"
    url = f"/fa/pilots/{milestone.pilot_id}/#milestone-{milestone.pk}"
    notify(users=users, kind=kind, params=params, url=url)
    return milestone


@transaction.atomic
def payment_save(
    *,
    pilot: Pilot,
    by,
    payment: Payment | None = None,
    planned_rial: int,
    milestone: Milestone | None = None,
    paid_rial: int | None = None,
    paid_on: datetime.date | None = None,
    note: str = "",
) -> Payment:
    """Plan a payment against a milestone, or record that it was paid. The planned payments never
    exceed the approved budget; a payment is paid only with a date, not before its milestone is
    accepted."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    _require(by, "pilots.manage_pilot", pilot)
    if payment is None:
        payment = Payment(pilot=pilot)
    elif payment.pilot_id != pilot.pk:
        raise PermissionDenied("payment of another pilot")
    if milestone is not None:
        milestone = Milestone.objects.get(pk=milestone.pk)  # its current status
    reasons = []
    if milestone is not None and milestone.pilot_id != pilot.pk:
        reasons.append(_("The milestone must be one of this pilot's."))
    if pilot.approved_budget_rial is None:
        reasons.append(_("Set the approved budget before planning payments."))
    else:
        others = sum(p.planned_rial for p in Payment.objects.filter(pilot=pilot).exclude(pk=payment.pk))
        if others + planned_rial > pilot.approved_budget_rial:
            reasons.append(_("The planned payments would exceed the approved budget."))
    if (paid_rial is None) != (paid_on is None):
        reasons.append(_("A paid amount needs its payment date, and a date its amount."))
    if paid_on is not None and paid_on > _today():
        reasons.append(_("A payment cannot be dated in the future."))
    if paid_rial is not None and milestone is not None and milestone.status != Milestone.Status.ACCEPTED:
        reasons.append(_("A payment against a milestone is paid after the milestone is accepted."))
    if reasons:
        raise Refused(reasons)
    payment.milestone = milestone
    payment.planned_rial = planned_rial
    payment.paid_rial = paid_rial
    payment.paid_on = paid_on
    payment.note = note
    return save_validated(payment, by)


# ------------------------------------------------------------------------------------------------
# Files, log, final report
# ------------------------------------------------------------------------------------------------
def _store_checked(instance, upload, by):
    checked = file_checks.check_upload(upload)
    instance.original_name = checked.name
    instance.content_kind = checked.kind
    instance.size = checked.size
    instance.sha256 = checked.sha256
    instance.uploaded_by = by
    upload.seek(0)
    instance.file.save(checked.name, upload, save=False)
    instance._history_user = by
    try:
        instance.save()
    except Exception:
        instance.file.delete(save=False)
        raise
    return instance


@transaction.atomic
def pilot_file_add(
    *, pilot: Pilot, by, upload, purpose: str = PilotFile.Purpose.EVIDENCE, title: str = "", milestone=None
) -> PilotFile:
    """Attach a deliverable or evidence file (the proposals' content checks: PDF, DOCX, XLSX, PNG,
    JPEG by content, size limit, sanitised name, private storage with a random name)."""
    _require(by, "pilots.upload_file", pilot)
    if milestone is not None and milestone.pilot_id != pilot.pk:
        raise Refused(_("The milestone must be one of this pilot's."))
    if pilot.files.count() >= MAX_FILES_PER_PILOT:
        raise ValidationError(_("A pilot can have at most %(n)d files.") % {"n": MAX_FILES_PER_PILOT})
    return _store_checked(PilotFile(pilot=pilot, purpose=purpose, title=title, milestone=milestone), upload, by)


@transaction.atomic
def log_entry_add(
    *, pilot: Pilot, by, kind: str, title: str, description: str = "", severity: str = "medium"
) -> LogEntry:
    _require(by, "pilots.log_entry", pilot)
    _require_open(pilot)
    return save_validated(
        LogEntry(pilot=pilot, kind=kind, title=title, description=description, severity=severity, created_by=by), by
    )


@transaction.atomic
def log_entry_close(*, entry: LogEntry, by, mitigation: str = "") -> LogEntry:
    _require(by, "pilots.log_entry", entry.pilot)
    if entry.status == LogEntry.Status.CLOSED:
        raise Refused(_("This entry is already closed."))
    entry.status = LogEntry.Status.CLOSED
    entry.closed_at = timezone.now()
    if mitigation:
        entry.mitigation = mitigation
    return save_validated(entry, by)


@transaction.atomic
def final_report_save(
    *, pilot: Pilot, by, outcome: str, recommendation: str, lessons: str = "", achieved: dict | None = None
) -> FinalReport:
    """Write or rewrite the final report of a running or paused pilot: outcome, lessons, the
    recommendation and, per KPI, what was achieved (baseline and target are copied as they stand).
    An approved report is frozen."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    _require(by, "pilots.write_final_report", pilot)
    if pilot.state not in (Pilot.State.RUNNING, Pilot.State.PAUSED):
        raise Refused(_("The final report is written while the pilot runs or is paused."))
    report = FinalReport.objects.filter(pilot=pilot).first()
    if report is not None and report.is_approved:
        raise Refused(_("The final report is approved and can no longer be changed."))
    if report is None:
        report = FinalReport(pilot=pilot, written_by=by)
    report.outcome = outcome
    report.lessons = lessons
    report.recommendation = recommendation
    save_validated(report, by)
    achieved = achieved or {}
    kpis = list(pilot.kpis.all())
    unknown = set(achieved) - {k.pk for k in kpis}
    if unknown:
        raise ValidationError(_("Unknown KPI in the report."))
    existing = {line.kpi_id: line for line in report.lines.all()}
    for kpi in kpis:
        line = existing.get(kpi.pk) or FinalReportKpi(report=report, kpi=kpi)
        line.baseline = kpi.baseline
        line.target = kpi.target
        if kpi.pk in achieved:
            line.achieved = achieved[kpi.pk]
        elif line.achieved is None:
            last = kpi.measurements.order_by("-measured_on", "-pk").first()
            line.achieved = last.value if last else None
        save_validated(line, by)
    return report


@transaction.atomic
def final_report_approve(*, pilot: Pilot, by) -> FinalReport:
    """The city's manager approves the final report (then the pilot may be completed)."""
    _require(by, "pilots.approve_final_report", pilot)
    report = FinalReport.objects.select_for_update().filter(pilot=pilot).first()
    if report is None:
        raise Refused(_("There is no final report to approve yet."))
    if report.is_approved:
        raise Refused(_("The final report is already approved."))
    if report.lines.filter(achieved__isnull=True).exists():
        raise Refused(_("Give the achieved value of every KPI before approving."))
    report.status = FinalReport.Status.APPROVED
    report.approved_by = by
    report.approved_at = timezone.now()
    return save_validated(report, by)


# ------------------------------------------------------------------------------------------------
# Reminders (the beat task)
# ------------------------------------------------------------------------------------------------
def send_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Milestones due within 7 days, overdue milestones and KPI measurements due: one notification
    each (the reminder columns make it safe to run twice)."""
    today = today or _today()
    now = timezone.now()
    sent = {"due_soon": 0, "overdue": 0, "kpi": 0}
    for kind, column, milestones in (
        ("due_soon", "due_soon_notified_at", selectors.milestones_due(today=today)),
        ("overdue", "overdue_notified_at", selectors.milestones_overdue(today=today)),
    ):
        for milestone in milestones:
            with transaction.atomic():
                claimed = Milestone.objects.filter(pk=milestone.pk, **{f"{column}__isnull": True}).update(
                    **{column: now}
                )
                if not claimed:  # another run sent it
                    continue
                notify(
                    users=selectors.pilot_participant_users(pilot=milestone.pilot),
                    kind=f"milestone_{kind}",
                    params={
                        "title": milestone.pilot.title,
                        "milestone": milestone.title,
                        "due": milestone.due_date.isoformat(),
                    },
                    url=f"/fa/pilots/{milestone.pilot_id}/#milestone-{milestone.pk}",
                )
                sent[kind] += 1
    for kpi in selectors.kpis_measurement_due(today=today):
        with transaction.atomic():
            if not Kpi.objects.filter(pk=kpi.pk, reminded_at=kpi.reminded_at).update(reminded_at=now):
                continue
            notify(
                users=selectors.pilot_participant_users(pilot=kpi.pilot),
                kind="kpi_measurement_due",
                params={"title": kpi.pilot.title, "kpi": kpi.name},
                url=f"/fa/pilots/{kpi.pilot_id}/#kpi-{kpi.pk}",
            )
            sent["kpi"] += 1
    return sent


# ------------------------------------------------------------------------------------------------
# Agreements
# ------------------------------------------------------------------------------------------------
AGREEMENT_FIELDS = (
    "title",
    "kind",
    "subject",
    "value_rial",
    "value_public",
    "signed_on",
    "duration_months",
    "pilot",
    "call",
)


def _check_links(city, fields) -> None:
    pilot = fields.get("pilot")
    call = fields.get("call")
    if pilot is not None and pilot.city_id != city.pk:
        raise ValidationError({"pilot": _("The pilot must be one of the city's.")})
    if call is not None and call.city_id != city.pk:
        raise ValidationError({"call": _("The call must be one of the city's.")})


@transaction.atomic
def agreement_create(*, city, by, parties: Iterable[dict] = (), **fields) -> Agreement:
    """A draft agreement of `city` with its parties (dicts of AgreementParty fields); the city is
    always a party."""
    _require(by, "pilots.add_agreement", city)
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    _check_links(city, fields)
    agreement = save_validated(Agreement(city=city, created_by=by, **fields), by)
    AgreementTransition.objects.create(agreement=agreement, from_state="", to_state=Agreement.Status.DRAFT, by=by)
    parties = list(parties)
    if not any(p.get("kind") == AgreementParty.Kind.CITY for p in parties):
        parties.insert(0, {"kind": AgreementParty.Kind.CITY})
    for party in parties:
        agreement_party_add(agreement=agreement, by=by, **party)
    return agreement


@transaction.atomic
def agreement_from_pilot(*, pilot: Pilot, by, kind: str = Agreement.Kind.COOPERATION, title: str = "") -> Agreement:
    """Scale up: a draft agreement of a completed pilot with its parties filled in (the city, the
    host unit and every party organization) and the pilot and call linked."""
    _require(by, "pilots.manage_pilot", pilot)
    if pilot.state != Pilot.State.COMPLETED:
        raise Refused(_("An agreement is created from a completed pilot."))
    parties = [{"kind": AgreementParty.Kind.CITY}, {"kind": AgreementParty.Kind.UNIT, "unit": pilot.unit}]
    for party in pilot.parties.select_related("organization"):
        is_university = party.organization.kind == "university"
        parties.append(
            {
                "kind": AgreementParty.Kind.UNIVERSITY if is_university else AgreementParty.Kind.ORGANIZATION,
                "organization": party.organization,
                "role": party.role_name or party.get_role_display(),
            }
        )
    return agreement_create(
        city=pilot.city,
        by=by,
        parties=parties,
        title=(title or _("Scaling up: %(title)s") % {"title": pilot.title})[:200],
        kind=kind,
        subject=pilot.summary,
        pilot=pilot,
        call=pilot.call,
    )


def _require_draft_or_open(agreement: Agreement) -> None:
    if agreement.status in (Agreement.Status.COMPLETED, Agreement.Status.TERMINATED):
        raise Refused(_("A completed or terminated agreement can no longer be changed."))


@transaction.atomic
def agreement_update(*, agreement: Agreement, by, **fields) -> Agreement:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require(by, "pilots.manage_agreement", agreement)
    _require_draft_or_open(agreement)
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    _check_links(agreement.city, fields)
    for name, value in fields.items():
        setattr(agreement, name, value)
    return save_validated(agreement, by)


@transaction.atomic
def agreement_party_add(
    *,
    agreement: Agreement,
    by,
    kind: str,
    unit=None,
    organization=None,
    name: str = "",
    body_kind: str = "",
    role: str = "",
) -> AgreementParty:
    _require(by, "pilots.manage_agreement", agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise Refused(_("Parties are changed only while the agreement is a draft."))
    if kind == AgreementParty.Kind.UNIT and (unit is None or unit.city_id != agreement.city_id):
        raise ValidationError({"unit": _("Choose a unit of the city.")})
    if kind in (AgreementParty.Kind.ORGANIZATION,) and organization is None:
        raise ValidationError({"organization": _("Choose an organization.")})
    if kind in (AgreementParty.Kind.OTHER,) and not name.strip():
        raise ValidationError({"name": _("Give the name of the body.")})
    if kind == AgreementParty.Kind.UNIVERSITY and organization is None and not name.strip():
        raise ValidationError({"name": _("Choose the university or give its name.")})
    duplicate = AgreementParty.objects.filter(agreement=agreement, kind=kind)
    if organization is not None:
        duplicate = duplicate.filter(organization=organization)
    elif unit is not None:
        duplicate = duplicate.filter(unit=unit)
    elif kind == AgreementParty.Kind.CITY:
        pass
    else:
        duplicate = duplicate.filter(name=name.strip())
    if duplicate.exists():
        raise Refused(_("This party is already in the agreement."))
    return save_validated(
        AgreementParty(
            agreement=agreement,
            kind=kind,
            unit=unit if kind == AgreementParty.Kind.UNIT else None,
            organization=organization,
            name=name.strip(),
            body_kind=body_kind,
            role=role,
        ),
        by,
    )


@transaction.atomic
def agreement_party_remove(*, party: AgreementParty, by) -> None:
    _require(by, "pilots.manage_agreement", party.agreement)
    if party.agreement.status != Agreement.Status.DRAFT:
        raise Refused(_("Parties are changed only while the agreement is a draft."))
    if party.kind == AgreementParty.Kind.CITY:
        raise Refused(_("The city is always a party of its agreements."))
    party._history_user = by
    party.delete()


AGREEMENT_TRANSITIONS = {
    Agreement.Status.DRAFT: {Agreement.Status.SIGNED, Agreement.Status.TERMINATED},
    Agreement.Status.SIGNED: {Agreement.Status.ACTIVE, Agreement.Status.TERMINATED},
    Agreement.Status.ACTIVE: {Agreement.Status.COMPLETED, Agreement.Status.TERMINATED},
    Agreement.Status.COMPLETED: set(),
    Agreement.Status.TERMINATED: set(),
}


def agreement_transition_problems(agreement: Agreement, to_state: str, reason: str = "") -> list[str]:
    problems = []
    if to_state not in AGREEMENT_TRANSITIONS.get(agreement.status, set()):
        label = Agreement.Status(to_state).label if to_state in Agreement.Status.values else to_state
        problems.append(
            _("An agreement cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Agreement.Status(agreement.status).label, "to": label}
        )
        return problems
    if to_state == Agreement.Status.TERMINATED and not reason.strip():
        problems.append(_("Give the reason for terminating the agreement."))
    if to_state == Agreement.Status.SIGNED:
        if agreement.signed_on is None:
            problems.append(_("Set the signing date before marking the agreement signed."))
        elif agreement.signed_on > _today():
            problems.append(_("The signing date cannot be in the future."))
        if agreement.parties.count() < 2:
            problems.append(_("An agreement needs at least two parties."))
    return problems


@transaction.atomic
def agreement_transition(*, agreement: Agreement, to_state: str, by, reason: str = "") -> Agreement:
    """Move the agreement through draft → signed → active → completed, or terminated with a
    reason; writes the audit row, notifies the parties and records the track-record change when it
    becomes active, completed or terminated."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require(by, "pilots.manage_agreement", agreement)
    problems = agreement_transition_problems(agreement, to_state, reason)
    if problems:
        raise Refused(problems)
    from_state = agreement.status
    agreement.status = to_state
    if to_state == Agreement.Status.TERMINATED:
        agreement.termination_reason = reason.strip()
    save_validated(agreement, by)
    AgreementTransition.objects.create(
        agreement=agreement, from_state=from_state, to_state=to_state, by=by, reason=reason.strip()
    )
    if to_state in (Agreement.Status.ACTIVE, Agreement.Status.COMPLETED, Agreement.Status.TERMINATED):
        track_record_changed(
            list(agreement.parties.filter(organization__isnull=False).values_list("organization_id", flat=True))
        )
    users = selectors.agreement_party_users(agreement=agreement)
    params = {"title": agreement.title, "state": str(Agreement.Status(to_state).label)}
    url = f"/fa/agreements/{agreement.pk}/"
    notify(users=users, kind="agreement_state", params=params, url=url)
    return agreement


@transaction.atomic
def obligation_save(
    *,
    agreement: Agreement,
    by,
    party: AgreementParty,
    description: str,
    due_date=None,
    obligation: Obligation | None = None,
) -> Obligation:
    _require(by, "pilots.manage_agreement", agreement)
    _require_draft_or_open(agreement)
    if party.agreement_id != agreement.pk:
        raise ValidationError({"party": _("The party must be one of this agreement's.")})
    if obligation is None:
        obligation = Obligation(agreement=agreement)
    obligation.party = party
    obligation.description = description
    obligation.due_date = due_date
    return save_validated(obligation, by)


@transaction.atomic
def obligation_set_status(*, obligation: Obligation, by, status: str) -> Obligation:
    """The manager or a party marks an obligation fulfilled, waived or open again."""
    _require(by, "pilots.update_obligation", obligation.agreement)
    if status not in Obligation.Status.values:
        raise ValidationError({"status": pgettext("label", "Unknown status.")})
    if obligation.agreement.status not in (Agreement.Status.SIGNED, Agreement.Status.ACTIVE):
        raise Refused(_("Obligations are fulfilled while the agreement is signed or active."))
    if status == Obligation.Status.WAIVED and not pilot_rules.can(by, "pilots.manage_agreement", obligation.agreement):
        raise PermissionDenied("only the city waives an obligation")
    obligation.status = status
    obligation.done_at = timezone.now() if status == Obligation.Status.DONE else None
    return save_validated(obligation, by)


@transaction.atomic
def agreement_milestone_save(
    *, agreement: Agreement, by, title: str, due_date=None, milestone: AgreementMilestone | None = None
) -> AgreementMilestone:
    _require(by, "pilots.manage_agreement", agreement)
    _require_draft_or_open(agreement)
    if milestone is None:
        milestone = AgreementMilestone(agreement=agreement)
    milestone.title = title
    milestone.due_date = due_date
    return save_validated(milestone, by)


@transaction.atomic
def agreement_milestone_done(*, milestone: AgreementMilestone, by) -> AgreementMilestone:
    _require(by, "pilots.manage_agreement", milestone.agreement)
    if milestone.status == AgreementMilestone.Status.DONE:
        raise Refused(_("This milestone is already done."))
    milestone.status = AgreementMilestone.Status.DONE
    milestone.done_at = timezone.now()
    return save_validated(milestone, by)


@transaction.atomic
def agreement_document_add(*, agreement: Agreement, by, upload, title: str = "") -> AgreementDocument:
    """Attach a signed document (content-checked like proposal attachments; private)."""
    _require(by, "pilots.manage_agreement", agreement)
    if agreement.documents.count() >= MAX_DOCUMENTS_PER_AGREEMENT:
        raise ValidationError(_("An agreement can have at most %(n)d documents.") % {"n": MAX_DOCUMENTS_PER_AGREEMENT})
    return _store_checked(AgreementDocument(agreement=agreement, title=title), upload, by)
