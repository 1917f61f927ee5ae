"""Tenants (cities and their units) and the bilingual capability taxonomy."""

from django.db import models
from django.utils.translation import gettext_lazy as _
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

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    province = models.CharField(_("province"), max_length=40, choices=PROVINCES)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name_en"]


class Unit(BilingualNameMixin, models.Model):
    """A department of a city: waste management, transport and traffic, ICT, innovation centre..."""

    class Kind(models.TextChoices):
        WASTE = "waste", _("Waste management organization")
        TRANSPORT = "transport", _("Transport and traffic organization")
        BEAUTIFICATION = "beautification", _("Beautification organization")
        ICT = "ict", _("ICT organization")
        INNOVATION = "innovation", _("Innovation centre")
        GREEN_SPACE = "green_space", _("Parks and green space organization")
        FIRE = "fire", _("Fire and safety services")
        URBAN_PLANNING = "urban_planning", _("Urban planning and architecture")
        SERVICES = "services", _("Urban services")
        OTHER = "other", _("Other")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="units", verbose_name=_("city"))
    slug = models.SlugField(_("slug"), max_length=60)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["city", "name_fa"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"], name="unit_unique_slug_per_city")]


class Domain(BilingualNameMixin, models.Model):
    """A top-level area of the taxonomy, e.g. waste or transport and traffic."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["position", "code"]


class Capability(BilingualNameMixin, models.Model):
    """A capability an organization has and a challenge needs, with synonyms in both languages."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="capabilities", verbose_name=_("domain"))
    code = models.CharField(_("code"), max_length=80, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    synonyms_fa = models.JSONField(_("synonyms (Persian)"), default=list, blank=True)
    synonyms_en = models.JSONField(_("synonyms (English)"), default=list, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["domain__position", "code"]

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join([self.code, self.name_fa, self.name_en, *self.synonyms_fa, *self.synonyms_en]))
        super().save(*args, **kwargs)
