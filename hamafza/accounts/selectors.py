"""Reads of the accounts app: the navigation entries of the user's cities; who must use two-factor
authentication, who has it."""

from django.conf import settings
from django.urls import reverse

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import is_platform_admin, roles_of


def city_navigation(request, flags) -> list[dict]:
    """One entry per city the signed-in user holds a role in (navigation order 60)."""
    cities = {}
    for role in roles_of(request.user):
        cities.setdefault(role.city.slug, role.city)
    return [
        {"label": city.name, "url": reverse("core:city_detail", args=[city.slug]), "group": "cities"}
        for city in cities.values()
    ]


#: The city roles that must sign in with two-factor authentication when TWO_FACTOR_REQUIRED is on.
TWO_FACTOR_ROLES = frozenset({CityRole.Role.INNOVATION_MANAGER, CityRole.Role.JUDGE})


def two_factor_required(user) -> bool:
    """Platform admins, innovation managers and judges, when the setting TWO_FACTOR_REQUIRED is on."""
    if not settings.TWO_FACTOR_REQUIRED or not user or not user.is_authenticated:
        return False
    return is_platform_admin(user) or any(r.role in TWO_FACTOR_ROLES for r in roles_of(user))


def two_factor_enabled(user) -> bool:
    """Whether `user` has a confirmed authenticator (cached on the user object for the request)."""
    if not user or not getattr(user, "pk", None):
        return False
    cached = getattr(user, "_hamafza_two_factor", None)
    if cached is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        cached = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._hamafza_two_factor = cached
    return cached


def recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
