"""Settings for `make run` on a developer's or a single municipality's machine. DEBUG is off unless
DJANGO_DEBUG=1 (`make dev`): a wrong link shows the app's own 404 page, and whitenoise serves the
static files either way."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
