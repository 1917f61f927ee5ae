"""A city's open-data files (its OCDS release package, its public calendar feed), served pre-built.

Building Tehran's package means thousands of releases; building it on each request took 23 s at
national volume. So each file is built once, stored gzip-compressed (`OpenDataFile`), and served
from there with an entity tag and Last-Modified (a conditional GET answers 304). A file is built
again when:

* its **fingerprint** changed: a few aggregates read in a fixed number of queries on each request
  (counts and latest changes of the city's calls, agreements, milestones, payments; for the
  calendar, of each event source's rows in the window), so a new or edited call shows at once;
* or it is older than ``settings.INSIGHTS_OPEN_DATA_MAX_AGE`` (what no fingerprint sees, e.g. an
  organization's new name).

With a Celery worker (``CELERY_TASK_ALWAYS_EAGER`` off) a changed file younger than the maximum
age is served as it is while the task ``insights.build_open_data`` builds the new one (the package's
``publishedDate`` says when it was generated); with in-process tasks the request builds it. The beat
task ``insights.refresh_open_data`` keeps every active city's files built for ``settings.SITE_URL``.

The calendar feed holds the events from ``INSIGHTS_CALENDAR_PAST_DAYS`` days ago (start of that
Tehran day) on: calendar applications poll it and show what is coming; the whole history of calls
is in the OCDS package and the registers.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from hamafza.core.models import City
from hamafza.insights import ical, ocds, selectors, services
from hamafza.insights.models import OpenDataFile

ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Kind:
    key: str
    content_type: str
    filename: Callable[[City], str]
    fingerprint: Callable[[City], list]
    build: Callable[[City, str], bytes]  # (city, site address such as "https://hamafza.ir")


def calendar_since(now=None) -> datetime.datetime:
    """The start of the city feed's window: 00:00 Tehran, INSIGHTS_CALENDAR_PAST_DAYS days ago."""
    today = timezone.localtime(now or timezone.now(), ical.TEHRAN).date()
    start = today - datetime.timedelta(days=settings.INSIGHTS_CALENDAR_PAST_DAYS)
    return datetime.datetime(start.year, start.month, start.day, tzinfo=ical.TEHRAN)


def _build_ocds(city: City, base: str) -> bytes:
    data = ocds.package_for(city=city, uri=base + reverse("insights:ocds", args=[city.slug]))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _build_calendar(city: City, base: str) -> bytes:
    since = calendar_since()
    return ical.calendar(
        name=_("Hamafza calls: %(city)s") % {"city": city.name},
        events=ical.city_events(city, since=since, base=base),
    )


def _calendar_fingerprint(city: City) -> list:
    since = calendar_since()
    return [since.isoformat(), ical.city_fingerprint(city, since=since)]


KINDS = {
    "ocds": Kind(
        key="ocds",
        content_type="application/json",
        filename=lambda city: f"{city.slug}-ocds.json",
        fingerprint=lambda city: selectors.ocds_fingerprint(city=city),
        build=_build_ocds,
    ),
    "calendar": Kind(
        key="calendar",
        content_type="text/calendar; charset=utf-8",
        filename=lambda city: f"{city.slug}-calls.ics",
        fingerprint=_calendar_fingerprint,
        build=_build_calendar,
    ),
}


def site_base() -> str:
    return (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")


def request_base(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def file_key(kind: str, city: City, *, language: str, base: str) -> str:
    return f"{kind}|{city.pk}|{language}|{base}"[:300]


def _hash(values) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def build(kind: str, city: City, *, base: str, language: str | None = None) -> tuple[OpenDataFile, bytes]:
    """Build the file now and store it; returns the stored row and the (uncompressed) content."""
    language = language or _language()
    spec = KINDS[kind]
    with translation.override(language):
        fingerprint = _hash(spec.fingerprint(city))
        content = spec.build(city, base)
    stored = services.open_data_file_save(
        key=file_key(kind, city, language=language, base=base), fingerprint=fingerprint, content=content
    )
    return stored, content


def current(kind: str, city: City, *, base: str, serve_stale: bool = False) -> tuple[OpenDataFile, bytes | None]:
    """The stored file, built again first when it is missing, changed or too old. With
    `serve_stale`, a changed file younger than the maximum age is returned as it is and the
    rebuild is queued. The content is returned when it was just built (else None: read it with
    `selectors.open_data_content`)."""
    language = _language()
    spec = KINDS[kind]
    stored = selectors.open_data_file(key=file_key(kind, city, language=language, base=base))
    young = stored is not None and stored.generated_at >= timezone.now() - datetime.timedelta(
        seconds=settings.INSIGHTS_OPEN_DATA_MAX_AGE
    )
    if young and stored.fingerprint == _hash(spec.fingerprint(city)):
        return stored, None
    if young and serve_stale:
        current_app.send_task("insights.build_open_data", args=[kind, city.pk, language, base])
        return stored, None
    return build(kind, city, base=base, language=language)


def response(request, kind: str, city: City) -> HttpResponse:
    """The file as an HTTP response: 304 to a matching conditional GET, the gzip bytes as they are
    stored to a client that accepts gzip, else the plain content."""
    stored, content = current(kind, city, base=request_base(request), serve_stale=not settings.CELERY_TASK_ALWAYS_EAGER)
    last_modified = int(stored.generated_at.timestamp())
    headers = {
        "ETag": stored.etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
    }
    not_modified = get_conditional_response(request, etag=stored.etag, last_modified=last_modified)
    if not_modified is not None:
        for name, value in headers.items():
            not_modified[name] = value
        return not_modified
    spec = KINDS[kind]
    gzip_ok = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    if content is None or gzip_ok:
        compressed = selectors.open_data_content(pk=stored.pk)
        body = compressed if gzip_ok else gzip.decompress(compressed)
    else:
        body = content
    result = HttpResponse(body, content_type=spec.content_type)
    if gzip_ok:
        result["Content-Encoding"] = "gzip"
    for name, value in headers.items():
        result[name] = value
    result["Content-Disposition"] = f'inline; filename="{spec.filename(city)}"'
    return result


def refresh(*, base: str | None = None) -> int:
    """Build again every active city's files (default language, the site's address) that are
    missing, changed or too old. Returns how many were built."""
    base = base or site_base()
    built = 0
    with translation.override(settings.LANGUAGE_CODE[:2]):
        for city in City.objects.filter(is_active=True).order_by("pk"):
            for kind in KINDS:
                _stored, content = current(kind, city, base=base)
                built += content is not None
    return built


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]
