"""The audit of sign-ins and sign-outs: Django's and django-axes' signals become `SecurityEvent`s."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hamafza.accounts import services
from hamafza.accounts.lockout import client_username
from hamafza.accounts.models import SecurityEvent


def _backend_name(user) -> str:
    backend = getattr(user, "backend", "") or ""
    return {"ldap": "LDAP", "oidc": "OpenID Connect"}.get(
        "ldap" if "LDAP" in backend else "oidc" if "OIDC" in backend else "", ""
    )


@receiver(user_logged_in, dispatch_uid="hamafza_audit_login")
def audit_login(sender, request, user, **kwargs):
    from hamafza.accounts.middleware import SESSION_FLAG
    from hamafza.accounts.selectors import two_factor_enabled

    session = getattr(request, "session", None)
    if session is not None:  # the two-factor middleware reads it instead of asking each request
        session[SESSION_FLAG] = two_factor_enabled(user)
    detail = _backend_name(user)
    if getattr(user, "otp_device", None) is not None:
        detail = " ".join(filter(None, [detail, "two-factor"]))
    services.security_event_record(kind=SecurityEvent.Kind.LOGIN_OK, user=user, request=request, detail=detail)


@receiver(user_logged_out, dispatch_uid="hamafza_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        services.security_event_record(kind=SecurityEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="hamafza_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "axes_locked_out", False):
        return  # no client to audit (tests, commands), or recorded as locked_out below
    username = client_username(request, credentials) or ""
    kind = SecurityEvent.Kind.OTP_FAILED if credentials.get("otp") else SecurityEvent.Kind.LOGIN_FAILED
    services.security_event_record(kind=kind, username=username, request=request, user=_user_for(username))


@receiver(user_locked_out, dispatch_uid="hamafza_audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    services.security_event_record(
        kind=SecurityEvent.Kind.LOCKED_OUT, username=username or "", request=request, user=_user_for(username)
    )


def _user_for(username):
    from hamafza.accounts.models import User

    return User.objects.filter(email__iexact=username).first() if username else None
