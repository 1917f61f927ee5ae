"""Co-working spaces and their bookings (part 6 of the product, issue 15).

A :class:`Space` belongs to a city and is run by the city itself, one of its units, or an
organization (an incubator, a science park). It has weekly :class:`OpeningHours` (in Asia/Tehran)
and :class:`Resource` rows — desks and rooms — each with its capacity and its booking rules (slot
length, longest booking, how far ahead, least notice). A :class:`Booking` holds one resource for
a time slot; a cancelled booking keeps its row (and its history) but no longer holds the slot.

**No two confirmed bookings of one resource overlap**, and the database guarantees it:

- PostgreSQL: the exclusion constraint ``booking_no_overlap`` (``NO_OVERLAP`` below) over
  ``(resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)`` for confirmed rows, a GiST
  index with the ``btree_gist`` extension. It is created by migration 0001 through
  ``hamafza.core.migration_operations.PostgresOnlyConstraint`` and is not part of the model state:
  SQLite cannot hold it (and rebuilds tables on some schema changes).
- SQLite: every transaction begins IMMEDIATE (``config/settings/base.py``), so the overlap check
  and the insert of ``spaces.services.booking_create`` run serialised, one writer at a time.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.core.formatting import in_active_language


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')``: the half-open time range of a booking (PostgreSQL)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Space(models.Model):
    """A co-working space of a city, run by the city, one of its units or an organization."""

    class Owner(models.TextChoices):
        CITY = "city", pgettext_lazy("space owner", "The city")
        UNIT = "unit", _("A unit of the city")
        ORGANIZATION = "organization", _("An organization (incubator, science park, …)")

    city = models.ForeignKey(
        "core.City", on_delete=models.PROTECT, related_name="spaces", verbose_name=pgettext_lazy("field label", "city")
    )
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spaces",
        verbose_name=pgettext_lazy("field label", "unit"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spaces",
        verbose_name=pgettext_lazy("field label", "organization"),
        help_text=_("An incubator, accelerator or science park that runs the space (its admins manage it)."),
    )
    slug = models.SlugField(pgettext_lazy("field label", "slug"), max_length=80, unique=True, allow_unicode=False)
    name_fa = models.CharField(pgettext_lazy("field label", "name (Persian)"), max_length=200)
    name_en = models.CharField(pgettext_lazy("field label", "name (English)"), max_length=200, blank=True)
    description_fa = models.TextField(pgettext_lazy("field label", "description (Persian)"), blank=True)
    description_en = models.TextField(pgettext_lazy("field label", "description (English)"), blank=True)
    address = models.CharField(pgettext_lazy("field label", "address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("open for bookings"), default=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "co-working space")
        verbose_name_plural = pgettext_lazy("model name", "co-working spaces")
        ordering = ["name_fa", "pk"]
        indexes = [models.Index(fields=["city", "is_active", "name_fa"], name="space_city_active_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(organization__isnull=True), name="space_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fa, self.name_en)

    @property
    def description(self) -> str:
        return in_active_language(self.description_fa, self.description_en)

    @property
    def owner(self) -> str:
        if self.organization_id:
            return self.Owner.ORGANIZATION
        if self.unit_id:
            return self.Owner.UNIT
        return self.Owner.CITY


class Weekday(models.IntegerChoices):
    """Python's weekday numbers (Monday 0), listed in the Iranian week's order (Saturday first)."""

    SATURDAY = 5, pgettext_lazy("weekday", "Saturday")
    SUNDAY = 6, pgettext_lazy("weekday", "Sunday")
    MONDAY = 0, pgettext_lazy("weekday", "Monday")
    TUESDAY = 1, pgettext_lazy("weekday", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("weekday", "Wednesday")
    THURSDAY = 3, pgettext_lazy("weekday", "Thursday")
    FRIDAY = 4, pgettext_lazy("weekday", "Friday")


class OpeningHours(models.Model):
    """When a space is open on one weekday (Asia/Tehran). A weekday without a row is closed."""

    space = models.ForeignKey(
        Space,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=pgettext_lazy("field label", "space"),
    )
    weekday = models.PositiveSmallIntegerField(pgettext_lazy("field label", "weekday"), choices=Weekday.choices)
    opens = models.TimeField(pgettext_lazy("field label", "opens"))
    closes = models.TimeField(pgettext_lazy("field label", "closes"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "opening hours")
        verbose_name_plural = pgettext_lazy("model name", "opening hours")
        ordering = ["space", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["space", "weekday"], name="openinghours_one_per_weekday"),
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="openinghours_closes_after_opens"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Resource(models.Model):
    """A desk or a room of a space, with its capacity and its booking rules."""

    class Kind(models.TextChoices):
        DESK = "desk", pgettext_lazy("resource kind", "Desk")
        ROOM = "room", pgettext_lazy("resource kind", "Room")

    SLOT_CHOICES = [
        (15, pgettext_lazy("option", "15 minutes")),
        (30, pgettext_lazy("option", "30 minutes")),
        (60, pgettext_lazy("option", "1 hour")),
    ]

    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="resources", verbose_name=pgettext_lazy("field label", "space")
    )
    kind = models.CharField(
        pgettext_lazy("field label", "kind"), max_length=10, choices=Kind.choices, default=Kind.DESK
    )
    name_fa = models.CharField(pgettext_lazy("field label", "name (Persian)"), max_length=120)
    name_en = models.CharField(pgettext_lazy("field label", "name (English)"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        pgettext_lazy("field label", "capacity (people)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), choices=SLOT_CHOICES, default=30)
    max_booking_minutes = models.PositiveIntegerField(
        _("longest booking (minutes)"), default=240, validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    book_ahead_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=14, validators=[MinValueValidator(0), MaxValueValidator(366)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("least notice (minutes)"), default=0, validators=[MaxValueValidator(7 * 24 * 60)]
    )
    is_active = models.BooleanField(pgettext_lazy("field label", "bookable"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "bookable resource")
        verbose_name_plural = pgettext_lazy("model name", "bookable resources")
        ordering = ["space", "kind", "name_fa", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(condition=Q(max_booking_minutes__gte=15), name="resource_max_booking_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_fa, self.name_en)


class Booking(models.Model):
    """One resource held for ``[starts_at, ends_at)`` by a signed-in person."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("booking state", "Confirmed")
        CANCELLED = "cancelled", pgettext_lazy("booking state", "Cancelled")

    resource = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=pgettext_lazy("field label", "resource"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="space_bookings",
        verbose_name=pgettext_lazy("field label", "booked by"),
    )
    starts_at = models.DateTimeField(pgettext_lazy("field label", "starts at"))
    ends_at = models.DateTimeField(pgettext_lazy("field label", "ends at"))
    attendees = models.PositiveSmallIntegerField(
        pgettext_lazy("field label", "people"), default=1, validators=[MinValueValidator(1)]
    )
    purpose = models.CharField(pgettext_lazy("field label", "purpose"), max_length=200, blank=True)
    # Set when another part of the platform holds the slot (an event whose venue is this room,
    # "programs.event:12"): that part moves and releases the booking (``services.hold_*``).
    held_for = models.CharField(pgettext_lazy("field label", "held for"), max_length=60, blank=True, default="")
    state = models.CharField(
        pgettext_lazy("field label", "state"), max_length=10, choices=State.choices, default=State.CONFIRMED
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("field label", "cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "cancelled by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "booking")
        verbose_name_plural = pgettext_lazy("model name", "bookings")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="booking_resource_start"),
            models.Index(fields=["booked_by", "starts_at"], name="booking_user_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_confirmed(self) -> bool:
        return self.state == self.State.CONFIRMED


#: The database's guarantee that a resource is never double-booked (PostgreSQL; see the module
#: docstring). Created by migration 0001; kept here so tests can compare it with the database.
NO_OVERLAP = ExclusionConstraint(
    name="booking_no_overlap",
    expressions=[
        (F("resource"), RangeOperators.EQUAL),
        (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
    ],
    condition=Q(state="confirmed"),
)
