"""Rate limits: fixed one-minute windows counted in the Django cache (Redis in production, so every
application server shares them), per token and per client address; 429 with `Retry-After`."""

from __future__ import annotations

import hashlib
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address set by the `API_TRUSTED_PROXIES` nearest proxies."""
    proxies = getattr(settings, "API_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_hit(scope: str, ident: str, limit: int, window: int = 60) -> int | None:
    """Count one request of `ident` in a fixed window (Django cache, so shared between workers
    with Redis). Returns None when allowed, else the seconds until the window ends."""
    if limit <= 0:
        return None
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
    key = f"hamafza:api-rate:{scope}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    return None


class ApiRateThrottle(BaseThrottle):
    """Requests per minute: per token (`API_RATE_LIMIT_PER_MINUTE`) when a token is used, else per
    client address (`API_RATE_LIMIT_ANON_PER_MINUTE`). Limits are read per request, so tests and
    operators can change them without a restart."""

    def __init__(self):
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)  # set by TokenAuth, which runs before the throttles
        if token is not None:
            wait = rate_limit_hit("token", str(token.pk), settings.API_RATE_LIMIT_PER_MINUTE)
        else:
            wait = rate_limit_hit("address", client_address(request), settings.API_RATE_LIMIT_ANON_PER_MINUTE)
        self._local.wait = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def throttle_or_raise(scope: str, ident: str, limit: int) -> None:
    """For operations with their own, stricter limit (e.g. creating tokens with a password)."""
    wait = rate_limit_hit(scope, ident, limit)
    if wait is not None:
        raise Throttled(wait=wait)
