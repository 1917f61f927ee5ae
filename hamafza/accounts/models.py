"""Users (email login) and their per-city roles."""

import rules
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from hamafza.core.formatting import in_active_language


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def _is_model_permission(perm: str) -> bool:
    """`app.add_model`, `app.change_model`, `app.delete_model` or `app.view_model` of an installed model."""
    app_label, _dot, codename = perm.partition(".")
    action, _sep, model_name = codename.partition("_")
    if action not in ("add", "change", "delete", "view") or not model_name:
        return False
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address. `is_superuser` marks a platform admin."""

    email = models.EmailField(pgettext_lazy("field label", "email address"), unique=True)
    display_name_fa = models.CharField(_("display name (Persian)"), max_length=150, blank=True)
    display_name_en = models.CharField(_("display name (English)"), max_length=150, blank=True)
    preferred_language = models.CharField(
        pgettext_lazy("field label", "preferred language"), max_length=5, choices=settings.LANGUAGES, default="fa"
    )
    is_active = models.BooleanField(pgettext_lazy("field label", "active"), default=True)
    is_staff = models.BooleanField(pgettext_lazy("field label", "staff status"), default=False)
    date_joined = models.DateTimeField(pgettext_lazy("field label", "date joined"), default=timezone.now)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = pgettext_lazy("model name", "user")
        verbose_name_plural = pgettext_lazy("model name", "users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def display_name(self) -> str:
        return in_active_language(self.display_name_fa, self.display_name_en) or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and self.is_superuser

    def has_perm(self, perm, obj=None):
        """A domain permission (one registered with django-rules in an app's ``rules.py``) is decided
        by its rules alone: Django's superuser shortcut grants a platform admin nothing there, and
        each rule states what the platform admin may do (``| is_platform_admin``) or not. The Django
        admin's model permissions (``app.view_model`` asked without an object) keep Django's
        behaviour, so platform admins still run the admin site. See docs/decisions/0012."""
        if rules.perm_exists(perm) and (obj is not None or not _is_model_permission(perm)):
            return rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class CityRole(models.Model):
    """A user's role in one city. Unit staff belong to one unit of that city."""

    class Role(models.TextChoices):
        UNIT_STAFF = "unit_staff", pgettext_lazy("city role", "Unit staff")
        INNOVATION_MANAGER = "innovation_manager", pgettext_lazy("city role", "Innovation manager")
        FACILITATOR = "facilitator", pgettext_lazy("city role", "Facilitator")
        JUDGE = "judge", pgettext_lazy("city role", "Judge")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="city_roles",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    city = models.ForeignKey(
        "core.City", on_delete=models.CASCADE, related_name="roles", verbose_name=pgettext_lazy("field label", "city")
    )
    role = models.CharField(pgettext_lazy("field label", "role"), max_length=30, choices=Role.choices)

    class Source(models.TextChoices):
        MANUAL = "manual", _("Granted on the platform")
        LDAP = "ldap", _("Directory group (LDAP)")
        OIDC = "oidc", _("Single sign-on claim (OpenID Connect)")

    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=pgettext_lazy("field label", "unit"),
    )
    source = models.CharField(
        pgettext_lazy("field label", "source"),
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
        help_text=_("Roles from a directory or single sign-on are updated at each sign-in through it."),
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("model name", "city role")
        verbose_name_plural = pgettext_lazy("model name", "city roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "role", "unit"], name="cityrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.city}"

    def clean(self):
        if self.role == self.Role.UNIT_STAFF and not self.unit_id:
            raise ValidationError({"unit": _("Unit staff must belong to a unit.")})
        if self.unit_id and self.unit.city_id != self.city_id:
            raise ValidationError({"unit": _("The unit must belong to the same city.")})


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored: the secret is shown once,
    when the token is created. A token acts as its user (same roles and cities, never more) until
    it expires or is revoked."""

    PREFIX = "hmz_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    name = models.CharField(pgettext_lazy("field label", "name"), max_length=100)
    key_prefix = models.CharField(
        pgettext_lazy("field label", "key prefix"), max_length=16, help_text=_("The first characters of the token.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    expires_at = models.DateTimeField(pgettext_lazy("field label", "expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(pgettext_lazy("field label", "revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = pgettext_lazy("model name", "API token")
        verbose_name_plural = pgettext_lazy("model name", "API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now) and self.user.is_active


class SecurityEvent(models.Model):
    """One authentication event, kept for the audit: sign-ins (successful, failed, locked out),
    sign-outs, two-factor enrolment and removal, recovery codes and API token creation. Never
    edited; the admin shows them read-only."""

    class Kind(models.TextChoices):
        LOGIN_OK = "login_ok", pgettext_lazy("security event kind", "Signed in")
        LOGIN_FAILED = "login_failed", pgettext_lazy("security event kind", "Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out after too many failures")
        LOGOUT = "logout", pgettext_lazy("security event kind", "Signed out")
        OTP_FAILED = "otp_failed", _("Wrong two-factor code")
        OTP_ENABLED = "otp_enabled", _("Two-factor authentication enabled")
        OTP_DISABLED = "otp_disabled", _("Two-factor authentication disabled")
        RECOVERY_CODES = "recovery_codes", _("New recovery codes generated")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        TOKEN_CREATED = "token_created", _("API token created")
        UNLOCKED = "unlocked", _("Sign-in lock lifted")

    kind = models.CharField(pgettext_lazy("field label", "event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    username = models.CharField(pgettext_lazy("field label", "email given"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(pgettext_lazy("field label", "client address"), null=True, blank=True)
    user_agent = models.CharField(pgettext_lazy("field label", "browser"), max_length=255, blank=True)
    path = models.CharField(pgettext_lazy("field label", "path"), max_length=255, blank=True)
    detail = models.CharField(pgettext_lazy("field label", "detail"), max_length=255, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "security event")
        verbose_name_plural = pgettext_lazy("model name", "security events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="secevent_kind_time"),
            models.Index(fields=["user", "-created_at"], name="secevent_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user or self.username} · {self.created_at:%Y-%m-%d %H:%M}"
