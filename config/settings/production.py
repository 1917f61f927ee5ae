"""Production settings: PostgreSQL, a real broker, SMTP and HTTPS, all from the environment.

`hamafza check --deploy --fail-level WARNING` is clean with the environment of
deploy/hamafza.env.example (tests/test_settings.py runs it). The settings refuse a configuration
that only suits one machine (SQLite, background tasks run inside the web request) unless the
operator allows it explicitly.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES
from .env import env_bool, env_int, env_str

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
DEBUG = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool("ALLOW_SQLITE_IN_PRODUCTION"):
    raise ImproperlyConfigured(
        "production settings refuse SQLite: set DATABASE_URL to PostgreSQL, or ALLOW_SQLITE_IN_PRODUCTION=1 "
        "for a single-machine installation"
    )

# Background tasks go to the broker and a Celery worker; in-process (eager) tasks block the web
# request and are lost with it, so production only runs them when explicitly allowed.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
if CELERY_TASK_ALWAYS_EAGER and not env_bool("ALLOW_EAGER_TASKS"):
    raise ImproperlyConfigured(
        "production settings refuse in-process background tasks (CELERY_TASK_ALWAYS_EAGER): run a Celery worker, "
        "or set ALLOW_EAGER_TASKS=1"
    )

# HTTPS: cookies only over HTTPS, HTTP redirected to HTTPS, browsers told to stay on HTTPS.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a reverse proxy that terminates TLS: the header (e.g. X-Forwarded-Proto) through which the
# proxy says the client used HTTPS. Only set it when the proxy always sets or strips that header
# and the app servers cannot be reached around the proxy.
_proxy_header = env_str("SECURE_PROXY_SSL_HEADER")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.strip().upper().replace("-", "_"), "https")
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)  # platform admins, innovation managers, judges
