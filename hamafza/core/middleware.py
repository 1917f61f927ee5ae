import time

from django.conf import settings
from django.contrib.auth import logout


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
