import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hamafza.accounts import services
from hamafza.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    OtpForm,
    ProfileForm,
    RegistrationForm,
    SetPasswordAndUnlockForm,
)
from hamafza.accounts.middleware import SESSION_FLAG
from hamafza.accounts.models import ApiToken, SecurityEvent, User
from hamafza.accounts.rules import roles_of
from hamafza.accounts.selectors import recovery_codes_left, two_factor_enabled, two_factor_required
from hamafza.core import hooks

#: The session key of a sign-in that waits for its two-factor code (user id, backend, next, time).
PENDING_KEY = "hamafza_2fa_pending"
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor_enabled(user):
            # The password was right; the session is signed in only after the second factor.
            self.request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return redirect("accounts:login_verify")
        response = super().form_valid(form)
        # Switch to the user's language unless they asked for a page in another one.
        self.request.session["hamafza_language"] = user.preferred_language
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context

    def form_invalid(self, form):
        # Bad input is a 400, with the form (and the typed email) shown again.
        return self.render_to_response(self.get_context_data(form=form), status=400)


def register(request):
    if request.user.is_authenticated:
        return redirect("core:workspace")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = services.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name_fa=form.cleaned_data["display_name_fa"],
                display_name_en=form.cleaned_data["display_name_en"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect("core:workspace")
        return render(request, "accounts/register.html", {"form": form}, status=400)
    return render(request, "accounts/register.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = services.user_update_profile(user=request.user, **form.cleaned_data)
            request.session["hamafza_language"] = user.preferred_language
            # Land on the profile in the newly chosen language (override, not activate: the
            # thread's language must not leak past this request).
            with translation.override(user.preferred_language):
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
        return render(request, "accounts/profile.html", _profile_context(request, form), status=400)
    return render(request, "accounts/profile.html", _profile_context(request, form))


def _profile_context(request, form) -> dict:
    """The form and roles, plus what higher apps add (``hooks.profile_context``: the memberships;
    ``hooks.profile_sections``: e.g. the upcoming bookings)."""
    context = {"form": form, "roles": roles_of(request.user), "two_factor_enabled": two_factor_enabled(request.user)}
    for extra in hooks.profile_context.results(request.user):
        context.update(extra)
    context["sections"] = [section for section in hooks.profile_sections.results(request.user) if section]
    return context


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
    form_class=SetPasswordAndUnlockForm,  # a new password also lifts the sign-in lock
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


def _tokens_page(request, form, *, new_key=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}, status=status)


@never_cache
@login_required
def api_tokens(request):
    """The user's personal API tokens: create one (its secret is shown once, on this response) or
    revoke one. A token acts with the user's own roles."""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at(), request=request
            )
            return _tokens_page(request, ApiTokenForm(), new_key=key)
        return _tokens_page(request, form, status=400)
    return _tokens_page(request, ApiTokenForm())


@login_required
@require_POST
def api_token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


# --- two-factor authentication ---------------------------------------------------------------


def _safe_next(request, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@never_cache
def login_verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code. Wrong
    codes count as failed sign-ins (the same lock as wrong passwords)."""
    from axes.handlers.proxy import AxesProxyHandler

    from hamafza.accounts.lockout import lockout_response

    pending = request.session.get(PENDING_KEY)
    if pending and time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.warning(request, _("The sign-in took too long: enter your password again."))
        return redirect("accounts:login")
    if pending:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        next_url = pending.get("next") or settings.LOGIN_REDIRECT_URL
    elif request.user.is_authenticated and two_factor_enabled(request.user) and not request.user.is_verified():
        user, next_url = request.user, _safe_next(request, reverse("core:workspace"))
    else:
        return redirect("accounts:login")
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")

    form = OtpForm(request.POST or None)
    if request.method == "POST":
        credentials = {"username": user.email, "otp": "********"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        device = (
            services.two_factor_verify(user=user, token=request.POST.get("otp_token", "")) if form.is_valid() else None
        )
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("otp_token", _("The code is not right. Try the next code, or a recovery code."))
            return render(request, "accounts/login_verify.html", {"form": form, "next": next_url}, status=400)
        if device.__class__.__name__ == "StaticDevice":
            left = recovery_codes_left(user)
            services.security_event_record(
                kind=SecurityEvent.Kind.RECOVERY_CODE_USED, user=user, request=request, detail=f"{left} left"
            )
            messages.warning(
                request,
                _("You signed in with a recovery code; %(count)s are left. Make new ones on your account page.")
                % {"count": left},
            )
        if pending:
            request.session.pop(PENDING_KEY, None)
            user.otp_device = device  # django-otp marks the session verified on login
            login(request, user, backend=pending["backend"])
            request.session["hamafza_language"] = user.preferred_language
        else:
            from django_otp import login as otp_login

            otp_login(request, device)
        return redirect(next_url)
    return render(request, "accounts/login_verify.html", {"form": form, "next": next_url})


def _qr_svg(device) -> str:
    """The authenticator's set-up QR code as inline SVG, made on the server (no external service)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


@never_cache
@login_required
def two_factor(request):
    """The account's two-factor page: set it up (QR code, then a code to confirm; the recovery codes
    are shown once), make new recovery codes, or turn it off (unless the user's roles require it)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    enabled = two_factor_enabled(user)
    required = two_factor_required(user)
    context = {"enabled": enabled, "required": required, "form": OtpForm(), "codes": None}
    action = request.POST.get("action") if request.method == "POST" else None
    status = 200
    if not enabled:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None or action == "restart":
            device = services.two_factor_start(user=user)
        if action == "confirm":
            form = OtpForm(request.POST)
            try:
                token = form.data.get("otp_token", "")
                context["codes"] = services.two_factor_confirm(user=user, device=device, token=token, request=request)
            except services.TwoFactorRefused as exc:
                form.add_error("otp_token", exc.reasons[0])
                context["form"], status = form, 400
            else:
                from django_otp import login as otp_login

                device.refresh_from_db()
                otp_login(request, device)
                request.session[SESSION_FLAG] = True
                context["enabled"] = True
                messages.success(request, _("Two-factor authentication is on."))
        if not context["enabled"]:
            context.update({"qr_svg": _qr_svg(device), "secret": _b32(device)})
    elif action in ("codes", "disable"):
        form = OtpForm(request.POST)
        device = services.two_factor_verify(user=user, token=form.data.get("otp_token", ""))
        if device is None:
            form.add_error("otp_token", _("The code is not right. Try the next code, or a recovery code."))
            context["form"], status = form, 400
        elif action == "codes":
            context["codes"] = services.recovery_codes_generate(user=user, request=request)
        else:
            try:
                services.two_factor_disable(user=user, by=user, request=request)
            except services.TwoFactorRefused as exc:
                messages.error(request, exc.reasons[0])
                status = 409
            else:
                request.session[SESSION_FLAG] = False
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("accounts:two_factor")
    if context["enabled"]:
        context["codes_left"] = recovery_codes_left(user)
    context["next"] = _safe_next(request, "") if context["codes"] is None else ""
    return render(request, "accounts/two_factor.html", context, status=status)


def _b32(device) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
