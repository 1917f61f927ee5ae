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

    original_name = models.CharField(_("file name"), max_length=150)
    content_kind = models.CharField(_("type"), max_length=5, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("hash (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

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
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    OPEN_STATES = (State.PLANNED, State.RUNNING, State.PAUSED)

    city = models.ForeignKey("core.City", on_delete=models.PROTECT, related_name="pilots", verbose_name=_("city"))
    call = models.ForeignKey("challenges.Call", on_delete=models.PROTECT, related_name="pilots", verbose_name=_("call"))
    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="pilot", verbose_name=_("awarded proposal")
    )
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="pilots", verbose_name=_("host unit"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    approved_budget_rial = models.BigIntegerField(_("approved budget (Rial)"), null=True, blank=True, **MONEY)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    running_since = models.DateTimeField(_("first running at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
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
        MEMBER = "member", _("Consortium member")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="parties", verbose_name=_("pilot"))
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="pilot_parties", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    role_name = models.CharField(_("role in the consortium"), max_length=200, blank=True)
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot party")
        verbose_name_plural = _("pilot parties")
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["pilot", "organization"], name="pilotparty_unique")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()}"


class TransitionRow(models.Model):
    """The columns of an audit row of a state change: why, who and when."""

    reason = models.TextField(_("reason"), blank=True)
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

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("pilot"))
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

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("pilot"))
    name = models.CharField(_("KPI"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=60, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    measure_every_days = models.PositiveSmallIntegerField(
        _("measure every (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    reminded_at = models.DateTimeField(_("measurement reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
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
        DELIVERABLE = "deliverable", _("Deliverable")
        EVIDENCE = "evidence", _("Evidence")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="files", verbose_name=_("pilot"))
    milestone = models.ForeignKey(
        "Milestone", on_delete=models.SET_NULL, null=True, blank=True, related_name="files", verbose_name=_("milestone")
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.EVIDENCE)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=pilot_file_upload_to, max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot file")
        verbose_name_plural = _("pilot files")
        ordering = ["created_at", "pk"]


class Measurement(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("KPI"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        PilotFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("evidence"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_on", "pk"]
        indexes = [models.Index(fields=["kpi", "measured_on"])]

    def __str__(self) -> str:
        return f"{self.kpi_id} · {self.measured_on}: {self.value}"


class Milestone(models.Model):
    """A milestone of a pilot: the company submits it, the host unit's staff accept it or return it
    with a reason. The reminder columns make the daily reminders idempotent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Submitted for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("pilot"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    due_soon_notified_at = models.DateTimeField(_("due-soon reminder sent at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
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

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="payments", verbose_name=_("pilot"))
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("milestone"),
    )
    planned_rial = models.BigIntegerField(_("planned (Rial)"), **MONEY)
    paid_rial = models.BigIntegerField(_("paid (Rial)"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.pilot_id} · {self.planned_rial}"


class LogEntry(models.Model):
    """The pilot's risk and issue log."""

    class Kind(models.TextChoices):
        RISK = "risk", _("Risk")
        ISSUE = "issue", _("Issue")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("pilot"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.RISK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices, default=Severity.MEDIUM)
    mitigation = models.TextField(_("mitigation or resolution"), blank=True)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk or issue")
        verbose_name_plural = _("risks and issues")
        ordering = ["status", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class FinalReport(models.Model):
    class Recommendation(models.TextChoices):
        SCALE_UP = "scale_up", _("Scale up")
        EXTEND = "extend", _("Extend the pilot")
        STOP = "stop", _("Stop")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="final_report", verbose_name=_("pilot"))
    outcome = models.TextField(_("outcome"))
    lessons = models.TextField(_("lessons learned"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")

    def __str__(self) -> str:
        return str(self.pilot)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class FinalReportKpi(models.Model):
    """One KPI's line of the final report: baseline and target as they stood, and what was achieved."""

    report = models.ForeignKey(FinalReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="report_lines", verbose_name=_("KPI"))
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField(_("achieved"), max_digits=16, decimal_places=2, null=True, blank=True)
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
        COOPERATION = "cooperation", _("Cooperation agreement")
        MOU = "mou", _("Memorandum of understanding (MoU)")
        PILOT_CONTRACT = "pilot_contract", _("Pilot contract")
        LICENCE = "licence", _("Licence")
        PURCHASE = "purchase", _("Purchase")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    PUBLIC_STATUSES = (Status.SIGNED, Status.ACTIVE, Status.COMPLETED, Status.TERMINATED)

    city = models.ForeignKey("core.City", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("city"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    subject = models.TextField(_("subject"), blank=True)
    value_rial = models.BigIntegerField(_("value (Rial)"), null=True, blank=True, **MONEY)
    value_public = models.BooleanField(_("the value is public"), default=False)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    pilot = models.ForeignKey(
        Pilot, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements", verbose_name=_("pilot")
    )
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("call"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
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
        CITY = "city", _("The city")
        UNIT = "unit", _("A unit of the city")
        ORGANIZATION = "organization", _("Organization")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other body")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("For another body, its name."))
    body_kind = models.CharField(
        _("kind of body"), max_length=100, blank=True, help_text=_("For another body: ministry, NGO, bank…")
    )
    role = models.CharField(_("role in the agreement"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
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
        Agreement, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("agreement")
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
        OPEN = "open", _("Open")
        DONE = "done", _("Fulfilled")
        WAIVED = "waived", _("Waived")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("agreement")
    )
    party = models.ForeignKey(
        AgreementParty, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("party")
    )
    description = models.TextField(_("obligation"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class AgreementMilestone(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement milestone")
        verbose_name_plural = _("agreement milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class AgreementDocument(CheckedFileMixin):
    """A signed document of an agreement: only the parties and the city's managers may read it."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=agreement_document_upload_to, max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["created_at", "pk"]
