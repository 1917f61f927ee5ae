"""The figures of each dashboard as `tables.Table`s, assembled once for the pages and the API (so
both show the same numbers): the city's, the national one and the public summary of a city."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamafza.insights import local_share, selectors, tables
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
            local_share.local_share(filters), by=None, slug="local-share", title=str(_("Local share")), note=True
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


def public_registers(city, *, limit: int | None = None) -> list[tables.Table]:
    """The public registers of a city: calls, awards, completed pilots, agreements. With `limit`,
    each table holds its first `limit` rows and its `total` is counted (the page); without, every
    row (the downloads and the API)."""
    querysets = [
        selectors.public_calls(city=city),
        selectors.public_awards(city=city),
        pilot_selectors.public_pilots(city=city),
        pilot_selectors.agreement_register(city=city),
    ]
    totals = [qs.count() for qs in querysets] if limit is not None else [None] * len(querysets)
    if limit is not None:
        querysets = [qs[:limit] for qs in querysets]
    calls, awards, pilots, agreements = querysets
    result = [
        tables.calls_register(calls, url_for=call_url),
        tables.awards_register(awards, url_for=call_url),
        tables.pilots_register(pilots, url_for=pilot_summary_url),
        tables.agreements_register(
            agreements, value_shown=lambda a: pilot_selectors.agreement_value_shown(a, confidential=False)
        ),
    ]
    for table, total in zip(result, totals, strict=True):
        table.total = len(table.rows) if total is None else total
    return result


def public_local_share(city) -> tables.Table:
    years = selectors.jalali_years(city=city)
    return tables.public_local_share_table(
        local_share.local_share(selectors.Filters(city=city), by="year", years=years)
    )
