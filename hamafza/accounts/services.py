"""Writes for accounts: registration, profile updates and role assignment."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import ApiToken, CityRole, SecurityEvent, User
from hamafza.core.errors import Refused
from hamafza.core.text import normalize


@transaction.atomic
def user_register(
    *, email: str, password: str, display_name_fa: str = "", display_name_en: str = "", preferred_language: str = "fa"
) -> User:
    """Create a citizen account (no city role). The email is stored lower-cased."""
    return User.objects.create_user(
        email=email,
        password=password,
        display_name_fa=display_name_fa,
        display_name_en=display_name_en,
        preferred_language=preferred_language,
    )


@transaction.atomic
def user_update_profile(*, user: User, display_name_fa: str, display_name_en: str, preferred_language: str) -> User:
    user.display_name_fa = display_name_fa
    user.display_name_en = display_name_en
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name_fa", "display_name_en", "preferred_language"])
    return user


@transaction.atomic
def city_role_grant(*, user: User, city, role: str, unit=None) -> CityRole:
    """Give `user` a role in `city` (idempotent). Unit staff must name a unit of that city."""
    obj = CityRole(user=user, city=city, role=role, unit=unit)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj, _created = CityRole.objects.get_or_create(user=user, city=city, role=role, unit=unit)
    return obj


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at=None, request=None) -> tuple[ApiToken, str]:
    """Create a personal API token for `user` and return it with its secret.

    The secret (`hmz_` + 43 random URL-safe characters) is returned here only; the database keeps
    its SHA-256 hash and its first characters (to recognise it in a list). `expires_at` (aware
    datetime or None for no expiry) must be in the future. The token acts with `user`'s roles.
    """
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    key = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        key_prefix=key[: len(ApiToken.PREFIX) + 6],
        key_hash=ApiToken.hash_key(key),
        expires_at=expires_at,
    )
    token._history_user = user
    token.save()
    security_event_record(kind=SecurityEvent.Kind.TOKEN_CREATED, user=user, request=request, detail=token.key_prefix)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token (idempotent: the first revocation time is kept). Refused at once afterwards.
    Only its owner or a platform admin may revoke it (checked by the caller through rules)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token._history_user = by
        token.save(update_fields=["revoked_at"])
    return token


# --------------------------------------------------------------------------------------------
# Security: the audit of authentication events, sign-in locks, two-factor authentication and the
# roles that a directory (LDAP) or single sign-on (OpenID Connect) grants. docs/authentication.md
# --------------------------------------------------------------------------------------------


def security_event_record(*, kind: str, user=None, username: str = "", request=None, detail: str = "") -> SecurityEvent:
    """Append one authentication event to the audit (`SecurityEvent`). `request` gives the client
    address (as the rate limits see it), the browser and the path."""
    from hamafza.accounts.lockout import client_ip

    ip, path, agent = None, "", ""
    if request is not None:
        ip = client_ip(request)
        path = request.path[:255]
        agent = request.META.get("HTTP_USER_AGENT", "")[:255]
    if user is not None and not getattr(user, "pk", None):
        user = None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.email if user else ""))[:254],
        ip_address=ip,
        user_agent=agent,
        path=path,
        detail=str(detail)[:255],
    )


def login_lock_lift(*, user: User, request=None, reason: str = "") -> int:
    """Lift the sign-in lock of `user`'s account (the failures counted against their email, with
    the client addresses those failures came from). Used by the password reset, so the victim of
    a lock-out can always get back in, and by the admin. Returns the number of records removed."""
    from axes.utils import reset

    removed = reset(username=user.email.lower())
    security_event_record(kind=SecurityEvent.Kind.UNLOCKED, user=user, request=request, detail=reason)
    return removed


class TwoFactorRefused(Refused):
    code = "otp_refused"


def two_factor_verify(*, user: User, token: str):
    """The confirmed device that accepts `token`, or None: six digits are the authenticator's code,
    anything else a recovery code (single use, any case). Each device throttles its own failures
    (django-otp: a growing delay after each wrong code), so only the device the code is meant for
    is asked."""
    from django_otp import verify_token
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = normalize(token or "").replace(" ", "").replace("-", "").strip()
    if not token or len(token) > 16:
        return None
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        token = token.lower()
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        found = verify_token(user, device.persistent_id, token)
        if found is not None:
            return found
    return None


@transaction.atomic
def two_factor_start(*, user: User):
    """A new, not yet confirmed authenticator (TOTP) for `user`; replaces an unconfirmed one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if two_factor_enabled(user):
        raise TwoFactorRefused(_("Two-factor authentication is already on."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user: User, device, token: str, request=None) -> list[str]:
    """Turn two-factor authentication on once the authenticator shows a right code; returns the
    recovery codes (shown once)."""
    token = normalize(token or "").replace(" ", "").strip()
    if device.user_id != user.pk or device.confirmed:
        raise TwoFactorRefused(_("Start the set-up again."))
    if not token.isdigit() or not device.verify_token(token):
        raise TwoFactorRefused(_("The code is not right. Check the time on your phone and try the next code."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.__dict__.pop("_hamafza_two_factor", None)
    security_event_record(kind=SecurityEvent.Kind.OTP_ENABLED, user=user, request=request)
    return recovery_codes_generate(user=user, request=request)


@transaction.atomic
def recovery_codes_generate(*, user: User, request=None) -> list[str]:
    """New single-use recovery codes for `user` (the old ones stop working). Only their use is
    stored: the codes are returned here once."""
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    security_event_record(kind=SecurityEvent.Kind.RECOVERY_CODES, user=user, request=request)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User, by: User, request=None, force: bool = False) -> None:
    """Turn two-factor authentication off for `user`. Refused for people who must have it, unless
    a platform admin resets it (`force`: a lost phone and lost recovery codes) — they then enrol
    again at their next sign-in."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hamafza.accounts.selectors import two_factor_required

    if not force and two_factor_required(user):
        raise TwoFactorRefused(_("Your roles require two-factor authentication: it cannot be turned off."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.__dict__.pop("_hamafza_two_factor", None)
    detail = "" if by.pk == user.pk else f"by {by.email}"
    security_event_record(kind=SecurityEvent.Kind.OTP_DISABLED, user=user, request=request, detail=detail)


def two_factor_enabled(user) -> bool:
    from hamafza.accounts.selectors import two_factor_enabled as enabled

    return enabled(user)


@transaction.atomic
def city_roles_sync(*, user: User, source: str, role_specs: list[str]) -> tuple[int, int]:
    """Make `user`'s roles from `source` (LDAP or OpenID Connect) exactly those that `role_specs`
    name (`"city-slug:role"` or `"city-slug:unit_staff:unit-slug"`). Roles granted on the platform
    are never touched. A spec naming an unknown city, role or unit is skipped with a warning.
    Returns (added, removed)."""
    import logging

    from hamafza.core.models import City, Unit

    log = logging.getLogger("hamafza.accounts.sso")
    wanted: set[tuple[int, str, int | None]] = set()
    for spec in role_specs:
        parts = [p.strip() for p in str(spec).split(":")]
        city = City.objects.filter(slug=parts[0]).first() if parts and parts[0] else None
        role = parts[1] if len(parts) > 1 else ""
        unit = None
        if len(parts) > 2 and city is not None:
            unit = Unit.objects.filter(city=city, slug=parts[2]).first()
        valid_unit = (role == CityRole.Role.UNIT_STAFF) == (unit is not None)
        if city is None or role not in CityRole.Role.values or not valid_unit or len(parts) > 3:
            log.warning("role mapping %r (from %s) names no known city, role or unit: skipped", spec, source)
            continue
        wanted.add((city.pk, role, unit.pk if unit else None))
    current = {(r.city_id, r.role, r.unit_id): r for r in CityRole.objects.filter(user=user)}
    removed = 0
    for key, role in current.items():
        if role.source == source and key not in wanted:
            role.delete()
            removed += 1
    added = 0
    for city_id, role, unit_id in wanted - set(current):
        CityRole.objects.create(user=user, city_id=city_id, role=role, unit_id=unit_id, source=source)
        added += 1
    if hasattr(user, "_hamafza_roles"):
        del user._hamafza_roles
    return added, removed
