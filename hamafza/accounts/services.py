"""Writes for accounts: registration, profile updates and role assignment."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import ApiToken, CityRole, User


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
def api_token_create(*, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
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
