"""Tenants (cities and their units) and the bilingual capability taxonomy."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.core.formatting import in_active_language
from hamafza.core.provinces import PROVINCES
from hamafza.core.text import fold


class BilingualNameMixin:
    """`name` in the active language, falling back to the other one."""

    @property
    def name(self) -> str:
        return in_active_language(self.name_fa, self.name_en)

    def __str__(self) -> str:
        return self.name


class City(BilingualNameMixin, models.Model):
    """A municipality using the platform (a tenant). Everything a city owns carries its city."""

    slug = models.SlugField(pgettext_lazy("field label", "slug"), max_length=60, unique=True)
    name_fa = models.CharField(pgettext_lazy("field label", "name (Persian)"), max_length=120)
    name_en = models.CharField(pgettext_lazy("field label", "name (English)"), max_length=120)
    province = models.CharField(pgettext_lazy("field label", "province"), max_length=40, choices=PROVINCES)
    is_active = models.BooleanField(pgettext_lazy("field label", "active"), default=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "city")
        verbose_name_plural = pgettext_lazy("model name", "cities")
        ordering = ["name_en"]


class Unit(BilingualNameMixin, models.Model):
    """A department of a city: waste management, transport and traffic, ICT, innovation centre..."""

    class Kind(models.TextChoices):
        WASTE = "waste", _("Waste management organization")
        TRANSPORT = "transport", _("Transport and traffic organization")
        BEAUTIFICATION = "beautification", pgettext_lazy("unit kind", "Beautification organization")
        ICT = "ict", pgettext_lazy("unit kind", "ICT organization")
        INNOVATION = "innovation", pgettext_lazy("unit kind", "Innovation centre")
        GREEN_SPACE = "green_space", _("Parks and green space organization")
        FIRE = "fire", _("Fire and safety services")
        URBAN_PLANNING = "urban_planning", _("Urban planning and architecture")
        SERVICES = "services", pgettext_lazy("unit kind", "Urban services")
        OTHER = "other", pgettext_lazy("unit kind", "Other")

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="units", verbose_name=pgettext_lazy("field label", "city")
    )
    slug = models.SlugField(pgettext_lazy("field label", "slug"), max_length=60)
    kind = models.CharField(
        pgettext_lazy("field label", "kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER
    )
    name_fa = models.CharField(pgettext_lazy("field label", "name (Persian)"), max_length=200)
    name_en = models.CharField(pgettext_lazy("field label", "name (English)"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "unit")
        verbose_name_plural = pgettext_lazy("model name", "units")
        ordering = ["city", "name_fa"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="unit_unique_slug_per_city")]


class Domain(BilingualNameMixin, models.Model):
    """A top-level area of the taxonomy, e.g. waste or transport and traffic."""

    code = models.SlugField(pgettext_lazy("field label", "code"), max_length=60, unique=True)
    name_fa = models.CharField(pgettext_lazy("field label", "name (Persian)"), max_length=200)
    name_en = models.CharField(pgettext_lazy("field label", "name (English)"), max_length=200)
    position = models.PositiveIntegerField(pgettext_lazy("field label", "position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "domain")
        verbose_name_plural = pgettext_lazy("model name", "domains")
        ordering = ["position", "code"]


class Capability(BilingualNameMixin, models.Model):
    """A capability an organization has and a challenge needs, with synonyms in both languages."""

    domain = models.ForeignKey(
        Domain,
        on_delete=models.PROTECT,
        related_name="capabilities",
        verbose_name=pgettext_lazy("field label", "domain"),
    )
    code = models.CharField(pgettext_lazy("field label", "code"), max_length=80, unique=True)
    name_fa = models.CharField(pgettext_lazy("field label", "name (Persian)"), max_length=200)
    name_en = models.CharField(pgettext_lazy("field label", "name (English)"), max_length=200)
    synonyms_fa = models.JSONField(pgettext_lazy("field label", "synonyms (Persian)"), default=list, blank=True)
    synonyms_en = models.JSONField(pgettext_lazy("field label", "synonyms (English)"), default=list, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "capability")
        verbose_name_plural = pgettext_lazy("model name", "capabilities")
        ordering = ["domain__position", "code"]

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.code, self.name_fa, self.name_en, *self.synonyms_fa, *self.synonyms_en]))
        super().save(*args, **kwargs)
