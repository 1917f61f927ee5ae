"""Who is calling: the three ways in (a personal API token, the web session, anonymous for public
reads) and the permission check every operation asks.

`PUBLIC` and `AUTHENTICATED` are the `auth=` values of operations (`AUTHENTICATED` is the API's
default). The tokens themselves belong to the accounts app: it registers the function that turns a
key into its token with `token_auth.use(...)` (hamafza/accounts/api/tokens.py), so this bottom layer
never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hamafza.core.api.problems import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """A personal API token: `Authorization: Bearer hmz_...`. A bearer token that is unknown,
    expired or revoked is refused (401) rather than treated as anonymous, so a script never
    silently loses its rights. Other schemes (a proxy's `Basic`) are left alone."""

    openapi_bearerFormat = "hmz_…"
    openapi_description = "A personal API token, created on the profile page or with POST /api/v1/auth/tokens."

    def __init__(self):
        super().__init__()
        self._find: Callable[[str], Any] | None = None

    def use(self, find: Callable[[str], Any]) -> None:
        """Register how a key becomes its token: `find(key)` returns the token (with its `user`) or
        raises an `ApiError` 401 saying why not (`token_invalid`, `token_expired`, `token_revoked`)."""
        self._find = find

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, key = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            # e.g. `Basic` added by a reverse proxy that guards an intranet: not ours to judge
            return None
        if not key.strip():
            raise ApiError(401, "token_invalid", _("Send the token as 'Authorization: Bearer <token>'."))
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str):
        if self._find is None:  # no token store registered: no token is valid
            raise ApiError(401, "token_invalid", _("This API token is not valid."))
        found = self._find(token)
        request.user = found.user
        request.api_token = found
        return found


class SessionAuth(APIKeyCookie):
    """The browser session of the pages. Unsafe methods need the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The web session (signed in on the pages); unsafe methods need the X-CSRFToken header."

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        unsafe = request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and check_csrf(request):
            raise ApiError(
                403, "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header, or use an API token.")
            )
        return user

    def authenticate(self, request: HttpRequest, key):  # required by APIKeyCookie; __call__ does the work
        return None


class AnonymousAuth:
    """Lets an operation run without credentials (public reads). Listed last in PUBLIC, so a
    token or a session is still recognised; shown as the optional `{}` requirement in OpenAPI."""

    def __call__(self, request: HttpRequest):
        return ANONYMOUS


class _Anonymous:
    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return "anonymous"


ANONYMOUS = _Anonymous()
token_auth = TokenAuth()
session_auth = SessionAuth()
anonymous_auth = AnonymousAuth()

#: Operations any visitor may call (the pages are public): token or session still recognised.
PUBLIC = [token_auth, session_auth, anonymous_auth]
#: The default for every operation: a token or a signed-in session.
AUTHENTICATED = [token_auth, session_auth]


def ensure_perm(request: HttpRequest, perm: str, obj: Any = None, *, hide: bool = False) -> None:
    """Raise unless `request.user` has the rules permission `perm` on `obj` (the pages' check).

    `hide=True` answers 404 instead of 403, for objects whose existence is itself confidential.
    Anonymous callers get 401 so a script knows it must authenticate.
    """
    user = request.user
    if user.has_perm(perm, obj):
        return
    if hide:
        raise Http404
    if not user.is_authenticated:
        raise AuthenticationError()
    raise PermissionDenied
