"""Confidential proposals to calls, their attachments and receipts, and the evaluation: a panel per
call, its rubric, judges (city judges and invited outside experts), conflict-of-interest
declarations, score sheets and scores, and the decision on each proposal.

Who may see a proposal, an attachment or a score is decided in one place:
``proposals.selectors`` (scoped querysets) and ``proposals.rules`` (predicates built on them).
Writes go through ``proposals.services``. Every model keeps a history (the audit trail).

The applicant is an organization today (``Proposal.organization``). The consortia issue adds a
nullable ``consortium`` foreign key beside it and a check constraint "exactly one of the two";
``Proposal.applicant`` and ``Proposal.applicant_member_user_ids`` are the only places that read
the applicant, see docs/decisions/0006-confidentiality-and-evaluation.md.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.core.text import fold
from hamafza.proposals.storage import private_storage


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("proposal status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal status", "Submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")

    class Decision(models.TextChoices):
        PENDING = "pending", _("No decision yet")
        AWARDED = "awarded", pgettext_lazy("proposal decision", "Awarded")
        NOT_AWARDED = "not_awarded", pgettext_lazy("proposal decision", "Not awarded")

    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    # Denormalised from the call so that every scoped read filters on an indexed column.
    city = models.ForeignKey(
        "core.City", on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("field label", "city")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=pgettext_lazy("field label", "applicant"),
    )
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    summary = models.TextField(pgettext_lazy("field label", "summary"), blank=True)
    approach = models.TextField(pgettext_lazy("field label", "approach"), blank=True)
    team = models.TextField(pgettext_lazy("field label", "team"), blank=True)
    budget_rial = models.BigIntegerField(
        pgettext_lazy("field label", "budget (Rial)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    timeline = models.TextField(pgettext_lazy("field label", "timeline"), blank=True)
    kpis = models.TextField(pgettext_lazy("field label", "promised KPIs"), blank=True)
    version = models.PositiveIntegerField(pgettext_lazy("field label", "version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    submitted_at = models.DateTimeField(pgettext_lazy("field label", "submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(pgettext_lazy("field label", "withdrawn at"), null=True, blank=True)
    receipt_hash = models.CharField(_("receipt hash (SHA-256)"), max_length=64, blank=True)
    shortlisted = models.BooleanField(pgettext_lazy("field label", "shortlisted"), default=False)
    decision = models.CharField(
        pgettext_lazy("field label", "decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(pgettext_lazy("field label", "decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "decided by"),
    )
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = pgettext_lazy("model name", "proposal")
        verbose_name_plural = pgettext_lazy("model name", "proposals")
        ordering = ["-submitted_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organization"], name="proposal_one_per_applicant_and_call"),
        ]
        indexes = [
            # The lists' order ("-submitted_at", "-created_at", "-pk") after each visibility branch
            # (issue 19): a city's submitted proposals for its managers, an organization's own.
            # It ends with the applicant so that a search by the applicant's name within a city is an
            # index-only scan, not a read of every submitted proposal of Tehran (a key column rather
            # than INCLUDE, which SQLite cannot hold).
            models.Index(
                fields=["city", "status", "-submitted_at", "-created_at", "-id", "organization"],
                name="proposal_city_status_recent",
            ),
            models.Index(fields=["organization", "-submitted_at", "-created_at", "-id"], name="proposal_org_recent"),
            models.Index(fields=["call", "status"]),
            # The whole table in the lists' order (the platform staff's admin list).
            models.Index(fields=["-submitted_at", "-created_at", "-id"], name="proposal_recent"),
        ]

    def __str__(self) -> str:
        # Neutral on purpose: the admin, history rows and log entries print objects, and a proposal's
        # title is as confidential as its content (ADR 0006, 0012). Pages show `title` explicitly.
        return str(pgettext_lazy("text", "Proposal %(number)s") % {"number": self.pk or "–"})

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.title, self.summary, self.approach, self.team, self.kpis]))
        super().save(*args, **kwargs)

    @property
    def applicant(self):
        """The applicant (an organization; a consortium once that issue lands)."""
        return self.organization

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ProposalReceipt(models.Model):
    """Issued at each submission (and each edit of a submitted proposal): the time and a SHA-256 of
    the proposal's content and attachments, so an applicant can prove what was submitted when."""

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="receipts",
        verbose_name=pgettext_lazy("field label", "proposal"),
    )
    submitted_at = models.DateTimeField(pgettext_lazy("field label", "submitted at"))
    sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64)
    content_version = models.PositiveIntegerField(pgettext_lazy("field label", "version"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "submitted by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "receipt")
        verbose_name_plural = pgettext_lazy("model name", "receipts")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.sha256[:12]}"

    @property
    def short_code(self) -> str:
        """Twelve digits taken from the hash, in three groups (e.g. 0417-9920-3385): what a person
        reads out or types to identify the receipt; the full hash is the proof."""
        number = f"{int(self.sha256[:16], 16) % 10**12:012d}"
        return f"{number[:4]}-{number[4:8]}-{number[8:]}"


def attachment_upload_to(instance, filename: str) -> str:
    """Random file names on disk: the user's name is kept only in the database, never in a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"proposals/{instance.proposal_id}/{uuid.uuid4().hex}{suffix}"


class ProposalAttachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=pgettext_lazy("field label", "proposal"),
    )
    file = models.FileField(
        pgettext_lazy("field label", "file"), storage=private_storage, upload_to=attachment_upload_to, max_length=200
    )
    original_name = models.CharField(pgettext_lazy("field label", "file name"), max_length=150)
    kind = models.CharField(pgettext_lazy("field label", "type"), max_length=5, choices=Kind.choices)
    size = models.PositiveBigIntegerField(pgettext_lazy("field label", "size (bytes)"))
    sha256 = models.CharField(pgettext_lazy("field label", "hash (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "uploaded by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "attachment")
        verbose_name_plural = pgettext_lazy("model name", "attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return str(pgettext_lazy("text", "Attachment %(number)s") % {"number": self.pk or "–"})


class Panel(models.Model):
    """The judging panel of one call, with its aggregation settings."""

    class Status(models.TextChoices):
        SETUP = "setup", _("Being set up (rubric editable)")
        SCORING = "scoring", _("Scoring (rubric frozen)")
        CLOSED = "closed", pgettext_lazy("panel status", "Closed")

    class Method(models.TextChoices):
        MEAN = "mean", pgettext_lazy("panel method", "Weighted mean")
        MEDIAN = "median", pgettext_lazy("panel method", "Median")
        TRIMMED_MEAN = "trimmed_mean", pgettext_lazy("panel method", "Trimmed mean")

    call = models.OneToOneField(
        "challenges.Call",
        on_delete=models.CASCADE,
        related_name="panel",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    city = models.ForeignKey(
        "core.City", on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("field label", "city")
    )
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.SETUP
    )
    blind_review = models.BooleanField(
        pgettext_lazy("field label", "blind review"),
        default=False,
        help_text=_("Hide the applicants' identity from the judges."),
    )
    method = models.CharField(
        pgettext_lazy("field label", "aggregation"), max_length=15, choices=Method.choices, default=Method.MEAN
    )
    normalise = models.BooleanField(
        _("normalise per judge (z-scores)"),
        default=False,
        help_text=_("Corrects for harsh and lenient judges."),
    )
    trim = models.DecimalField(
        _("trimmed share at each end"),
        max_digits=3,
        decimal_places=2,
        default=0.2,
        validators=[MinValueValidator(0), MaxValueValidator(0.45)],
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (standard deviation, 0–100)"),
        max_digits=5,
        decimal_places=2,
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    publish_scores = models.BooleanField(_("show scores on the public results page"), default=False)
    scoring_deadline = models.DateTimeField(
        pgettext_lazy("field label", "scoring deadline"),
        null=True,
        blank=True,
        help_text=_("When the judges should have scored every proposal. Empty: no deadline."),
    )
    scoring_started_at = models.DateTimeField(_("scoring started at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("field label", "closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(pgettext_lazy("field label", "version"), default=1)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "panel")
        verbose_name_plural = pgettext_lazy("model name", "panels")
        indexes = [
            # The deadline reminders (beat task) read the scoring panels by deadline.
            models.Index(fields=["status", "scoring_deadline"], name="panel_status_deadline"),
        ]

    def __str__(self) -> str:
        return str(self.call)

    @property
    def rubric_editable(self) -> bool:
        return self.status == self.Status.SETUP


class RubricCriterion(models.Model):
    """A criterion of the panel's rubric, copied from the call's evaluation criteria; editable while
    the panel is being set up, frozen when scoring starts."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="criteria", verbose_name=pgettext_lazy("field label", "panel")
    )
    name = models.CharField(pgettext_lazy("field label", "criterion"), max_length=200)
    description = models.TextField(_("guidance for judges"), blank=True)
    weight = models.PositiveSmallIntegerField(
        pgettext_lazy("field label", "weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    scale_max = models.PositiveSmallIntegerField(
        pgettext_lazy("field label", "highest score"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("field label", "position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "rubric criterion")
        verbose_name_plural = pgettext_lazy("model name", "rubric criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    class Source(models.TextChoices):
        CITY_JUDGE = "city_judge", _("Judge of the city")
        OUTSIDE_EXPERT = "outside_expert", pgettext_lazy("panel member source", "Outside expert")

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="members", verbose_name=pgettext_lazy("field label", "panel")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="panel_memberships",
        verbose_name=pgettext_lazy("field label", "judge"),
    )
    source = models.CharField(pgettext_lazy("field label", "source"), max_length=15, choices=Source.choices)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "joined at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "panel member")
        verbose_name_plural = pgettext_lazy("model name", "panel members")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["panel", "user"], name="panelmember_unique")]

    def __str__(self) -> str:
        return str(self.user)


class PanelInvitation(models.Model):
    """An invitation by email to judge; accepting it (signed in as, or registering with, that
    email) creates the panel membership."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("panel invitation status", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("panel invitation status", "Accepted")
        DECLINED = "declined", pgettext_lazy("panel invitation status", "Declined")
        REVOKED = "revoked", pgettext_lazy("panel invitation status", "Revoked")

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="invitations", verbose_name=pgettext_lazy("field label", "panel")
    )
    email = models.EmailField(pgettext_lazy("field label", "email address"))
    token = models.CharField(pgettext_lazy("field label", "token"), max_length=64, unique=True)
    source = models.CharField(pgettext_lazy("field label", "source"), max_length=15, choices=PanelMember.Source.choices)
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "invited by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(pgettext_lazy("field label", "responded at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = pgettext_lazy("model name", "panel invitation")
        verbose_name_plural = pgettext_lazy("model name", "panel invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.email


class ConflictDeclaration(models.Model):
    """A judge's declaration for one proposal, made before seeing it. A conflict hides the proposal
    from the judge and removes the judge from its aggregation."""

    member = models.ForeignKey(
        PanelMember,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=pgettext_lazy("field label", "judge"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=pgettext_lazy("field label", "proposal"),
    )
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    note = models.TextField(pgettext_lazy("field label", "note"), blank=True)
    declared_at = models.DateTimeField(pgettext_lazy("field label", "declared at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "conflict-of-interest declaration")
        verbose_name_plural = pgettext_lazy("model name", "conflict-of-interest declarations")
        constraints = [models.UniqueConstraint(fields=["member", "proposal"], name="declaration_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal_id} · {'conflict' if self.has_conflict else 'no conflict'}"


class ScoreSheet(models.Model):
    """One judge's scores for one proposal. ``version`` is the optimistic-locking counter."""

    # No index of its own: ``scoresheet_unique`` (member, proposal) answers a lookup by the judge
    # too, and a second index on the judge alone led the planner to find a cell's sheet by reading
    # every sheet of the judge with the proposal as a filter (the evaluation page, issue 19).
    member = models.ForeignKey(
        PanelMember,
        on_delete=models.CASCADE,
        related_name="sheets",
        db_index=False,
        verbose_name=pgettext_lazy("field label", "judge"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="sheets", verbose_name=pgettext_lazy("field label", "proposal")
    )
    comment = models.TextField(pgettext_lazy("field label", "overall comment"), blank=True)
    version = models.PositiveIntegerField(pgettext_lazy("field label", "version"), default=0)
    completed_at = models.DateTimeField(pgettext_lazy("field label", "completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "score sheet")
        verbose_name_plural = pgettext_lazy("model name", "score sheets")
        constraints = [models.UniqueConstraint(fields=["member", "proposal"], name="scoresheet_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.proposal_id}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=pgettext_lazy("field label", "sheet")
    )
    criterion = models.ForeignKey(
        RubricCriterion,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=pgettext_lazy("field label", "criterion"),
    )
    value = models.PositiveSmallIntegerField(pgettext_lazy("field label", "score"))
    comment = models.TextField(pgettext_lazy("field label", "comment"), blank=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "score")
        verbose_name_plural = pgettext_lazy("model name", "scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
