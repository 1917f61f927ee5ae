"""Background tasks of the insights app: keep the dashboards' stored figures and the open-data files fresh."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from hamafza.core.models import City
from hamafza.insights import dashboards, open_data, selectors

MAX_REFRESH = 500  # selections recomputed per run at most


@shared_task(name="insights.refresh_snapshots")
def refresh_snapshots() -> int:
    """Recompute the national dashboard and every active city's dashboard (unfiltered, in the
    default language), and every other stored selection computed in the last day, oldest first.
    Safe to run twice. Returns how many selections were recomputed."""
    language = settings.LANGUAGE_CODE[:2]
    selections = [(selectors.Filters(), language)]
    selections += [(selectors.Filters(city=c), language) for c in City.objects.filter(is_active=True).order_by("pk")]
    seen = {dashboards.snapshot_key(f, language=lang) for f, lang in selections}
    used_since = timezone.now() - datetime.timedelta(days=1)
    for key in selectors.figure_snapshot_keys_to_refresh(used_since=used_since, limit=MAX_REFRESH):
        if key in seen:
            continue
        parsed = dashboards.filters_from_key(key)
        if parsed is not None:
            selections.append(parsed)
            seen.add(key)
    for filters, lang in selections[:MAX_REFRESH]:
        dashboards.refresh(filters, language=lang)
    return min(len(selections), MAX_REFRESH)


@shared_task(name="insights.build_open_data")
def build_open_data(kind: str, city_id: int, language: str, base: str) -> bool:
    """Build one stored open-data file (queued by a request that served the previous one)."""
    city = City.objects.filter(pk=city_id).first()
    if city is None or kind not in open_data.KINDS:
        return False
    open_data.build(kind, city, base=base, language=language)
    return True


@shared_task(name="insights.refresh_open_data")
def refresh_open_data() -> int:
    """Keep every active city's OCDS package and calendar feed built (only the changed or old ones
    are built again). Returns how many were built."""
    return open_data.refresh()
