"""Settings shared by every environment. Everything comes from environment variables with safe
defaults: SQLite under var/, eager background tasks, console email, DEBUG off."""

from pathlib import Path

import dj_database_url
from django.utils.translation import pgettext_lazy

from .env import BASE_DIR, VAR_DIR, env_bool, env_int, env_list, env_str, local_secret_key

SECRET_KEY = local_secret_key()
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "hamafza.core",
    "hamafza.accounts",
    "hamafza.directory",
    "hamafza.challenges",
    "hamafza.matching",
    "hamafza.proposals",
    "hamafza.consortia",
    "hamafza.spaces",
    "hamafza.pilots",
    "hamafza.programs",
    "hamafza.insights",  # last: it reads every other app and none reads it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hamafza.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hamafza.core.middleware.SessionTimeoutMiddleware",
    "hamafza.core.middleware.BadInputMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hamafza.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last: turns a refused login (too many failures) into the 429 page or problem
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hamafza.core.context_processors.navigation",
            ],
            "builtins": ["hamafza.core.templatetags.hamafza"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hamafza.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Covering indexes (INCLUDE, ADR 0029) are a PostgreSQL feature; SQLite builds them on their
    # key columns alone, which is what the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workspace"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", pgettext_lazy("option", "Persian")), ("en", pgettext_lazy("option", "English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files live outside any web root and are only served through permission-checked views.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hamafza <noreply@hamafza.local>")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL"),
    }
    if env_str("CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hamafza"}
}

# Background work: eager (in-process) unless a broker is configured and eagerness is switched off.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when it has finished, and one whose worker died is given back to the
# queue: a worker restarted (or killed) in the middle of a task does not lose it. With Redis an
# unacknowledged task returns to the queue after the visibility timeout (seconds), so keep that
# longer than the longest task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The sweep that gives such tasks back runs every 10 s (kombu's default throttle makes it ~100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Calls close at their deadline without anyone acting (a read shows a due call as closed at once).
    "challenges-close-due-calls": {
        "task": "challenges.close_due_calls",
        "schedule": float(env_int("CLOSE_DUE_CALLS_EVERY_SECONDS", 300)),
    },
    # The dashboards' stored figures in use are recomputed before they go stale (docs/insights.md).
    "insights-refresh-snapshots": {
        "task": "insights.refresh_snapshots",
        "schedule": float(env_int("INSIGHTS_REFRESH_SECONDS", 600)),
    },
    # Every active city's OCDS package and calendar feed are kept built (docs/insights.md, open data).
    "insights-refresh-open-data": {
        "task": "insights.refresh_open_data",
        "schedule": float(env_int("INSIGHTS_REFRESH_SECONDS", 600)),
    },
    # Pilot reminders: milestones due within 7 days or overdue, KPI measurements due (idempotent).
    "pilots-send-reminders": {"task": "pilots.send_reminders", "schedule": 3600.0},
    # Judges with work missing, reminded once a few days before their panel's scoring deadline.
    "proposals-remind-before-deadline": {"task": "proposals.remind_before_deadline", "schedule": 3600.0},
    # Event reminders: one to each confirmed registrant within a day of the start (idempotent).
    "programs-send-event-reminders": {"task": "programs.send_event_reminders", "schedule": 3600.0},
}

# Matching engine (docs/matching.md): each server's own index directory; the e5 re-ranker is off by
# default (measured: building the demo's 200 organizations takes 138 s with it, 1.3 s without).
# Each application server keeps its own index (docs/decisions/0005-matching-engine.md): on a shared
# var/ volume, point this at a local directory of the server.
MATCHING_INDEX_DIR = Path(env_str("MATCHING_INDEX_DIR", str(VAR_DIR / "index")))
MATCHING_USE_EMBEDDINGS = env_bool("MATCHING_USE_EMBEDDINGS", False)
# "calls for you": a first build of the open calls' index with at most this many calls runs in the
# request, a larger one in a background thread while the page shows a partial list (ADR 0026)
MATCHING_CALL_INDEX_INLINE_MAX = env_int("MATCHING_CALL_INDEX_INLINE_MAX", 500)

# REST API v1 (docs/api.md): requests per minute per API token, per client address (session and
# anonymous calls), and for creating a token with a password (per address and per email).
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 300)
API_RATE_LIMIT_ANON_PER_MINUTE = env_int("API_RATE_LIMIT_ANON_PER_MINUTE", 120)
API_TOKEN_CREATE_PER_MINUTE = env_int("API_TOKEN_CREATE_PER_MINUTE", 5)
# Behind a reverse proxy, how many proxies' X-Forwarded-For entries to trust for the client address.
API_TRUSTED_PROXIES = env_int("API_TRUSTED_PROXIES", 0)

# Open data (docs/insights.md): the OCDS ocid prefix registered with the Open Contracting Partnership
# (ocid = prefix + "-" + call id), and the public address of the site (`https://hamafza.example.ir`),
# used for absolute links written without a request (e-mails, `hamafza export ocds`).
OCDS_OCID_PREFIX = env_str("OCDS_OCID_PREFIX", "ocds-hamafza")
SITE_URL = env_str("SITE_URL", "")
# Insights (docs/insights.md): how old (seconds) the dashboards' stored figures may be before a page
# computes them again; the scheduler refreshes the ones in use every INSIGHTS_REFRESH_SECONDS.
INSIGHTS_SNAPSHOT_MAX_AGE = env_int("INSIGHTS_SNAPSHOT_MAX_AGE", 1800)
INSIGHTS_REFRESH_SECONDS = env_int("INSIGHTS_REFRESH_SECONDS", 600)
# A city's stored OCDS package and calendar feed are built again when what they show changes, or
# when older than this (seconds); the city feed holds events from this many days ago on.
INSIGHTS_OPEN_DATA_MAX_AGE = env_int("INSIGHTS_OPEN_DATA_MAX_AGE", 3600)
INSIGHTS_CALENDAR_PAST_DAYS = env_int("INSIGHTS_CALENDAR_PAST_DAYS", 90)
# The public summary's previews (first rows and counts of each register) are cached this long (s).
INSIGHTS_SUMMARY_CACHE_SECONDS = env_int("INSIGHTS_SUMMARY_CACHE_SECONDS", 60)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after the
# sign-in, whatever the activity (hamafza.core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the platform
# itself, no inline script, no inline style attribute, no eval, no framing. Templates keep their
# JavaScript in static files (hamafza/core/static/hamafza/) and use classes instead of style="".
# data: images are Bootstrap's inline SVG icons in its CSS (select arrows, the navbar toggler).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Login protection, two-factor authentication, LDAP and OpenID Connect: AUTHENTICATION_BACKENDS and
# the AXES_*, OTP_*, AUTH_LDAP_* and OIDC_* settings (docs/authentication.md).
from .authentication import *  # noqa: E402, F403
