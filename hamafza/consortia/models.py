"""Missions, the roles of a value chain, proposal runs of the optimiser, consortia, their members
and invitations.

A *target* is what a consortium is built for: a :class:`Mission` (a programme owned by a city,
or a national one owned by the platform admins) or a challenge's ``Call``. Roles, runs and
consortia point to exactly one of the two (check constraints). Writes go through
``consortia.services``; who may do what is in ``consortia.rules``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.core.formatting import in_active_language
from hamafza.directory.models import EligibilityLabelsMixin

ONE_TARGET = (Q(mission__isnull=False) & Q(call__isnull=True)) | (Q(mission__isnull=True) & Q(call__isnull=False))


class Mission(EligibilityLabelsMixin, models.Model):
    """A larger programme of a city (or a national one, ``city`` empty) whose value chain a
    consortium of organizations carries together. Eligibility works like a call's: empty lists
    mean "any"."""

    city = models.ForeignKey(
        "core.City",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=pgettext_lazy("field label", "city"),
        help_text=_("Empty for a national mission (run by the platform admins)."),
    )
    title_fa = models.CharField(pgettext_lazy("field label", "title (Persian)"), max_length=200)
    title_en = models.CharField(pgettext_lazy("field label", "title (English)"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("field label", "description"), blank=True)
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=pgettext_lazy("field label", "call"),
        help_text=_("The call a complete consortium applies to, if any."),
    )
    allowed_provinces = models.JSONField(pgettext_lazy("field label", "allowed provinces"), default=list, blank=True)
    knowledge_based_required = models.BooleanField(_("knowledge-based certificate required"), default=False)
    allowed_kinds = models.JSONField(_("allowed organization kinds"), default=list, blank=True)
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
        verbose_name = pgettext_lazy("model name", "mission")
        verbose_name_plural = pgettext_lazy("model name", "missions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self.title_fa, self.title_en)

    @property
    def is_national(self) -> bool:
        return self.city_id is None


class MissionRole(models.Model):
    """One role of the value chain (supply, sorting, marketing...) of a mission or a call: the
    capabilities it needs and how many members fill it."""

    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=pgettext_lazy("field label", "mission"),
    )
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consortium_roles",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    code = models.SlugField(pgettext_lazy("field label", "code"), max_length=40)
    name = models.CharField(pgettext_lazy("field label", "name"), max_length=120)
    text = models.TextField(
        _("what the role does"), blank=True, help_text=_("Optional; Persian or English words help the matching.")
    )
    capabilities = models.ManyToManyField(
        "core.Capability",
        related_name="consortium_roles",
        verbose_name=pgettext_lazy("field label", "required capabilities"),
    )
    min_members = models.PositiveSmallIntegerField(pgettext_lazy("field label", "minimum members"), default=1)
    max_members = models.PositiveSmallIntegerField(pgettext_lazy("field label", "maximum members"), default=1)
    position = models.PositiveSmallIntegerField(pgettext_lazy("field label", "position"), default=0)
    history = HistoricalRecords(m2m_fields=[capabilities])

    class Meta:
        verbose_name = pgettext_lazy("model name", "consortium role")
        verbose_name_plural = pgettext_lazy("model name", "consortium roles")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_TARGET, name="missionrole_one_target"),
            models.CheckConstraint(
                condition=Q(max_members__gte=1) & Q(max_members__gte=models.F("min_members")),
                name="missionrole_limits",
            ),
            models.UniqueConstraint(
                fields=["mission", "code"], condition=Q(mission__isnull=False), name="missionrole_code_per_mission"
            ),
            models.UniqueConstraint(
                fields=["call", "code"], condition=Q(call__isnull=False), name="missionrole_code_per_call"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    @property
    def target(self):
        return self.mission if self.mission_id else self.call

    @property
    def city_id(self):
        return self.target.city_id

    def target_id_pair(self) -> tuple[int | None, int | None]:
        return (self.mission_id, self.call_id)


class ProposalRun(models.Model):
    """One run of the optimiser for a target: the parameters, the candidates per role and the
    proposed consortia, stored as JSON so the page can be shown again and a consortium formed from
    exactly what was proposed (never from what a browser sends back)."""

    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=pgettext_lazy("field label", "mission"),
    )
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consortium_runs",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    top = models.PositiveSmallIntegerField(_("consortia asked for"))
    max_members = models.PositiveSmallIntegerField(_("members at most"))
    result = models.JSONField(pgettext_lazy("field label", "result"), default=dict)
    member_ids = models.JSONField(
        pgettext_lazy("field label", "organizations proposed"), default=list, editable=False
    )  # every organization proposed (for permissions)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "run by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consortium proposal run")
        verbose_name_plural = _("consortium proposal runs")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=ONE_TARGET, name="proposalrun_one_target")]

    def __str__(self) -> str:
        return f"{self.target} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def target(self):
        return self.mission or self.call

    @property
    def city_id(self):
        return self.target.city_id


class Consortium(models.Model):
    """A consortium being formed for a target, led by one organization whose admins invite the
    members. It is complete when every role has at least its minimum of accepted members (derived,
    see ``selectors.consortium_coverage``)."""

    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consortia",
        verbose_name=pgettext_lazy("field label", "mission"),
    )
    call = models.ForeignKey(
        "challenges.Call",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consortia",
        verbose_name=pgettext_lazy("field label", "call"),
    )
    lead = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="led_consortia",
        verbose_name=pgettext_lazy("field label", "lead"),
    )
    run = models.ForeignKey(
        ProposalRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consortia",
        verbose_name=_("proposed in run"),
    )
    rank = models.PositiveSmallIntegerField(_("rank in the run"), null=True, blank=True)
    max_members = models.PositiveSmallIntegerField(_("members at most"), default=6)
    proposal = models.ForeignKey(
        "proposals.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "application"),
        help_text=_("The lead's proposal to the call, made on behalf of the consortium."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "formed by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "consortium")
        verbose_name_plural = pgettext_lazy("model name", "consortia")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_TARGET, name="consortium_one_target"),
            models.UniqueConstraint(
                fields=["mission", "lead"], condition=Q(mission__isnull=False), name="consortium_one_per_lead_mission"
            ),
            models.UniqueConstraint(
                fields=["call", "lead"], condition=Q(call__isnull=False), name="consortium_one_per_lead_call"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.target}"

    @property
    def target(self):
        return self.mission or self.call

    @property
    def city_id(self):
        return self.target.city_id

    @property
    def apply_call(self):
        """The call this consortium applies to: the target call, or the mission's call."""
        if self.call_id:
            return self.call
        return self.mission.call if self.mission_id else None


class ConsortiumMember(models.Model):
    """An organization filling one role of a consortium (an organization filling two roles has
    two rows). The lead's rows are written when the consortium is formed; the others when an
    invitation is accepted."""

    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=pgettext_lazy("field label", "consortium"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="consortium_seats",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    role = models.ForeignKey(
        MissionRole, on_delete=models.PROTECT, related_name="members", verbose_name=pgettext_lazy("field label", "role")
    )
    fitness = models.FloatField(pgettext_lazy("field label", "fitness"), null=True, blank=True)
    capabilities_matched = models.JSONField(
        pgettext_lazy("field label", "capabilities matched"), default=list, blank=True
    )
    joined_at = models.DateTimeField(pgettext_lazy("field label", "joined at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "consortium member")
        verbose_name_plural = pgettext_lazy("model name", "consortium members")
        ordering = ["role__position", "role_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "organization", "role"], name="consortiummember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.role}"


class ConsortiumInvitation(models.Model):
    """The lead's invitation to an organization to fill one role; only an admin of the invited
    organization answers it."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("consortium invitation status", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("consortium invitation status", "Accepted")
        DECLINED = "declined", pgettext_lazy("consortium invitation status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("consortium invitation status", "Withdrawn")

    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=pgettext_lazy("field label", "consortium"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="consortium_invitations",
        verbose_name=pgettext_lazy("field label", "organization"),
    )
    role = models.ForeignKey(
        MissionRole,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=pgettext_lazy("field label", "role"),
    )
    status = models.CharField(
        pgettext_lazy("field label", "status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    fitness = models.FloatField(pgettext_lazy("field label", "fitness"), null=True, blank=True)
    capabilities_matched = models.JSONField(
        pgettext_lazy("field label", "capabilities matched"), default=list, blank=True
    )
    message = models.TextField(pgettext_lazy("field label", "message"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "invited by"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("field label", "answered by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    responded_at = models.DateTimeField(pgettext_lazy("field label", "answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "consortium invitation")
        verbose_name_plural = pgettext_lazy("model name", "consortium invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organization", "role"],
                condition=Q(status="pending"),
                name="consortiuminvitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.role} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
