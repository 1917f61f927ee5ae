import json
import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hamafza.core.api.language import api_language
from hamafza.core.api.problems import invalid_parameters_detail, problem_response


class UserLanguageMiddleware:
    """For `/` and other unprefixed URLs, prefer the signed-in user's language (else Persian).

    It runs before Django's LocaleMiddleware and only sets the language cookie-equivalent that
    LocaleMiddleware reads for redirects; an explicit /fa/ or /en/ prefix always wins, and so does a
    language chosen with the switch (the real cookie). The browser's Accept-Language is ignored:
    many municipal computers run an English system, and the platform is Persian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get("hamafza_language") if hasattr(request, "session") else None
        if language not in ("fa", "en"):
            language = settings.LANGUAGE_CODE
        request.COOKIES.setdefault(settings.LANGUAGE_COOKIE_NAME, language)
        return self.get_response(request)


SESSION_STARTED_KEY = "_hamafza_session_started"
SESSION_SEEN_KEY = "_hamafza_session_seen"
# The last-seen time is written back at most once a minute, so browsing does not write the session
# row on every request; the idle timeout is therefore exact to within a minute.
SESSION_TOUCH_SECONDS = 60


def session_mark_signed_in(request) -> None:
    """Start both session clocks (called when a user signs in)."""
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """Signs out a session idle for SESSION_IDLE_TIMEOUT seconds or older than
    SESSION_ABSOLUTE_TIMEOUT seconds since the sign-in, whatever its activity.

    Runs after AuthenticationMiddleware; the request then goes on as anonymous (a page that needs
    a signed-in user redirects to the login page as usual). API calls with a token carry no session
    and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            if not isinstance(started, int) or not isinstance(seen, int):
                session_mark_signed_in(request)
            elif now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
            elif now - seen >= SESSION_TOUCH_SECONDS:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


# ------------------------------------------------------------------------------------------------
# Bad input at the door: NUL characters and unreadable or oversized bodies (docs/decisions/0012)
# ------------------------------------------------------------------------------------------------
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_TEXT_TYPES = ("application/json", "application/problem+json", "text/")
#: Room for the form fields beside the largest accepted file in a multipart body.
MULTIPART_OVERHEAD = 1024 * 1024


def _nul_in(values) -> bool:
    return any("\x00" in str(value) for value in values)


def _nul_location(body: bytes) -> str:
    """`body.email`, `body.criteria.0.name`: where the first NUL of a JSON body is (the API's
    naming of fields), or just `body` when the body is not JSON."""
    try:
        document = json.loads(body)
    except ValueError:
        return "body"
    pending = [("body", document)]
    while pending:
        name, value = pending.pop(0)
        if isinstance(value, str) and "\x00" in value:
            return name
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return name
                pending.append((f"{name}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{name}.{i}", item) for i, item in enumerate(value))
    return "body"


class BadRequest(Exception):
    """A request refused before any view runs: `status`, the parameter's `name`, a user `message`."""

    def __init__(self, status: int, name: str, message):
        self.status, self.name, self.message = status, name, message
        super().__init__(str(message))


def max_request_body() -> int:
    """The largest body accepted at all: the largest upload (MAX_UPLOAD_MB) plus the form fields."""
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024 + MULTIPART_OVERHEAD


def check_request(request) -> None:
    """Raise BadRequest for a NUL character anywhere the client put input (path, query string,
    form fields and file names, JSON or text bodies), for a body larger than any upload we accept
    (decided from Content-Length, before reading a byte), and for an unreadable multipart body."""
    if "\x00" in request.path_info or "\x00" in request.path:
        raise BadRequest(400, "path", _NUL_MESSAGE)
    for key, values in request.GET.lists():
        if "\x00" in key or _nul_in(values):
            raise BadRequest(400, f"query.{key.replace(chr(0), '')}", _NUL_MESSAGE)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadRequest(400, "header", _("The Content-Length header is not a number.")) from None
    if length > max_request_body():
        raise BadRequest(
            413,
            "body",
            _("The request is too large; the largest accepted file is %(size)s MB.") % {"size": settings.MAX_UPLOAD_MB},
        )
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            fields, files = request.POST, request.FILES
        except MultiPartParserError:
            raise BadRequest(400, "body", _("The uploaded form could not be read; please send it again.")) from None
        except RequestDataTooBig:
            raise BadRequest(413, "body", _("The form is too large.")) from None
        except TooManyFieldsSent:
            raise BadRequest(400, "body", _("The form has too many fields.")) from None
        for key, values in fields.lists():
            if "\x00" in key or _nul_in(values):
                raise BadRequest(400, f"body.{key.replace(chr(0), '')}", _NUL_MESSAGE)
        for key, uploads in files.lists():
            if "\x00" in key or _nul_in(u.name for u in uploads):
                raise BadRequest(400, f"body.{key.replace(chr(0), '')}", _NUL_MESSAGE)
    elif length and content_type.startswith(_TEXT_TYPES):
        try:
            body = request.body
        except RequestDataTooBig:
            raise BadRequest(413, "body", _("The request body is too large.")) from None
        if b"\x00" in body or _JSON_NUL.search(body):
            raise BadRequest(400, _nul_location(body), _NUL_MESSAGE)


_NUL_MESSAGE = _("The request contains a NUL character (\\x00 or %00), which is never valid input.")


class BadInputMiddleware:
    """Answer `check_request`'s refusals with a 400 (or 413): a problem document under /api/,
    the 400 page with the reason elsewhere. It runs after authentication (the page needs the user)
    and before any view, form or query sees the input, so no NUL ever reaches the database
    (PostgreSQL refuses it in text) and no parser error becomes a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadRequest as refusal:
            return self.refuse(request, refusal)
        return self.get_response(request)

    @staticmethod
    def refuse(request, refusal: BadRequest):
        if request.path_info.startswith("/api/"):
            with translation.override(api_language(request)):
                errors = [{"name": refusal.name, "message": str(refusal.message)}]
                code = "invalid_parameters" if refusal.status == 400 else "too_large"
                detail = invalid_parameters_detail(errors) if refusal.status == 400 else str(refusal.message)
                return problem_response(request, refusal.status, code, detail, errors=errors)
        return render(request, "400.html", {"reason": refusal.message}, status=refusal.status)
