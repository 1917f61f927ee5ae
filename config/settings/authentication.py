"""Sign-in protection, two-factor authentication and municipal single sign-on (docs/authentication.md).

Imported by base.py. Every value comes from an environment variable with a safe default; LDAP and
OpenID Connect are off unless their `*_ENABLED` variable is set.
"""

import datetime
import json

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_str


def _role_map(raw: str, name: str) -> dict[str, list[str]]:
    """A JSON object from the environment variable `name`: directory group (or claim value) -> role
    specs (`"city-slug:role"` or `"city-slug:unit_staff:unit-slug"`), one string or a list."""
    raw = raw.strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from exc
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object of group -> role(s)")
    return {str(k): [v] if isinstance(v, str) else [str(x) for x in v] for k, v in value.items()}


# --- Login protection (django-axes): per account and per client address ----------------------
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] if env_bool("LOGIN_LOCKOUT_BY_ADDRESS", True) else ["username"]
AXES_RESET_ON_SUCCESS = True
# Failures while locked neither count nor extend the cool-off: the lock ends when the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "hamafza.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "hamafza.accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "hamafza.accounts.lockout.client_username"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp", "otp_token", "csrfmiddlewaretoken"]

# --- Two-factor authentication (django-otp: TOTP and recovery codes) -------------------------
# Platform admins, innovation managers and judges must enrol when this is on (production: on).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Hamafza")
TWO_FACTOR_RECOVERY_CODES = 10

# --- Municipal single sign-on ---------------------------------------------------------------
LDAP_ENABLED = env_bool("LDAP_ENABLED", False)
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)

AUTHENTICATION_BACKENDS = [
    "hamafza.accounts.backends.LockoutBackend",  # refuses locked accounts and addresses first
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if LDAP_ENABLED:
    AUTHENTICATION_BACKENDS.append("hamafza.accounts.sso.CityLDAPBackend")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("hamafza.accounts.sso.CityOIDCBackend")

# LDAP / Active Directory (django-auth-ldap). The login form's email is looked up with the filter.
AUTH_LDAP_SERVER_URI = env_str("LDAP_SERVER_URI", "")
AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD", "")
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE", "")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(mail=%(user)s)")
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE", "")
# groupOfNames (OpenLDAP), activeDirectory (AD, nested groups) or posixGroup
LDAP_GROUP_TYPE = env_str("LDAP_GROUP_TYPE", "groupOfNames")
LDAP_ATTR_DISPLAY_NAME = env_str("LDAP_ATTR_DISPLAY_NAME", "displayName")
LDAP_ROLE_MAP = _role_map(env_str("LDAP_ROLE_MAP", ""), "LDAP_ROLE_MAP")
AUTH_LDAP_ALWAYS_UPDATE_USER = True
AUTH_LDAP_FIND_GROUP_PERMS = False
AUTH_LDAP_CACHE_TIMEOUT = 0

# OpenID Connect (mozilla-django-oidc): the provider's endpoints, this client's id and secret.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
# Match the ID token's `kid` with the provider's keys; turn off for providers with one unnamed key.
OIDC_VERIFY_KID = env_bool("OIDC_VERIFY_KID", True)
OIDC_ROLES_CLAIM = env_str("OIDC_ROLES_CLAIM", "groups")
OIDC_ROLE_MAP = _role_map(env_str("OIDC_ROLE_MAP", ""), "OIDC_ROLE_MAP")
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
OIDC_USE_NONCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
