"""Events with registration and pitches, and incubator and accelerator programs with cohorts
(part 6 of the product; co-working spaces live in their own app).

An :class:`Event` belongs to a city (the tenant whose calendar shows it) and is organised by that
city, one of its units or an organization (an incubator, a science park). Its venue is a street
address, a co-working room (booked for the event's time through the spaces services) or an online
link. People register up to the capacity; beyond it they join the waitlist, promoted in order when a seat frees
(``programs.services.registration_cancel``). Organizations apply to pitch at a pitch day; the
organiser selects the line-up and the jury scores through the panel of the event's linked call
(ADR 0016).

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
from simple_history.models import HistoricalRecords

#: The check-in code alphabet: no 0/O, 1/I/L, so a code read aloud at the door is unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Event(models.Model):
    class Kind(models.TextChoices):
        TECHNOLOGY_EVENT = "technology_event", _("Technology event")
        STARTUP_WEEKEND = "startup_weekend", _("Startup weekend")
        PITCH_DAY = "pitch_day", _("Pitch day")
        CHALLENGE_DAY = "challenge_day", _("Challenge day")
        EXHIBITION = "exhibition", _("Exhibition")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    city = models.ForeignKey("core.City", on_delete=models.PROTECT, related_name="+", verbose_name=_("city"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The organiser: the city itself when neither a unit nor an organization is named.
    organiser_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organising unit"),
    )
    organiser_organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organising organization"),
    )
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    venue_room = models.ForeignKey(
        "spaces.Resource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "room"},
        verbose_name=_("co-working room"),
    )
    # The room's booking for the event's time, placed through ``spaces.services.hold_place`` (ADR 0024).
    venue_booking = models.OneToOneField(
        "spaces.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booking of the room"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(100_000)], default=100
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    calls = models.ManyToManyField("challenges.Call", blank=True, related_name="events", verbose_name=_("linked calls"))
    pitches_open = models.BooleanField(_("pitch applications open"), default=False)
    pitch_invited_only = models.BooleanField(
        _("only organizations invited or matched to a linked call may pitch"), default=False
    )
    pitch_results_published_at = models.DateTimeField(_("pitch results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[calls])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
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

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    speakers_note = models.CharField(_("speakers (names)"), max_length=300, blank=True)
    speaker_people = models.ManyToManyField(
        "directory.Person", blank=True, related_name="event_sessions", verbose_name=_("speakers (people)")
    )
    speaker_organizations = models.ManyToManyField(
        "directory.Organization", blank=True, related_name="event_sessions", verbose_name=_("speakers (organizations)")
    )
    history = HistoricalRecords(m2m_fields=[speaker_people, speaker_organizations])

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationQuestion(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions", verbose_name=_("event"))
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Registration(models.Model):
    """A person's place at an event: confirmed (a seat), waitlisted (in order of ``requested_at``)
    or cancelled. One row per person and event; registering again re-activates it."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    code = models.CharField(_("check-in code"), max_length=CODE_LENGTH, default=new_check_in_code)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    requested_at = models.DateTimeField(_("registered at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
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
    pitch is judged as the organization's proposal to that call (``proposal``), by the call's panel."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        SELECTED = "selected", _("In the line-up")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pitches", verbose_name=_("event"))
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="pitches", verbose_name=_("organization")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pitch")
        verbose_name_plural = _("pitches")
        ordering = ["slot", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "organization"], name="pitch_one_per_organization")]

    def __str__(self) -> str:
        return self.title


class Program(models.Model):
    class Kind(models.TextChoices):
        INCUBATION = "incubation", _("Incubation")
        ACCELERATION = "acceleration", _("Acceleration")

    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="programs", verbose_name=_("run by")
    )
    city = models.ForeignKey(
        "core.City", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("city")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("program"))
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    applications_open = models.BooleanField(_("applications open"), default=True)
    demo_day = models.OneToOneField(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="demo_day_of", verbose_name=_("demo day")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
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
        APPLIED = "applied", _("Applied")
        INTERVIEW = "interview", _("Interview")
        ADMITTED = "admitted", _("Admitted")
        GRADUATED = "graduated", _("Graduated")
        DECLINED = "declined", _("Declined")
        DROPPED = "dropped", _("Dropped")

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        PROTOTYPE = "prototype", _("Prototype")
        MVP = "mvp", _("Minimum viable product")
        EARLY_REVENUE = "early_revenue", _("Early revenue")
        GROWTH = "growth", _("Growth")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort"))
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohort_applications",
        verbose_name=_("organization"),
    )
    team_name = models.CharField(_("team name"), max_length=200)
    team = models.TextField(_("team (members and roles)"))
    members = models.ManyToManyField(
        "directory.Person", blank=True, related_name="cohort_applications", verbose_name=_("team members")
    )
    idea = models.TextField(_("idea"))
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices)
    capabilities = models.ManyToManyField(
        "core.Capability", blank=True, related_name="+", verbose_name=_("capabilities")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.APPLIED)
    state_reason = models.TextField(_("reason"), blank=True)
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
        verbose_name=_("applicant"),
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[members, capabilities])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
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
        Application, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("application")
    )
    from_state = models.CharField(_("from"), max_length=10, choices=Application.State.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=Application.State.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
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
        Application, on_delete=models.CASCADE, related_name="mentors", verbose_name=_("team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentored_teams", verbose_name=_("mentor")
    )
    person = models.ForeignKey(
        "directory.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_teams",
        verbose_name=_("directory entry"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="mentor_unique_per_team")]

    def __str__(self) -> str:
        return str(self.user)


class TeamMilestone(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    note = models.TextField(_("mentor's note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["application", "due_on"], name="teammilestone_app_due")]

    def __str__(self) -> str:
        return self.title
