"""Municipal single sign-on, each off by default: LDAP / Active Directory (django-auth-ldap) through
the login form, and OpenID Connect (mozilla-django-oidc) through the provider's page. Both map the
directory's groups (LDAP) or a claim's values (OIDC) to city roles (settings LDAP_ROLE_MAP and
OIDC_ROLE_MAP), kept in step at every sign-in; roles granted on the platform are left alone.
docs/authentication.md says how to enable them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from hamafza.accounts import services
from hamafza.accounts.models import CityRole

log = logging.getLogger("hamafza.accounts.sso")


def roles_for(role_map: dict[str, list[str]], values) -> list[str]:
    """The role specs that `values` (group DNs or claim values) map to. Group DNs compare without
    regard to case, as directories do."""
    lowered = {str(k).lower(): [v] if isinstance(v, str) else list(v) for k, v in role_map.items()}
    specs: list[str] = []
    for value in values:
        specs.extend(lowered.get(str(value).lower(), []))
    return specs


# --- LDAP / Active Directory --------------------------------------------------------------------
try:  # python-ldap needs the OpenLDAP headers to build: requirements-ldap.txt, installed when present
    from django_auth_ldap.backend import LDAPBackend as _LDAPBackend
except ImportError:  # pragma: no cover - exercised only on machines without python-ldap
    _LDAPBackend = None


def _ldap_backend_base():
    if _LDAPBackend is None:
        raise ImproperlyConfigured(
            "LDAP_ENABLED is on but django-auth-ldap is not installed: "
            "apt-get install libldap2-dev libsasl2-dev, then pip install -r requirements-ldap.txt"
        )
    return _LDAPBackend


class _LDAPSettingsMixin:
    """django-auth-ldap's search objects, built from the plain LDAP_* settings."""

    @property
    def settings(self):
        if self._settings is None:
            import ldap
            from django_auth_ldap.config import (
                GroupOfNamesType,
                LDAPSearch,
                NestedActiveDirectoryGroupType,
                PosixGroupType,
            )

            base = super().settings
            base.USER_SEARCH = LDAPSearch(settings.LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.LDAP_USER_FILTER)
            if settings.LDAP_GROUP_SEARCH_BASE:
                kinds = {
                    "groupOfNames": (GroupOfNamesType, "(objectClass=groupOfNames)"),
                    "activeDirectory": (NestedActiveDirectoryGroupType, "(objectClass=group)"),
                    "posixGroup": (PosixGroupType, "(objectClass=posixGroup)"),
                }
                if settings.LDAP_GROUP_TYPE not in kinds:
                    raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(kinds)}")
                group_type, group_filter = kinds[settings.LDAP_GROUP_TYPE]
                base.GROUP_SEARCH = LDAPSearch(settings.LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, group_filter)
                base.GROUP_TYPE = group_type()
            base.USER_ATTR_MAP = {"display_name_fa": settings.LDAP_ATTR_DISPLAY_NAME}
            self._settings = base
        return self._settings


if _LDAPBackend is not None:

    class CityLDAPBackend(_LDAPSettingsMixin, _LDAPBackend):
        """Signs in with the directory password; the account (email, lower-cased) is created at the
        first sign-in with no usable local password; the roles follow LDAP_ROLE_MAP."""

        def ldap_to_django_username(self, username):
            return username.strip().lower()

        def authenticate_ldap_user(self, ldap_user, password):
            user = super().authenticate_ldap_user(ldap_user, password)
            if user is not None:
                groups = ldap_user.group_dns if settings.LDAP_GROUP_SEARCH_BASE else set()
                added, removed = services.city_roles_sync(
                    user=user, source=CityRole.Source.LDAP, role_specs=roles_for(settings.LDAP_ROLE_MAP, groups)
                )
                log.info("LDAP sign-in of %s: %s roles added, %s removed", user.email, added, removed)
            return user

else:  # pragma: no cover

    class CityLDAPBackend:
        def __init__(self, *args, **kwargs):
            _ldap_backend_base()


# --- OpenID Connect --------------------------------------------------------------------------------
class CityOIDCBackend(OIDCAuthenticationBackend):
    """Signs in with the provider's ID token and user info: the account is found by email (or
    created), its display name and roles follow the claims (OIDC_ROLES_CLAIM, OIDC_ROLE_MAP)."""

    def create_user(self, claims):
        from hamafza.accounts.models import User

        user = User.objects.create_user(email=claims["email"].strip().lower())
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        name = (claims.get("name") or "").strip()[:150]
        if name and name != user.display_name_fa:
            user.display_name_fa = name
            user.save(update_fields=["display_name_fa"])
        values = claims.get(settings.OIDC_ROLES_CLAIM) or []
        if isinstance(values, str):
            values = [values]
        services.city_roles_sync(
            user=user, source=CityRole.Source.OIDC, role_specs=roles_for(settings.OIDC_ROLE_MAP, values)
        )
        return user


def _require_oidc():
    if not settings.OIDC_ENABLED:
        raise Http404


class CityOIDCAuthenticationView(OIDCAuthenticationRequestView):
    """Starts the sign-in at the provider (404 unless OIDC_ENABLED)."""

    def dispatch(self, request, *args, **kwargs):
        _require_oidc()
        return super().dispatch(request, *args, **kwargs)


class CityOIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here; a failure lands on the login page with a message."""

    def dispatch(self, request, *args, **kwargs):
        _require_oidc()
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self):
        messages.error(self.request, _("Signing in with your municipality account did not work. Try again."))
        return redirect("accounts:login")
