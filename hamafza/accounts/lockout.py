"""How django-axes identifies a sign-in attempt and answers a locked one (settings AXES_*_CALLABLE).

The client address is the one the API's rate limits use (`API_TRUSTED_PROXIES`), the account is the
email as typed, lower-cased. A locked attempt is answered 429, in the user's language: a page that
points to the password reset on the site, a problem (`code: locked_out`) on the API.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from hamafza.core.api.ratelimits import client_address
from hamafza.core.text import normalize


def client_ip(request) -> str | None:
    """The client address, or None when there is none (a test client's `force_login`, a
    management command): axes stores it in an address column, which PostgreSQL checks."""
    import ipaddress

    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def client_username(request, credentials) -> str | None:
    """The account of an attempt: `username` (the login form, the API) or `email`, normalised."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not value:
        return None
    return normalize(str(value)).strip().lower()[:254] or None


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_message() -> str:
    return _(
        "Too many failed sign-in attempts. Signing in is blocked for %(minutes)s minutes; "
        "you can still reset your password by email."
    ) % {"minutes": cooloff_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a locked sign-in attempt: 429 with `Retry-After`."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if request.path.startswith("/api/"):
        from django.utils import translation

        from hamafza.core.api.language import api_language
        from hamafza.core.api.problems import problem_response

        with translation.override(api_language(request)):  # as every API answer: Accept-Language
            return problem_response(
                request, 429, "locked_out", locked_message(), headers={"Retry-After": str(seconds)}, retry_after=seconds
            )
    response = render(
        request,
        "accounts/locked_out.html",
        {"message": locked_message(), "minutes": cooloff_minutes()},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
