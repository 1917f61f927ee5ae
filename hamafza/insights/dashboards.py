"""The figures of each dashboard as `tables.Table`s, assembled once for the pages and the API (so
both show the same numbers): the city's, the national one and the public summary of a city."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.models import City, Domain, Unit
from hamafza.insights import local_share, registers, selectors, services, tables
from hamafza.insights.periods import Period
from hamafza.pilots import selectors as pilot_selectors

LOCAL_SHARE_TITLES = {"domain": _("Local share per domain"), "city": _("Local share per city")}
CITY_BREAKDOWNS = ("domain", "unit")
NATIONAL_BREAKDOWNS = ("domain", "city")


def call_url(step_key, pk):
    return reverse("challenges:call_detail", args=[pk])


def _item_url(step_key, pk):
    """Slow items: a call links to its page, a pilot to its working page (permission-checked there)."""
    if step_key in ("need_to_call", "call_to_award"):
        return call_url(step_key, pk)
    return reverse("pilots:pilot_detail", args=[pk])


def pilot_summary_url(pk):
    return reverse("pilots:pilot_summary", args=[pk])


def figures(filters: selectors.Filters, *, breakdowns: tuple[str, ...], years: list[int]) -> list[tables.Table]:
    """Funnel, times, slowest items, local share (in total, per year, per domain or city) and the
    breakdown tables. A fixed number of queries."""
    time_rows = selectors.times(filters)
    result = [
        tables.funnel_table(selectors.funnel(filters)),
        tables.times_table(time_rows),
        tables.slowest_table(time_rows, url_for=_item_url),
        tables.local_share_table(
            local_share.local_share(filters),
            by=None,
            slug="local-share",
            title=str(pgettext_lazy("text", "Local share")),
            note=True,
        ),
        tables.local_share_table(
            local_share.local_share(filters, by="year", years=years),
            by="year",
            slug="local-share-per-year",
            title=str(_("Local share per year")),
        ),
    ]
    for by in breakdowns:
        shares = local_share.local_share(filters, by=by)
        if by in LOCAL_SHARE_TITLES:
            result.append(
                tables.local_share_table(shares, by=by, slug=f"local-share-per-{by}", title=str(LOCAL_SHARE_TITLES[by]))
            )
        values = {row["key"]: row["total"] for row in shares}
        result.append(tables.breakdown_table(selectors.breakdown(by, filters, values=values), by=by))
    return result


def register_table(slug: str, rows) -> tables.Table:
    """The rows of a public register (`registers`) as its table."""
    if slug == "open-calls":
        return tables.open_calls_register(rows, url_for=call_url)
    if slug == "calls":
        return tables.calls_register(rows, url_for=call_url)
    if slug == "awards":
        return tables.awards_register(rows, url_for=call_url)
    if slug == "pilots":
        return tables.pilots_register(rows, url_for=pilot_summary_url)
    return tables.agreements_register(
        rows, value_shown=lambda a: pilot_selectors.agreement_value_shown(a, confidential=False)
    )


SUMMARY_REGISTERS = ("calls", "awards", "pilots", "agreements")


def public_registers(city, *, limit: int | None = None, only: str | None = None) -> list[tables.Table]:
    """The public registers of a city: calls, awards, completed pilots, agreements (or the one
    named `only`, which may also be "open-calls"). With `limit`, each table holds its first
    `limit` rows and its `total` is counted up to `paging.COUNT_CAP` (the page); without, every
    row (the downloads). A fixed number of queries."""
    result = []
    for slug in [only] if only else SUMMARY_REGISTERS:
        if limit is None:
            rows = list(registers.register_rows(slug, city))
            table = register_table(slug, rows)
            table.total = len(rows)
        else:
            rows, _next = registers.register_page(slug, city, size=limit)
            table = register_table(slug, rows)
            count = registers.register_count(slug, city)
            table.total, table.total_exact = count.shown, count.exact
        result.append(table)
    return result


def summary_tables(city) -> tuple[tables.Table, list[tables.Table]]:
    """The open calls and the registers of the summary page (first rows and capped counts), kept in
    the cache for settings.INSIGHTS_SUMMARY_CACHE_SECONDS: a public page every visitor sees the
    same, whose register previews sort the city's rows (~120 ms each for Tehran's calls and awards
    at national volume, see docs/insights.md)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    key = f"insights:summary:{city.pk}:{language}"
    stored = cache.get(key)
    if stored is None:
        open_calls = public_registers(city, limit=tables.OPEN_CALLS_PREVIEW, only="open-calls")
        previews = public_registers(city, limit=tables.REGISTER_PREVIEW)
        stored = [(t.to_data(), t.total, t.total_exact) for t in open_calls + previews]
        cache.set(key, stored, settings.INSIGHTS_SUMMARY_CACHE_SECONDS)
    result = []
    for data, total, exact in stored:
        table = tables.Table.from_data(data)
        table.total, table.total_exact = total, exact
        result.append(table)
    return result[0], result[1:]


def public_local_share(city) -> tables.Table:
    """The local share per year in percent, from the city's stored dashboard figures."""
    figures_, _computed_at = dashboard_figures(selectors.Filters(city=city))
    per_year = next(t for t in figures_ if t.slug == "local-share-per-year")
    return tables.public_local_share_table(per_year.rows)


# --- The stored figures (the summary table) ---------------------------------------------------------
def snapshot_key(filters: selectors.Filters, *, language: str) -> str:
    """The selection as a key: city (or "-" for the nation), year, quarter, domain, unit, language."""
    period = filters.period
    parts = [
        f"city={filters.city.pk if filters.city else '-'}",
        f"year={period.year if period else '-'}",
        f"quarter={period.quarter if period and period.quarter else '-'}",
        f"domain={filters.domain.pk if filters.domain else '-'}",
        f"unit={filters.unit.pk if filters.unit else '-'}",
        f"lang={language}",
    ]
    return "v1|" + "|".join(parts)


def filters_from_key(key: str) -> tuple[selectors.Filters, str] | None:
    """The selection of a key (None when it no longer exists: a city, domain or unit deleted)."""
    try:
        values = dict(part.split("=", 1) for part in key.split("|")[1:])
        ident = {k: (None if v == "-" else int(v)) for k, v in values.items() if k != "lang"}
        ident = {k: ident[k] for k in ("city", "year", "quarter", "domain", "unit")}
    except (ValueError, KeyError):
        return None
    city = City.objects.filter(pk=ident["city"]).first() if ident["city"] else None
    domain = Domain.objects.filter(pk=ident["domain"]).first() if ident["domain"] else None
    unit = Unit.objects.filter(pk=ident["unit"]).first() if ident["unit"] else None
    if (ident["city"] and city is None) or (ident["domain"] and not domain) or (ident["unit"] and not unit):
        return None
    period = Period(ident["year"], ident["quarter"]) if ident["year"] else None
    return selectors.Filters(city=city, period=period, domain=domain, unit=unit), values.get("lang", "fa")


def _compute(filters: selectors.Filters) -> list[tables.Table]:
    if filters.city is None:
        return figures(filters, breakdowns=NATIONAL_BREAKDOWNS, years=selectors.jalali_years())
    return figures(filters, breakdowns=CITY_BREAKDOWNS, years=selectors.jalali_years(city=filters.city))


def refresh(filters: selectors.Filters, *, language: str) -> tuple[list[tables.Table], datetime.datetime]:
    """Compute the figures of a selection now and store them."""
    with translation.override(language):
        result = _compute(filters)
        snapshot = services.figure_snapshot_save(
            key=snapshot_key(filters, language=language), data=[t.to_data() for t in result]
        )
    return result, snapshot.computed_at


def dashboard_figures(filters: selectors.Filters) -> tuple[list[tables.Table], datetime.datetime]:
    """The figures of a dashboard and when they were computed: the stored ones while fresh
    (younger than settings.INSIGHTS_SNAPSHOT_MAX_AGE seconds), else computed now and stored."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    key = snapshot_key(filters, language=language)
    snapshot = selectors.figure_snapshot(key=key)
    max_age = datetime.timedelta(seconds=settings.INSIGHTS_SNAPSHOT_MAX_AGE)
    if snapshot is not None and snapshot.computed_at >= timezone.now() - max_age:
        return [tables.Table.from_data(d) for d in snapshot.data], snapshot.computed_at
    return refresh(filters, language=language)
