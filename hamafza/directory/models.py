"""Organizations of the innovation ecosystem, their members, and individual innovators."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.core.formatting import in_active_language
from hamafza.core.provinces import PROVINCES
from hamafza.core.text import SORT_KEY_LENGTH, collation_key, fold


class OrganizationKind(models.TextChoices):
    STARTUP = "startup", pgettext_lazy("organization kind", "Startup")
    KNOWLEDGE_BASED = "knowledge_based_company", pgettext_lazy("organization kind", "Knowledge-based company")
    SME = "sme", pgettext_lazy("organization kind", "SME")
    UNIVERSITY = "university", pgettext_lazy("organization kind", "University")
    RESEARCH_CENTER = "research_center", pgettext_lazy("organization kind", "Research centre")
    INCUBATOR = "incubator", pgettext_lazy("organization kind", "Incubator")
    ACCELERATOR = "accelerator", pgettext_lazy("organization kind", "Accelerator")
    SCIENCE_PARK = "science_park", _("Science and technology park")
    PROBLEM_DEFINITION_FIRM = "problem_definition_firm", pgettext_lazy("organization kind", "Problem-definition firm")


class EligibilityLabelsMixin:
    """Readable names of a model's `allowed_provinces` and `allowed_kinds` (lists of codes), for
    anything that restricts who may take part: calls and missions."""

    @property
    def allowed_province_labels(self) -> list[str]:
        names = dict(PROVINCES)
        return [str(names.get(code, code)) for code in self.allowed_provinces]

    @property
    def allowed_kind_labels(self) -> list[str]:
        names = dict(OrganizationKind.choices)
        return [str(names.get(code, code)) for code in self.allowed_kinds]


class Organization(models.Model):
    """A startup, company, university, research centre or support organization.

    An organization is not owned by a city: it may answer any city's call its eligibility allows.
    `city_name` is free text (the organization may be in a city that does not use the platform);
    `city` links to a tenant city when there is one.
    """

    slug = models.SlugField(pgettext_lazy("field label", "slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(pgettext_lazy("field label", "name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=40, choices=OrganizationKind.choices)
    province = models.CharField(pgettext_lazy("field label", "province"), max_length=40, choices=PROVINCES)
    city_name = models.CharField(pgettext_lazy("field label", "city"), max_length=120)
    city = models.ForeignKey(
        "core.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=pgettext_lazy("field label", "platform city"),
    )
    employees = models.PositiveIntegerField(pgettext_lazy("field label", "employees"), null=True, blank=True)
    founded = models.PositiveSmallIntegerField(pgettext_lazy("field label", "founding year"), null=True, blank=True)
    description_fa = models.TextField(pgettext_lazy("field label", "description (Persian)"), blank=True)
    description_en = models.TextField(pgettext_lazy("field label", "description (English)"), blank=True)
    website = models.URLField(pgettext_lazy("field label", "website"), blank=True)
    knowledge_based = models.BooleanField(pgettext_lazy("field label", "knowledge-based"), default=False)
    certificate_number = models.CharField(_("knowledge-based certificate number"), max_length=60, blank=True)
    certificate_valid_from = models.DateField(_("certificate valid from"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    capabilities = models.ManyToManyField(
        "core.Capability",
        blank=True,
        related_name="organizations",
        verbose_name=pgettext_lazy("field label", "capabilities"),
    )
    verified = models.BooleanField(pgettext_lazy("field label", "verified"), default=False)
    verified_at = models.DateTimeField(pgettext_lazy("field label", "verified at"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    # The directory's order: Persian dictionary order of the name, Persian names before names with
    # no Persian letter (core.text.collation_key); kept by save(), indexed (ADR 0023).
    sort_name = models.CharField(editable=False, blank=True, max_length=SORT_KEY_LENGTH + 1)
    # The English directory's order (/en/ pages, API in English): the English name (else the Persian
    # one) in English order, English names before Persian ones; kept and indexed alike (ADR 0025).
    sort_name_en = models.CharField(editable=False, blank=True, max_length=SORT_KEY_LENGTH + 1)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "sort_name", "sort_name_en"], m2m_fields=[capabilities])

    class Meta:
        verbose_name = pgettext_lazy("model name", "organization")
        verbose_name_plural = pgettext_lazy("model name", "organizations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["province"]),
            # The directory's order (verified first, then by name): page 1 and keyset pages read
            # it in order instead of sorting the whole directory (issue 19).
            models.Index(fields=["-verified", "sort_name", "id"], name="organization_directory_order"),
            models.Index(fields=["-verified", "sort_name_en", "id"], name="organization_order_en"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        self.sort_name = self.build_sort_name()
        self.sort_name_en = self.build_sort_name_en()
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        stored = update_fields is None or "search_text" in update_fields
        if stored and self.search_text != getattr(self, "_stored_search_text", None):
            from hamafza.directory.words import set_organization_words

            set_organization_words(self.pk, self.search_text)
            self._stored_search_text = self.search_text

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The search text as stored: save() rewrites the organization's words only when it changed.
        instance._stored_search_text = instance.__dict__.get("search_text")
        return instance

    @property
    def display_name(self) -> str:
        return in_active_language(self.name, self.name_en)

    @property
    def description(self) -> str:
        """The description in the active language, else the other one."""
        return in_active_language(self.description_fa, self.description_en)

    def has_valid_certificate(self, on: datetime.date | None = None) -> bool:
        """Knowledge-based with a certificate valid on `on` (today by default). Unknown dates count
        as valid: the flag alone was declared."""
        if not self.knowledge_based:
            return False
        on = on or datetime.date.today()
        if self.certificate_valid_from and on < self.certificate_valid_from:
            return False
        return not (self.certificate_valid_until and on > self.certificate_valid_until)

    @staticmethod
    def valid_certificate_filter(*, on: datetime.date) -> Q:
        """``has_valid_certificate(on=on)`` as a database filter (same conditions: knowledge-based,
        not before its start, not after its end; unknown dates count as valid)."""
        return (
            Q(knowledge_based=True)
            & (Q(certificate_valid_from__isnull=True) | Q(certificate_valid_from__lte=on))
            & (Q(certificate_valid_until__isnull=True) | Q(certificate_valid_until__gte=on))
        )

    def build_sort_name(self) -> str:
        return collation_key(self.name or self.name_en)

    def build_sort_name_en(self) -> str:
        return collation_key(self.name_en or self.name, first="en")

    def build_search_text(self) -> str:
        return fold(
            " ".join([self.name, self.name_en, self.city_name, self.province, self.description_fa, self.description_en])
        )


class SearchWord(models.Model):
    """One word of the organizations' search texts (a run of word characters of a folded
    ``search_text``): the vocabulary that a directory search scans for the words containing what was
    typed, before reading which organizations have them (``OrganizationWord``, ADR 0034). A word
    longer than ``words.WORD_WINDOW`` is stored as overlapping pieces. Words no organization uses
    any more stay until ``manage.py organization_words rebuild``."""

    word = models.CharField(pgettext_lazy("field label", "word"), max_length=400, unique=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "search word")
        verbose_name_plural = pgettext_lazy("model name", "search words")

    def __str__(self) -> str:
        return self.word


class OrganizationWord(models.Model):
    """The organization's search text has this word: the directory's text search is an index lookup
    of these rows (the primary key, word first) instead of a ``LIKE`` over every matching text
    (issue 19, ADR 0034). Kept by ``Organization.save()`` whenever its search text changes."""

    pk = models.CompositePrimaryKey("word", "organization")
    # The primary key (word, organization) is the index of the lookup by word.
    word = models.ForeignKey(
        SearchWord,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=pgettext_lazy("field label", "word"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "organization"),
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "organization word")
        verbose_name_plural = pgettext_lazy("model name", "organization words")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.word_id}"


class OrganizationMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", pgettext_lazy("organization membership role", "Member")
        ADMIN = "admin", pgettext_lazy("role of a person in an organization", "Admin")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    role = models.CharField(
        pgettext_lazy("field label", "role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "organization membership")
        verbose_name_plural = pgettext_lazy("model name", "organization memberships")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"


class Person(models.Model):
    """An individual innovator: a student, professor or idea owner."""

    class Kind(models.TextChoices):
        STUDENT = "student", pgettext_lazy("person kind", "Student")
        PROFESSOR = "professor", pgettext_lazy("person kind", "Professor")
        RESEARCHER = "researcher", pgettext_lazy("person kind", "Researcher")
        IDEA_OWNER = "idea_owner", pgettext_lazy("person kind", "Idea owner")

    slug = models.SlugField(pgettext_lazy("field label", "slug"), max_length=120, unique=True, allow_unicode=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    name = models.CharField(pgettext_lazy("field label", "name"), max_length=200)
    kind = models.CharField(pgettext_lazy("field label", "kind"), max_length=20, choices=Kind.choices)
    affiliation = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=pgettext_lazy("field label", "affiliation"),
    )
    province = models.CharField(pgettext_lazy("field label", "province"), max_length=40, choices=PROVINCES)
    city_name = models.CharField(pgettext_lazy("field label", "city"), max_length=120, blank=True)
    bio = models.TextField(pgettext_lazy("field label", "biography"), blank=True)
    capabilities = models.ManyToManyField(
        "core.Capability", blank=True, related_name="people", verbose_name=pgettext_lazy("field label", "capabilities")
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[capabilities])

    class Meta:
        verbose_name = pgettext_lazy("model name", "person")
        verbose_name_plural = pgettext_lazy("model name", "people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
