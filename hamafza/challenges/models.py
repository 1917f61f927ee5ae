"""Needs, problem-definition canvases, calls (challenges), questions and answers, results and
notifications.

A *need* is what a unit (or a citizen) brings; the innovation manager triages it and, when it is
accepted, a *call* is created in problem definition with its *canvas*. The call then follows the
state machine in ``Call.State`` (transitions only through ``challenges.services``).
Timestamps are stored in UTC and shown in Asia/Tehran; money is stored in Rial as integers.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.challenges.messages import render_text
from hamafza.core.text import fold
from hamafza.directory.models import EligibilityLabelsMixin


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT (outside any web root), read when used so that a
    changed setting applies; they are only served through permission-checked views."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage():
    return PrivateStorage()


class Urgency(models.TextChoices):
    LOW = "low", pgettext_lazy("urgency", "Low")
    MEDIUM = "medium", pgettext_lazy("urgency", "Medium")
    HIGH = "high", pgettext_lazy("urgency", "High")
    CRITICAL = "critical", pgettext_lazy("urgency", "Critical")


class Need(models.Model):
    """A need of a city unit, or an urban problem reported by a citizen."""

    class Source(models.TextChoices):
        UNIT = "unit", pgettext_lazy("need source", "Unit")
        CITIZEN = "citizen", pgettext_lazy("need source", "Citizen report")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("need status", "Draft")
        MODERATION = "moderation", pgettext_lazy("need status", "Awaiting moderation")
        SUBMITTED = "submitted", _("New (awaiting triage)")
        ACCEPTED = "accepted", _("Accepted into problem definition")
        REJECTED = "rejected", pgettext_lazy("need status", "Rejected")
        MERGED = "merged", _("Merged into another need")

    city = models.ForeignKey(
        "core.City", on_delete=models.CASCADE, related_name="needs", verbose_name=pgettext_lazy("field label", "city")
    )
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=pgettext_lazy("field label", "unit"),
    )
    source = models.CharField(
        pgettext_lazy("field label", "source"), max_length=10, choices=Source.choices, default=Source.UNIT
    )
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("field label", "description"), blank=True)
    domain = models.ForeignKey(
        "core.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=pgettext_lazy("field label", "domain"),
    )
    capabilities = models.ManyToManyField(
        "core.Capability", blank=True, related_name="needs", verbose_name=pgettext_lazy("field label", "capabilities")
    )
    urgency = models.CharField(
        pgettext_lazy("field label", "urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    affected_people = models.PositiveIntegerField(
        pgettext_lazy("field label", "people affected"), null=True, blank=True
    )
    location = models.CharField(pgettext_lazy("field label", "location"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=pgettext_lazy("field label", "submitted by"),
    )
    submitted_at = models.DateTimeField(pgettext_lazy("field label", "submitted at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_needs",
        verbose_name=pgettext_lazy("field label", "merged into"),
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=pgettext_lazy("field label", "linked needs")
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=[capabilities])

    class Meta:
        verbose_name = pgettext_lazy("model name", "need")
        verbose_name_plural = pgettext_lazy("model name", "needs")
        ordering = ["-submitted_at", "-created_at"]
        indexes = [models.Index(fields=["city", "status"]), models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return self.title or str(pgettext_lazy("text", "Untitled need"))

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.description}")
        super().save(*args, **kwargs)


class NeedAttachment(models.Model):
    """A file attached to a need; served only through a permission-checked view."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="attachments", verbose_name=pgettext_lazy("field label", "need")
    )
    file = models.FileField(pgettext_lazy("field label", "file"), storage=private_storage, upload_to="needs/%Y/%m/")
    original_name = models.CharField(pgettext_lazy("field label", "file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("field label", "content type"), max_length=100)
    size = models.PositiveIntegerField(pgettext_lazy("field label", "size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "uploaded by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "attachment")
        verbose_name_plural = pgettext_lazy("model name", "attachments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class CallType(models.TextChoices):
    OPEN = "open", pgettext_lazy("call type", "Open call")
    INVITED = "invited", pgettext_lazy("call type", "Invited call")
    RFP = "rfp", _("Request for proposals (RFP)")


class Call(EligibilityLabelsMixin, models.Model):
    """A challenge published by a city: from problem definition to published results."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call state", "Draft")
        IN_DEFINITION = "in_definition", _("In problem definition")
        READY = "ready", _("Ready to publish")
        PUBLISHED = "published", pgettext_lazy("call state", "Published")
        CLOSED = "closed", pgettext_lazy("call state", "Closed")
        IN_EVALUATION = "in_evaluation", pgettext_lazy("call state", "In evaluation")
        RESULTS_PUBLISHED = "results_published", pgettext_lazy("call state", "Results published")
        CANCELLED = "cancelled", pgettext_lazy("call state", "Cancelled")

    PUBLIC_STATES = (State.PUBLISHED, State.CLOSED, State.IN_EVALUATION, State.RESULTS_PUBLISHED)
    EDITABLE_STATES = (State.DRAFT, State.IN_DEFINITION, State.READY)

    city = models.ForeignKey(
        "core.City", on_delete=models.CASCADE, related_name="calls", verbose_name=pgettext_lazy("field label", "city")
    )
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="calls", verbose_name=_("problem owner unit")
    )
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=pgettext_lazy("field label", "need"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("field label", "summary"), blank=True)
    domain = models.ForeignKey(
        "core.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=pgettext_lazy("field label", "domain"),
    )
    capabilities = models.ManyToManyField(
        "core.Capability", blank=True, related_name="calls", verbose_name=pgettext_lazy("field label", "capabilities")
    )
    call_type = models.CharField(_("type of call"), max_length=10, choices=CallType.choices, default=CallType.OPEN)
    state = models.CharField(
        pgettext_lazy("field label", "state"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    opens_at = models.DateTimeField(pgettext_lazy("field label", "opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(pgettext_lazy("field label", "closes at"), null=True, blank=True)
    # Eligibility. Empty lists mean "any".
    allowed_provinces = models.JSONField(pgettext_lazy("field label", "allowed provinces"), default=list, blank=True)
    knowledge_based_required = models.BooleanField(_("knowledge-based certificate required"), default=False)
    allowed_kinds = models.JSONField(_("allowed organization kinds"), default=list, blank=True)
    invited_organizations = models.ManyToManyField(
        "directory.Organization",
        blank=True,
        related_name="invited_calls",
        verbose_name=pgettext_lazy("field label", "invited organizations"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_calls",
        verbose_name=pgettext_lazy("field label", "facilitators"),
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="followed_calls",
        through="CallFollow",
        verbose_name=pgettext_lazy("field label", "followers"),
    )
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    # A pitch jury's call (ADR 0030): created in evaluation by the programs app for a pitch event
    # without a linked call, so that the panel services judge the event's line-up. It is never
    # published and never public: ``is_public`` is false, the public and staff lists leave it out and
    # its state changes only through the panel (scoring) — its results are published on the event.
    judging_only = models.BooleanField(
        _("pitch jury (hidden call)"),
        default=False,
        editable=False,
        help_text=_("A call that only judges an event's pitches: never listed, searched or published."),
    )
    published_at = models.DateTimeField(pgettext_lazy("field label", "published at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("field label", "closed at"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "created by"),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["search_text"], m2m_fields=[capabilities, invited_organizations, facilitators]
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "call")
        verbose_name_plural = pgettext_lazy("model name", "calls")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            # Each list's filter and order (issue 19): open calls by deadline, closed / all public
            # calls by deadline descending, a city's calls per state, most recently updated first.
            # opens_at and judging_only carried (PostgreSQL): the open window of "calls open to my
            # organizations" (eligible_calls.open_to) and the capped count of the open calls are
            # index-only scans (without judging_only, each count read ~1,500 heap blocks of the
            # calls; ADR 0029, addendum).
            models.Index(
                fields=["state", "closes_at", "id"], include=["opens_at", "judging_only"], name="call_state_closes"
            ),
            models.Index(fields=["closes_at", "id"], name="call_closes"),
            models.Index(fields=["city", "state", "-updated_at", "-id"], name="call_city_state_recent"),
            # the latest results (home page, visitors' workspace): a range scan, not a sort of every
            # call with published results
            models.Index(fields=["state", "-results_published_at", "-id"], name="call_state_results"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.description}")
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES and not self.judging_only

    def is_open(self, now=None) -> bool:
        """Published, opened and not past its deadline (proposals and questions are accepted)."""
        now = now or timezone.now()
        return (
            self.state == self.State.PUBLISHED
            and self.closes_at is not None
            and now < self.closes_at
            and (self.opens_at is None or self.opens_at <= now)
        )

    def is_due(self, now=None) -> bool:
        """Published and past its deadline: to be closed (by the periodic task, or by the next step
        taken on the call); until then it is shown closed (``effective_state``)."""
        now = now or timezone.now()
        return self.state == self.State.PUBLISHED and self.closes_at is not None and self.closes_at <= now

    def effective_state(self, now=None) -> str:
        """The state as of `now`: a published call past its deadline is closed, whether or not the
        closing has been written yet (ADR 0004, amendment of 2026-12-07)."""
        return self.State.CLOSED if self.is_due(now) else self.state

    @cached_property
    def criteria(self) -> list[dict]:
        """Evaluation criteria with weights: frozen rows once published, else the canvas's."""
        frozen = [{"name": c.name, "weight": c.weight} for c in self.evaluation_criteria.all()]
        if frozen:
            return frozen
        canvas = getattr(self, "canvas", None)
        return list(canvas.criteria) if canvas else []


class Canvas(models.Model):
    """The problem-definition canvas of a call. `version` is the optimistic-locking counter: a save
    states the version it was based on and is refused when someone saved in between."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, related_name="canvas", verbose_name=pgettext_lazy("field label", "call")
    )
    background = models.TextField(pgettext_lazy("field label", "background"), blank=True)
    affected = models.TextField(_("who is affected"), blank=True)
    kpi_name = models.CharField(_("key performance indicator (KPI)"), max_length=200, blank=True)
    kpi_unit = models.CharField(_("KPI unit of measure"), max_length=60, blank=True)
    baseline_value = models.DecimalField(
        pgettext_lazy("field label", "baseline value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        pgettext_lazy("field label", "target value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(pgettext_lazy("field label", "target date"), null=True, blank=True)
    constraints_text = models.TextField(pgettext_lazy("field label", "constraints"), blank=True)
    budget_min_rial = models.BigIntegerField(_("minimum budget (Rial)"), null=True, blank=True)
    budget_max_rial = models.BigIntegerField(_("maximum budget (Rial)"), null=True, blank=True)
    timeline = models.TextField(pgettext_lazy("field label", "timeline"), blank=True)
    available_data = models.TextField(pgettext_lazy("field label", "available data"), blank=True)
    pilot_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "pilot site"),
    )
    criteria = models.JSONField(pgettext_lazy("field label", "evaluation criteria"), default=list, blank=True)
    version = models.PositiveIntegerField(pgettext_lazy("field label", "version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "problem-definition canvas")
        verbose_name_plural = pgettext_lazy("model name", "problem-definition canvases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min_rial__isnull=True)
                | models.Q(budget_max_rial__isnull=True)
                | models.Q(budget_max_rial__gte=models.F("budget_min_rial")),
                name="canvas_budget_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return str(self.call)

    @property
    def city_id(self):
        return self.call.city_id


class CanvasVersion(models.Model):
    """A snapshot of the canvas (and the call's title and summary) after each save."""

    canvas = models.ForeignKey(
        Canvas, on_delete=models.CASCADE, related_name="versions", verbose_name=pgettext_lazy("field label", "canvas")
    )
    number = models.PositiveIntegerField(pgettext_lazy("field label", "version"))
    data = models.JSONField(pgettext_lazy("field label", "content"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "author"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "canvas version")
        verbose_name_plural = pgettext_lazy("model name", "canvas versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["canvas", "number"], name="canvasversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.canvas} · v{self.number}"


class CanvasComment(models.Model):
    canvas = models.ForeignKey(
        Canvas, on_delete=models.CASCADE, related_name="comments", verbose_name=pgettext_lazy("field label", "canvas")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "author"),
    )
    body = models.TextField(pgettext_lazy("field label", "comment"))
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "comment")
        verbose_name_plural = pgettext_lazy("model name", "comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class CallTransition(models.Model):
    """The audit trail of a call's state machine: who moved it from which state to which, when."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="transitions", verbose_name=pgettext_lazy("field label", "call")
    )
    from_state = models.CharField(
        pgettext_lazy("state change: previous state", "from"), max_length=20, choices=Call.State.choices, blank=True
    )
    to_state = models.CharField(
        pgettext_lazy("state change: new state", "to"), max_length=20, choices=Call.State.choices
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("state change: the person who made it", "by"),
    )
    note = models.TextField(pgettext_lazy("field label", "note"), blank=True)
    at = models.DateTimeField(pgettext_lazy("state change: when", "at"), default=timezone.now)

    class Meta:
        verbose_name = _("call state change")
        verbose_name_plural = _("call state changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call}: {self.from_state} → {self.to_state}"


class EvaluationCriterion(models.Model):
    """A weighted criterion, frozen from the canvas when the call is published (scores of the
    evaluation refer to these rows)."""

    call = models.ForeignKey(
        Call,
        on_delete=models.CASCADE,
        related_name="evaluation_criteria",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    name = models.CharField(pgettext_lazy("field label", "criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(pgettext_lazy("field label", "weight (%)"))
    position = models.PositiveSmallIntegerField(pgettext_lazy("field label", "position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "evaluation criterion")
        verbose_name_plural = pgettext_lazy("model name", "evaluation criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class CallFollow(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_follows")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "follow")
        verbose_name_plural = pgettext_lazy("model name", "follows")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="callfollow_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.call}"


class EligibleCall(models.Model):
    """Derived data (issue 19): a published call that has not closed yet and an organization that
    ``challenges.eligibility.call_eligibility_for`` admits to it (without the open-window check,
    which the readers apply with the clock). One row with no organization stands for "every
    organization" (a call without invitation, province, kind or certificate restriction), so open
    calls cost one row each. Kept by ``challenges.eligible_calls`` (call services, the
    ``organizations_changed`` hook), rebuilt by ``manage.py eligible_calls rebuild``; no history
    (it is never edited, only recomputed)."""

    # Indexes: the unique (organization, call) serves the readers and the organization's refresh;
    # eligiblecall_call the call's refresh and cascades. No separate per-column FK indexes.
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", db_index=False)
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("eligible open call")
        verbose_name_plural = _("eligible open calls")
        constraints = [models.UniqueConstraint(fields=["organization", "call"], name="eligiblecall_unique")]
        indexes = [models.Index(fields=["call"], name="eligiblecall_call")]

    def __str__(self) -> str:
        return f"{self.organization_id or '*'} · {self.call_id}"


class CallQuestion(models.Model):
    """A question on a call by an organization member. Published with its answer; the asker is never
    shown publicly."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="questions", verbose_name=pgettext_lazy("field label", "call")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_questions",
        verbose_name=pgettext_lazy("field label", "asked by"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    question = models.TextField(pgettext_lazy("field label", "question"))
    answer = models.TextField(pgettext_lazy("field label", "answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "answered by"),
    )
    answered_at = models.DateTimeField(pgettext_lazy("field label", "answered at"), null=True, blank=True)
    is_published = models.BooleanField(pgettext_lazy("field label", "published"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("field label", "asked at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "question")
        verbose_name_plural = pgettext_lazy("model name", "questions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.question[:60]


class CallResult(models.Model):
    """The public outcome for one applicant of a call. Filled in by the evaluation (proposals) app;
    platform staff may also record it in the admin."""

    class Outcome(models.TextChoices):
        AWARDED = "awarded", pgettext_lazy("call result outcome", "Awarded")
        NOT_AWARDED = "not_awarded", pgettext_lazy("call result outcome", "Not awarded")

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="results", verbose_name=pgettext_lazy("field label", "call")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_results",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    applicant_name = models.CharField(pgettext_lazy("field label", "applicant"), max_length=200, blank=True)
    outcome = models.CharField(pgettext_lazy("field label", "outcome"), max_length=12, choices=Outcome.choices)
    public_reason = models.TextField(pgettext_lazy("field label", "public reason"), blank=True)
    rank = models.PositiveIntegerField(pgettext_lazy("field label", "rank"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "call result")
        verbose_name_plural = pgettext_lazy("model name", "call results")
        ordering = ["outcome", "rank", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.organization_id:
            return self.organization.display_name
        return self.applicant_name


class Notification(models.Model):
    """An in-app notification. The text is rendered from `kind` and `params` in the reader's
    language when shown (see challenges.notifications)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=40)
    params = models.JSONField(pgettext_lazy("field label", "parameters"), default=dict)
    url = models.CharField(pgettext_lazy("field label", "link"), max_length=300, blank=True)
    read_at = models.DateTimeField(pgettext_lazy("field label", "read at"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "notification")
        verbose_name_plural = pgettext_lazy("model name", "notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return render_text(self.kind, self.params)


class NotificationPreference(models.Model):
    """Per user and kind: in-app and email on or off (no row means both on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=40)
    in_app = models.BooleanField(_("in the application"), default=True)
    email = models.BooleanField(pgettext_lazy("field label", "by email"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "notification preference")
        verbose_name_plural = pgettext_lazy("model name", "notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notificationpref_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
