"""Two-factor authentication on every request of a signed-in session (after django-otp's
OTPMiddleware). A session whose user has an authenticator but did not give a code (a sign-in
through single sign-on, or the admin) is sent to the code page; a user whose roles require
two-factor authentication (TWO_FACTOR_REQUIRED) and who has none yet is sent to set it up. Until
then they reach nothing else: pages redirect, the API answers a 403 problem."""

from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from hamafza.accounts.selectors import two_factor_enabled, two_factor_required

#: URL names the unfinished session may still reach (besides static files and the language switch).
ALLOWED_NAMES = ("login_verify", "two_factor", "logout", "password_reset", "password_reset_done")


def _allowed_paths() -> set[str]:
    """The allowed pages without their language prefix (`/fa`, `/en`)."""
    return {reverse(f"accounts:{name}")[3:] for name in ALLOWED_NAMES}


#: The session remembers whether its user has two-factor on (set at the first request after sign-in,
#: and by the set-up page), so most requests cost no query. A session that says "on" but is not
#: verified asks the database again (two-factor may have been reset by an admin).
SESSION_FLAG = "hamafza_2fa"


def _has_two_factor(request, user) -> bool:
    flag = request.session.get(SESSION_FLAG)
    if flag is None or (flag and not user.is_verified()):
        flag = two_factor_enabled(user)
        request.session[SESSION_FLAG] = flag
    return flag


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(request, "api_token", None) is not None:
            return self.get_response(request)
        if _has_two_factor(request, user):
            if user.is_verified():
                return self.get_response(request)
            return self._stop(
                request, "accounts:login_verify", "otp_required", gettext_lazy("Enter your two-factor code first.")
            )
        if two_factor_required(user):
            return self._stop(
                request,
                "accounts:two_factor",
                "otp_enrolment_required",
                gettext_lazy("Your roles require two-factor authentication: set it up on your account page first."),
            )
        return self.get_response(request)

    def _stop(self, request, target: str, code: str, detail):
        path = request.path
        static = settings.STATIC_URL or "/static/"
        exempt = ("/i18n/", "/healthz", static)
        if path.startswith(exempt) or path[3:] in _allowed_paths():
            return self.get_response(request)
        if path.startswith("/api/"):
            from django.utils import translation

            from hamafza.core.api.language import api_language
            from hamafza.core.api.problems import problem_response

            with translation.override(api_language(request)):  # as every API answer: Accept-Language
                return problem_response(request, 403, code, str(detail))
        url = reverse(target)
        if request.method == "GET":
            url += "?next=" + quote(request.get_full_path())
        return redirect(url)
