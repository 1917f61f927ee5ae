"""Pilots of awarded proposals and cooperation agreements (part 7 of the product).

A :class:`Pilot` tries an awarded proposal's solution in one municipal unit: its parties (the
applicant organization, or a consortium's members with their roles), the KPIs copied from the
call's canvas with their measurements, milestones with payments, deliverable and evidence files,
a risk and issue log and a final report. An :class:`Agreement` (cooperation agreement, MoU,
pilot contract, licence or purchase) binds named parties with obligations and milestones, and
keeps its signed documents.

Money is in rial (``*_rial``, whole numbers). Dates of plans are ``DateField`` (Tehran calendar
days, shown as Jalali); moments are ``DateTimeField`` in UTC. Every state change goes through one
service (``pilots.services.pilot_transition`` / ``agreement_transition``) that writes an audit row
(``PilotTransition`` / ``AgreementTransition``); every model keeps a simple-history trail.

Who may see the confidential parts (budgets, payments, evidence files, signed documents) is
decided once, in ``pilots.selectors`` (see its docstring).
"""

from __future__ import annotations

import calendar
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.proposals.storage import private_storage

MONEY = {"validators": [MinValueValidator(0)]}


class FileKind(models.TextChoices):
    """The content-checked file types (hamafza.proposals.attachments decides from the content)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


class CheckedFileMixin(models.Model):
    """The columns of a content-checked private file; the file itself has no URL and is served only
    by a permission-checked download view."""

    original_name = models.CharField(pgettext_lazy("field label", "file name"), max_length=150)
    content_kind = models.CharField(pgettext_lazy("field label", "type"), max_length=5, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(pgettext_lazy("field label", "size (bytes)"))
    sha256 = models.CharField(pgettext_lazy("field label", "hash (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "uploaded by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


def _upload_to(prefix: str, owner_id: int, filename: str) -> str:
    """Random file names on disk: the user's name is kept only in the database."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"{prefix}/{owner_id}/{uuid.uuid4().hex}{suffix}"


def pilot_file_upload_to(instance, filename: str) -> str:
    return _upload_to("pilots", instance.pilot_id, filename)


def agreement_document_upload_to(instance, filename: str) -> str:
    return _upload_to("agreements", instance.agreement_id, filename)


# ------------------------------------------------------------------------------------------------
# Pilots
# ------------------------------------------------------------------------------------------------
class Pilot(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("pilot state", "Planned")
        RUNNING = "running", pgettext_lazy("pilot state", "Running")
        PAUSED = "paused", pgettext_lazy("pilot state", "Paused")
        COMPLETED = "completed", pgettext_lazy("pilot state", "Completed")
        STOPPED = "stopped", pgettext_lazy("pilot state", "Stopped")

    OPEN_STATES = (State.PLANNED, State.RUNNING, State.PAUSED)

    city = models.ForeignKey(
        "core.City", on_delete=models.PROTECT, related_name="pilots", verbose_name=pgettext_lazy("field label", "city")
    )
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.PROTECT,
        related_name="pilots",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    proposal = models.OneToOneField(
        "proposals.Proposal",
        on_delete=models.PROTECT,
        related_name="pilot",
        verbose_name=pgettext_lazy("field label", "awarded proposal"),
    )
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        related_name="pilots",
        verbose_name=pgettext_lazy("field label", "host unit"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    summary = models.TextField(pgettext_lazy("field label", "summary"), blank=True)
    state = models.CharField(
        pgettext_lazy("field label", "state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    start_date = models.DateField(pgettext_lazy("field label", "start date"), null=True, blank=True)
    end_date = models.DateField(pgettext_lazy("field label", "end date"), null=True, blank=True)
    approved_budget_rial = models.BigIntegerField(_("approved budget (Rial)"), null=True, blank=True, **MONEY)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "started by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    running_since = models.DateTimeField(_("first running at"), null=True, blank=True)
    completed_at = models.DateTimeField(pgettext_lazy("field label", "completed at"), null=True, blank=True)
    stopped_at = models.DateTimeField(pgettext_lazy("field label", "stopped at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "pilot")
        verbose_name_plural = pgettext_lazy("model name", "pilots")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["city", "state"]), models.Index(fields=["unit", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="pilot_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(state="stopped") | ~Q(stop_reason=""), name="pilot_stopped_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_completed(self) -> bool:
        return self.state == self.State.COMPLETED


class PilotParty(models.Model):
    """An organization taking part in the pilot: the applicant (lead), or a consortium member with
    its role and optional share of the work (percent)."""

    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("role of a party in a pilot", "Lead")
        MEMBER = "member", pgettext_lazy("pilot party role", "Consortium member")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="parties", verbose_name=pgettext_lazy("field label", "pilot")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="pilot_parties",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    role = models.CharField(
        pgettext_lazy("field label", "role"), max_length=10, choices=Role.choices, default=Role.LEAD
    )
    role_name = models.CharField(_("role in the consortium"), max_length=200, blank=True)
    share_percent = models.DecimalField(
        pgettext_lazy("field label", "share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "pilot party")
        verbose_name_plural = pgettext_lazy("model name", "pilot parties")
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["pilot", "organization"], name="pilotparty_unique")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()}"


class TransitionRow(models.Model):
    """The columns of an audit row of a state change: why, who and when."""

    reason = models.TextField(pgettext_lazy("field label", "reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("state change: the person who made it", "by"),
    )
    at = models.DateTimeField(pgettext_lazy("state change: when", "at"), auto_now_add=True)

    class Meta:
        abstract = True


class PilotTransition(TransitionRow):
    """The audit row of every state change of a pilot (written only by ``pilot_transition``)."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="transitions", verbose_name=pgettext_lazy("field label", "pilot")
    )
    from_state = models.CharField(
        pgettext_lazy("state change: previous state", "from"), max_length=10, choices=Pilot.State.choices, blank=True
    )
    to_state = models.CharField(
        pgettext_lazy("state change: new state", "to"), max_length=10, choices=Pilot.State.choices
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot state change")
        verbose_name_plural = _("pilot state changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.pilot_id}: {self.from_state or '—'} → {self.to_state}"


class Kpi(models.Model):
    """A KPI of the pilot, copied from the call's canvas at the start and refinable while the pilot
    is open. ``measure_every_days`` drives the "measurement due" reminder."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="kpis", verbose_name=pgettext_lazy("field label", "pilot")
    )
    name = models.CharField(pgettext_lazy("field label", "KPI"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    baseline = models.DecimalField(
        pgettext_lazy("field label", "baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        pgettext_lazy("field label", "target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(pgettext_lazy("field label", "target date"), null=True, blank=True)
    measure_every_days = models.PositiveSmallIntegerField(
        _("measure every (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("field label", "position"), default=0)
    reminded_at = models.DateTimeField(_("measurement reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "KPI")
        verbose_name_plural = pgettext_lazy("model name", "KPIs")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        """The direction of improvement, from the baseline and the target (up when unknown)."""
        if self.baseline is None or self.target is None:
            return True
        return self.target >= self.baseline


class PilotFile(CheckedFileMixin):
    """A deliverable or an evidence file of a pilot (optionally of a milestone)."""

    class Purpose(models.TextChoices):
        DELIVERABLE = "deliverable", pgettext_lazy("pilot file purpose", "Deliverable")
        EVIDENCE = "evidence", pgettext_lazy("pilot file purpose", "Evidence")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="files", verbose_name=pgettext_lazy("field label", "pilot")
    )
    milestone = models.ForeignKey(
        "Milestone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=pgettext_lazy("field label", "milestone"),
    )
    purpose = models.CharField(
        pgettext_lazy("field label", "purpose"), max_length=12, choices=Purpose.choices, default=Purpose.EVIDENCE
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200, blank=True)
    file = models.FileField(
        pgettext_lazy("field label", "file"), storage=private_storage, upload_to=pilot_file_upload_to, max_length=200
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "pilot file")
        verbose_name_plural = pgettext_lazy("model name", "pilot files")
        ordering = ["created_at", "pk"]


class Measurement(models.Model):
    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="measurements", verbose_name=pgettext_lazy("field label", "KPI")
    )
    value = models.DecimalField(pgettext_lazy("field label", "value"), max_digits=16, decimal_places=2)
    measured_on = models.DateField(pgettext_lazy("field label", "measured on"))
    note = models.TextField(pgettext_lazy("field label", "note"), blank=True)
    evidence = models.ForeignKey(
        PilotFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=pgettext_lazy("field label", "evidence"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "recorded by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "measurement")
        verbose_name_plural = pgettext_lazy("model name", "measurements")
        ordering = ["measured_on", "pk"]
        indexes = [models.Index(fields=["kpi", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.kpi_id} · {self.measured_on}: {self.value}"


class Milestone(models.Model):
    """A milestone of a pilot: the company submits it, the host unit's staff accept it or return it
    with a reason. The reminder columns make the daily reminders idempotent."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("milestone status", "Pending")
        SUBMITTED = "submitted", _("Submitted for review")
        ACCEPTED = "accepted", pgettext_lazy("milestone status", "Accepted")
        RETURNED = "returned", pgettext_lazy("milestone status", "Returned")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="milestones", verbose_name=pgettext_lazy("field label", "pilot")
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("field label", "description"), blank=True)
    due_date = models.DateField(pgettext_lazy("field label", "due date"))
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("field label", "submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(pgettext_lazy("field label", "reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "reviewed by"),
    )
    due_soon_notified_at = models.DateTimeField(_("due-soon reminder sent at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "milestone")
        verbose_name_plural = pgettext_lazy("model name", "milestones")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.ACCEPTED

    def is_overdue(self, today) -> bool:
        return not self.is_done and self.due_date < today


class Payment(models.Model):
    """A payment of the pilot's approved budget, planned against a milestone; ``paid_rial`` and
    ``paid_on`` are filled in when it is paid."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="payments", verbose_name=pgettext_lazy("field label", "pilot")
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=pgettext_lazy("field label", "milestone"),
    )
    planned_rial = models.BigIntegerField(pgettext_lazy("field label", "planned (Rial)"), **MONEY)
    paid_rial = models.BigIntegerField(pgettext_lazy("field label", "paid (Rial)"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(pgettext_lazy("field label", "paid on"), null=True, blank=True)
    note = models.CharField(pgettext_lazy("field label", "note"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "payment")
        verbose_name_plural = pgettext_lazy("model name", "payments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.pilot_id} · {self.planned_rial}"


class LogEntry(models.Model):
    """The pilot's risk and issue log."""

    class Kind(models.TextChoices):
        RISK = "risk", pgettext_lazy("log entry kind", "Risk")
        ISSUE = "issue", pgettext_lazy("log entry kind", "Issue")

    class Severity(models.TextChoices):
        LOW = "low", pgettext_lazy("log entry severity", "Low")
        MEDIUM = "medium", pgettext_lazy("log entry severity", "Medium")
        HIGH = "high", pgettext_lazy("log entry severity", "High")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("log entry status", "Open")
        CLOSED = "closed", pgettext_lazy("log entry status", "Closed")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="log_entries", verbose_name=pgettext_lazy("field label", "pilot")
    )
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=5, choices=Kind.choices, default=Kind.RISK)
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("field label", "description"), blank=True)
    severity = models.CharField(
        pgettext_lazy("field label", "severity"), max_length=6, choices=Severity.choices, default=Severity.MEDIUM
    )
    mitigation = models.TextField(_("mitigation or resolution"), blank=True)
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "recorded by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(pgettext_lazy("field label", "closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk or issue")
        verbose_name_plural = _("risks and issues")
        ordering = ["status", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class FinalReport(models.Model):
    class Recommendation(models.TextChoices):
        SCALE_UP = "scale_up", pgettext_lazy("final report recommendation", "Scale up")
        EXTEND = "extend", _("Extend the pilot")
        STOP = "stop", pgettext_lazy("final report recommendation", "Stop")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("final report status", "Draft")
        APPROVED = "approved", pgettext_lazy("final report status", "Approved")

    pilot = models.OneToOneField(
        Pilot, on_delete=models.CASCADE, related_name="final_report", verbose_name=pgettext_lazy("field label", "pilot")
    )
    outcome = models.TextField(pgettext_lazy("field label", "outcome"))
    lessons = models.TextField(pgettext_lazy("field label", "lessons learned"), blank=True)
    recommendation = models.CharField(
        pgettext_lazy("field label", "recommendation"), max_length=10, choices=Recommendation.choices
    )
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "written by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "approved by"),
    )
    approved_at = models.DateTimeField(pgettext_lazy("field label", "approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "final report")
        verbose_name_plural = pgettext_lazy("model name", "final reports")

    def __str__(self) -> str:
        return str(self.pilot)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class FinalReportKpi(models.Model):
    """One KPI's line of the final report: baseline and target as they stood, and what was achieved."""

    report = models.ForeignKey(
        FinalReport, on_delete=models.CASCADE, related_name="lines", verbose_name=pgettext_lazy("field label", "report")
    )
    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="report_lines", verbose_name=pgettext_lazy("field label", "KPI")
    )
    baseline = models.DecimalField(
        pgettext_lazy("field label", "baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        pgettext_lazy("field label", "target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    achieved = models.DecimalField(
        pgettext_lazy("field label", "achieved"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("final report KPI")
        verbose_name_plural = _("final report KPIs")
        ordering = ["kpi__position", "kpi_id"]
        constraints = [models.UniqueConstraint(fields=["report", "kpi"], name="finalreportkpi_unique")]

    def __str__(self) -> str:
        return f"{self.kpi} · {self.achieved}"

    @property
    def target_met(self) -> bool | None:
        if self.achieved is None or self.target is None:
            return None
        if self.baseline is not None and self.target < self.baseline:
            return self.achieved <= self.target
        return self.achieved >= self.target


# ------------------------------------------------------------------------------------------------
# Agreements
# ------------------------------------------------------------------------------------------------
class Agreement(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", pgettext_lazy("agreement kind", "Cooperation agreement")
        MOU = "mou", _("Memorandum of understanding (MoU)")
        PILOT_CONTRACT = "pilot_contract", pgettext_lazy("agreement kind", "Pilot contract")
        LICENCE = "licence", pgettext_lazy("agreement kind", "Licence")
        PURCHASE = "purchase", pgettext_lazy("agreement kind", "Purchase")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
        SIGNED = "signed", pgettext_lazy("agreement status", "Signed")
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")
        COMPLETED = "completed", pgettext_lazy("agreement status", "Completed")
        TERMINATED = "terminated", pgettext_lazy("agreement status", "Terminated")

    PUBLIC_STATUSES = (Status.SIGNED, Status.ACTIVE, Status.COMPLETED, Status.TERMINATED)

    city = models.ForeignKey(
        "core.City",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=pgettext_lazy("field label", "city"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=15, choices=Kind.choices)
    subject = models.TextField(pgettext_lazy("field label", "subject"), blank=True)
    value_rial = models.BigIntegerField(pgettext_lazy("field label", "value (Rial)"), null=True, blank=True, **MONEY)
    value_public = models.BooleanField(_("the value is public"), default=False)
    signed_on = models.DateField(pgettext_lazy("field label", "signing date"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        pgettext_lazy("field label", "duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    pilot = models.ForeignKey(
        Pilot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=pgettext_lazy("field label", "pilot"),
    )
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "agreement")
        verbose_name_plural = pgettext_lazy("model name", "agreements")
        ordering = ["-signed_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["city", "status"]), models.Index(fields=["status", "signed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""), name="agreement_terminated_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def ends_on(self):
        """The signing date plus the duration (None when either is missing)."""
        if self.signed_on is None or not self.duration_months:
            return None
        month = self.signed_on.month - 1 + self.duration_months
        year = self.signed_on.year + month // 12
        month = month % 12 + 1
        day = min(self.signed_on.day, calendar.monthrange(year, month)[1])
        return self.signed_on.replace(year=year, month=month, day=day)


class AgreementParty(models.Model):
    """A party of an agreement: the city, one of its units, an organization of the directory (a
    university is an organization of kind "university") or any other body by name."""

    class Kind(models.TextChoices):
        CITY = "city", pgettext_lazy("agreement party kind", "The city")
        UNIT = "unit", _("A unit of the city")
        ORGANIZATION = "organization", pgettext_lazy("agreement party kind", "Organization")
        UNIVERSITY = "university", pgettext_lazy("agreement party kind", "University")
        OTHER = "other", pgettext_lazy("agreement party kind", "Other body")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="parties",
        verbose_name=pgettext_lazy("field label", "agreement"),
    )
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=15, choices=Kind.choices)
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "unit"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    name = models.CharField(
        pgettext_lazy("field label", "name"), max_length=200, blank=True, help_text=_("For another body, its name.")
    )
    body_kind = models.CharField(
        _("kind of body"), max_length=100, blank=True, help_text=_("For another body: ministry, NGO, bank…")
    )
    role = models.CharField(_("role in the agreement"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "agreement party")
        verbose_name_plural = pgettext_lazy("model name", "agreement parties")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unit") & Q(unit__isnull=False)) | ~Q(kind="unit"), name="agreementparty_unit_set"
            ),
            models.CheckConstraint(
                condition=(Q(kind="organization") & Q(organization__isnull=False)) | ~Q(kind="organization"),
                name="agreementparty_org_set",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.organization_id:
            return self.organization.display_name
        if self.unit_id:
            return self.unit.name
        if self.kind == self.Kind.CITY and not self.name:
            return self.agreement.city.name
        return self.name


class AgreementTransition(TransitionRow):
    """The audit row of every status change of an agreement (written only by ``agreement_transition``)."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=pgettext_lazy("field label", "agreement"),
    )
    from_state = models.CharField(
        pgettext_lazy("state change: previous state", "from"),
        max_length=10,
        choices=Agreement.Status.choices,
        blank=True,
    )
    to_state = models.CharField(
        pgettext_lazy("state change: new state", "to"), max_length=10, choices=Agreement.Status.choices
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement status change")
        verbose_name_plural = _("agreement status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.from_state or '—'} → {self.to_state}"


class Obligation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("obligation status", "Open")
        DONE = "done", pgettext_lazy("obligation status", "Fulfilled")
        WAIVED = "waived", pgettext_lazy("obligation status", "Waived")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=pgettext_lazy("field label", "agreement"),
    )
    party = models.ForeignKey(
        AgreementParty,
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=pgettext_lazy("field label", "party"),
    )
    description = models.TextField(pgettext_lazy("field label", "obligation"))
    due_date = models.DateField(pgettext_lazy("field label", "due date"), null=True, blank=True)
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(pgettext_lazy("field label", "fulfilled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "obligation")
        verbose_name_plural = pgettext_lazy("model name", "obligations")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class AgreementMilestone(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("agreement milestone status", "Pending")
        DONE = "done", pgettext_lazy("agreement milestone status", "Done")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=pgettext_lazy("field label", "agreement"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    due_date = models.DateField(pgettext_lazy("field label", "due date"), null=True, blank=True)
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    done_at = models.DateTimeField(pgettext_lazy("field label", "done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "agreement milestone")
        verbose_name_plural = pgettext_lazy("model name", "agreement milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class AgreementDocument(CheckedFileMixin):
    """A signed document of an agreement: only the parties and the city's managers may read it."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=pgettext_lazy("field label", "agreement"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200, blank=True)
    file = models.FileField(
        pgettext_lazy("field label", "file"),
        storage=private_storage,
        upload_to=agreement_document_upload_to,
        max_length=200,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "signed document")
        verbose_name_plural = pgettext_lazy("model name", "signed documents")
        ordering = ["created_at", "pk"]
