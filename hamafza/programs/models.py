"""Events with registration and pitches, and incubator and accelerator programs with cohorts
(part 6 of the product; co-working spaces live in their own app).

An :class:`Event` belongs to a city (the tenant whose calendar shows it) and is organised by that
city, one of its units or an organization (an incubator, a science park). Its venue is a street
address, a co-working room (booked for the event's time through the spaces services) or an online
link. People register up to the capacity; beyond it they join the waitlist, promoted in order when a seat frees
(``programs.services.registration_cancel``). Organizations apply to pitch at a pitch day; the
organiser selects the line-up and the jury scores through the panel of the event's linked call
(ADR 0016) or, for an event without one, through the panel of the event's hidden jury call
(``Event.jury_call``, ADR 0030).

A :class:`Program` (incubation or acceleration) is run by an organization of that kind and takes
teams in :class:`Cohort` s. An :class:`Application` moves applied → interview → admitted →
graduated, or to declined / dropped with a reason, only through
``programs.services.application_transition``, which writes an :class:`ApplicationTransition`.

Moments are ``DateTimeField`` in UTC (shown in Asia/Tehran, Jalali in Persian); milestone due
dates are Tehran calendar days. Every model keeps a simple-history trail.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

#: The check-in code alphabet: no 0/O, 1/I/L, so a code read aloud at the door is unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Event(models.Model):
    class Kind(models.TextChoices):
        TECHNOLOGY_EVENT = "technology_event", pgettext_lazy("event kind", "Technology event")
        STARTUP_WEEKEND = "startup_weekend", pgettext_lazy("event kind", "Startup weekend")
        PITCH_DAY = "pitch_day", pgettext_lazy("event kind", "Pitch day")
        CHALLENGE_DAY = "challenge_day", pgettext_lazy("event kind", "Challenge day")
        EXHIBITION = "exhibition", pgettext_lazy("event kind", "Exhibition")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        PUBLISHED = "published", pgettext_lazy("event status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    city = models.ForeignKey(
        "core.City", on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("field label", "city")
    )
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("field label", "description"), blank=True)
    # The organiser: the city itself when neither a unit nor an organization is named.
    organiser_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "organising unit"),
    )
    organiser_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=pgettext_lazy("field label", "organising organization"),
    )
    venue_address = models.CharField(pgettext_lazy("field label", "venue address"), max_length=300, blank=True)
    online_url = models.URLField(pgettext_lazy("field label", "online link"), blank=True)
    venue_room = models.ForeignKey(
        "spaces.Resource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "room"},
        verbose_name=pgettext_lazy("field label", "co-working room"),
    )
    # The room's booking for the event's time, placed through ``spaces.services.hold_place`` (ADR 0024).
    venue_booking = models.OneToOneField(
        "spaces.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "booking of the room"),
    )
    starts_at = models.DateTimeField(pgettext_lazy("field label", "starts at"))
    ends_at = models.DateTimeField(pgettext_lazy("field label", "ends at"))
    capacity = models.PositiveIntegerField(
        pgettext_lazy("field label", "capacity"),
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        default=100,
    )
    registration_open = models.BooleanField(pgettext_lazy("field label", "registration open"), default=True)
    calls = models.ManyToManyField(
        "challenges.Call", blank=True, related_name="events", verbose_name=pgettext_lazy("field label", "linked calls")
    )
    pitches_open = models.BooleanField(_("pitch applications open"), default=False)
    pitch_invited_only = models.BooleanField(
        _("only organizations invited or matched to a linked call may pitch"), default=False
    )
    pitch_results_published_at = models.DateTimeField(_("pitch results published at"), null=True, blank=True)
    # The jury of a pitch event without a linked call: a hidden call of the proposals' panel
    # services, whose proposals are the line-up (ADR 0030). Never public, never among ``calls``.
    jury_call = models.OneToOneField(
        "challenges.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jury_of_event",
        verbose_name=_("jury (hidden call)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[calls])

    class Meta:
        verbose_name = pgettext_lazy("model name", "event")
        verbose_name_plural = pgettext_lazy("model name", "events")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["city", "status", "starts_at"], name="event_city_status_start"),
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def venue_room_name(self) -> str:
        room = self.venue_room
        return f"{room.name} · {room.space.name}" if room is not None else ""

    @property
    def venue_text(self) -> str:
        """Where the event takes place, in one line: the co-working room with its space and address,
        the address, or the online link."""
        room = self.venue_room
        if room is not None:
            return " · ".join(part for part in (room.name, room.space.name, room.space.address) if part)
        return self.venue_address or self.online_url

    @property
    def organiser_name(self) -> str:
        if self.organiser_organization_id:
            return self.organiser_organization.name
        if self.organiser_unit_id:
            return self.organiser_unit.name
        return self.city.name


class EventSession(models.Model):
    """One item of the event's agenda."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=pgettext_lazy("field label", "event")
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    starts_at = models.DateTimeField(pgettext_lazy("field label", "starts at"))
    ends_at = models.DateTimeField(pgettext_lazy("field label", "ends at"))
    room = models.CharField(pgettext_lazy("field label", "room"), max_length=120, blank=True)
    speakers_note = models.CharField(pgettext_lazy("field label", "speakers (names)"), max_length=300, blank=True)
    speaker_people = models.ManyToManyField(
        "directory.Person",
        blank=True,
        related_name="event_sessions",
        verbose_name=pgettext_lazy("field label", "speakers (people)"),
    )
    speaker_organizations = models.ManyToManyField(
        "directory.Organization",
        blank=True,
        related_name="event_sessions",
        verbose_name=pgettext_lazy("field label", "speakers (organizations)"),
    )
    history = HistoricalRecords(m2m_fields=[speaker_people, speaker_organizations])

    class Meta:
        verbose_name = pgettext_lazy("model name", "session")
        verbose_name_plural = pgettext_lazy("model name", "sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationQuestion(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="questions", verbose_name=pgettext_lazy("field label", "event")
    )
    text = models.CharField(pgettext_lazy("field label", "question"), max_length=300)
    required = models.BooleanField(pgettext_lazy("field label", "required"), default=False)
    position = models.PositiveSmallIntegerField(pgettext_lazy("field label", "position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "registration question")
        verbose_name_plural = pgettext_lazy("model name", "registration questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Registration(models.Model):
    """A person's place at an event: confirmed (a seat), waitlisted (in order of ``requested_at``)
    or cancelled. One row per person and event; registering again re-activates it."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=pgettext_lazy("field label", "event"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=pgettext_lazy("field label", "person"),
    )
    status = models.CharField(pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices)
    code = models.CharField(
        pgettext_lazy("field label", "check-in code"), max_length=CODE_LENGTH, default=new_check_in_code
    )
    answers = models.JSONField(pgettext_lazy("field label", "answers"), default=dict, blank=True)
    requested_at = models.DateTimeField(pgettext_lazy("field label", "registered at"))
    confirmed_at = models.DateTimeField(pgettext_lazy("field label", "confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("field label", "cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    reminded_at = models.DateTimeField(pgettext_lazy("field label", "reminded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "registration")
        verbose_name_plural = pgettext_lazy("model name", "registrations")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_one_per_person"),
            models.UniqueConstraint(fields=["event", "code"], name="registration_code_unique_per_event"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "requested_at"], name="registration_event_status"),
            models.Index(fields=["user", "status"], name="registration_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.user_id} · {self.status}"


class Pitch(models.Model):
    """An organization's application to pitch at an event. When the event has a linked call, the
    pitch is judged as the organization's proposal to that call (``proposal``), by the call's panel;
    at an event with a jury, as the proposal filed for it to the jury's hidden call (ADR 0030)."""

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("pitch status", "Applied")
        SELECTED = "selected", _("In the line-up")
        NOT_SELECTED = "not_selected", pgettext_lazy("pitch status", "Not selected")
        WITHDRAWN = "withdrawn", pgettext_lazy("pitch status", "Withdrawn")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="pitches", verbose_name=pgettext_lazy("field label", "event")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="pitches",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    summary = models.TextField(pgettext_lazy("field label", "summary"), blank=True)
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    slot = models.PositiveSmallIntegerField(_("order in the line-up"), null=True, blank=True)
    proposal = models.OneToOneField(
        "proposals.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pitch",
        verbose_name=_("proposal judged by the call's panel"),
    )
    invited_to_call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited to the call"),
    )
    # The jury's standing, written when the pitch results are published (ADR 0030): empty before.
    jury_rank = models.PositiveSmallIntegerField(pgettext_lazy("field label", "jury rank"), null=True, blank=True)
    jury_score = models.DecimalField(
        pgettext_lazy("field label", "jury score (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "applied by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "applied at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "pitch")
        verbose_name_plural = pgettext_lazy("model name", "pitches")
        ordering = ["slot", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "organization"], name="pitch_one_per_organization")]

    def __str__(self) -> str:
        return self.title


class Program(models.Model):
    class Kind(models.TextChoices):
        INCUBATION = "incubation", pgettext_lazy("program kind", "Incubation")
        ACCELERATION = "acceleration", pgettext_lazy("program kind", "Acceleration")

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=pgettext_lazy("field label", "run by"),
    )
    city = models.ForeignKey(
        "core.City",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "city"),
    )
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("field label", "name"), max_length=200)
    description = models.TextField(pgettext_lazy("field label", "description"), blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "program")
        verbose_name_plural = pgettext_lazy("model name", "programs")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="cohorts", verbose_name=pgettext_lazy("field label", "program")
    )
    name = models.CharField(pgettext_lazy("field label", "name"), max_length=200)
    starts_on = models.DateField(pgettext_lazy("field label", "starts on"))
    ends_on = models.DateField(pgettext_lazy("field label", "ends on"))
    applications_open = models.BooleanField(pgettext_lazy("field label", "applications open"), default=True)
    demo_day = models.OneToOneField(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demo_day_of",
        verbose_name=pgettext_lazy("field label", "demo day"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "cohort")
        verbose_name_plural = pgettext_lazy("model name", "cohorts")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.name}"


class Application(models.Model):
    """A team's application to a cohort; the team is an organization or a group of individual
    innovators (``members``, directory people) without one."""

    class State(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("application state", "Applied")
        INTERVIEW = "interview", pgettext_lazy("application state", "Interview")
        ADMITTED = "admitted", pgettext_lazy("application state", "Admitted")
        GRADUATED = "graduated", pgettext_lazy("application state", "Graduated")
        DECLINED = "declined", pgettext_lazy("application state", "Declined")
        DROPPED = "dropped", pgettext_lazy("application state", "Dropped")

    class Stage(models.TextChoices):
        IDEA = "idea", pgettext_lazy("application stage", "Idea")
        PROTOTYPE = "prototype", pgettext_lazy("application stage", "Prototype")
        MVP = "mvp", _("Minimum viable product")
        EARLY_REVENUE = "early_revenue", pgettext_lazy("application stage", "Early revenue")
        GROWTH = "growth", pgettext_lazy("application stage", "Growth")

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=pgettext_lazy("field label", "cohort"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohort_applications",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    team_name = models.CharField(pgettext_lazy("field label", "team name"), max_length=200)
    team = models.TextField(_("team (members and roles)"))
    members = models.ManyToManyField(
        "directory.Person",
        blank=True,
        related_name="cohort_applications",
        verbose_name=pgettext_lazy("field label", "team members"),
    )
    idea = models.TextField(pgettext_lazy("field label", "idea"))
    stage = models.CharField(pgettext_lazy("field label", "stage"), max_length=15, choices=Stage.choices)
    capabilities = models.ManyToManyField(
        "core.Capability", blank=True, related_name="+", verbose_name=pgettext_lazy("field label", "capabilities")
    )
    state = models.CharField(
        pgettext_lazy("field label", "state"), max_length=10, choices=State.choices, default=State.APPLIED
    )
    state_reason = models.TextField(pgettext_lazy("field label", "reason"), blank=True)
    registered_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_from_applications",
        verbose_name=_("organization registered after graduation"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cohort_applications",
        verbose_name=pgettext_lazy("field label", "applicant"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[members, capabilities])

    class Meta:
        verbose_name = pgettext_lazy("model name", "application")
        verbose_name_plural = pgettext_lazy("model name", "applications")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["cohort", "state"], name="application_cohort_state")]

    def __str__(self) -> str:
        return self.team_name

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.APPLIED, self.State.INTERVIEW, self.State.ADMITTED)


class ApplicationTransition(models.Model):
    """The audit row of one state change of an application."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=pgettext_lazy("field label", "application"),
    )
    from_state = models.CharField(
        pgettext_lazy("field label", "from"), max_length=10, choices=Application.State.choices
    )
    to_state = models.CharField(pgettext_lazy("field label", "to"), max_length=10, choices=Application.State.choices)
    reason = models.TextField(pgettext_lazy("field label", "reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "by"),
    )
    at = models.DateTimeField(pgettext_lazy("field label", "at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application state change")
        verbose_name_plural = _("application state changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class MentorAssignment(models.Model):
    """A mentor of an admitted team: a person of the directory (with an account) or a facilitator."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentors", verbose_name=pgettext_lazy("field label", "team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentored_teams",
        verbose_name=pgettext_lazy("field label", "mentor"),
    )
    person = models.ForeignKey(
        "directory.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_teams",
        verbose_name=pgettext_lazy("field label", "directory entry"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "assigned by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "assigned at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "mentor")
        verbose_name_plural = pgettext_lazy("model name", "mentors")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="mentor_unique_per_team")]

    def __str__(self) -> str:
        return str(self.user)


class TeamMilestone(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=pgettext_lazy("field label", "team"),
    )
    title = models.CharField(pgettext_lazy("field label", "title"), max_length=200)
    due_on = models.DateField(pgettext_lazy("field label", "due on"))
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    note = models.TextField(pgettext_lazy("field label", "mentor's note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "milestone")
        verbose_name_plural = pgettext_lazy("model name", "milestones")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["application", "due_on"], name="teammilestone_app_due")]

    def __str__(self) -> str:
        return self.title
