"""Settings for the test suite (pytest). DATABASE_URL chooses SQLite (default) or PostgreSQL."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MATCHING_INDEX_DIR = VAR_DIR / "test-index"
MATCHING_USE_EMBEDDINGS = False
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The API's rate limits are per minute and the test client always comes from 127.0.0.1: keep them
# out of the way; the rate-limit tests lower them with the `settings` fixture.
API_RATE_LIMIT_PER_MINUTE = 1_000_000
API_RATE_LIMIT_ANON_PER_MINUTE = 1_000_000
API_TOKEN_CREATE_PER_MINUTE = 1_000_000
