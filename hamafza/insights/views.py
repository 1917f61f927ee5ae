"""The dashboards (a city's, the national one), the public summary of a city and its downloads.

Each dashboard figure is a `tables.Table`: the page shows it as a chart plus a table, and
`?export=<table>&format=csv|xlsx` (with the page's filters) downloads the same rows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from hamafza.core.exports import FORMATS, table_response
from hamafza.core.selectors import city_get
from hamafza.insights import selectors, tables
from hamafza.insights.forms import InsightsFilterForm


def _call_url(step_key, pk):
    return reverse("challenges:call_detail", args=[pk])


def _download(request, figures: list[tables.Table], *, prefix: str, private: bool = True):
    """The table named by ?export= as CSV or Excel, or None when no export is asked for."""
    slug = request.GET.get("export")
    if slug is None:
        return None
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return render(request, "400.html", status=400)
    table = next((t for t in figures if t.slug == slug), None)
    if table is None:
        raise Http404
    return table_response(
        fmt=fmt,
        filename=f"{prefix}-{slug}",
        headers=table.header_labels(),
        rows=table.export_rows(),
        private=private,
    )


def _figures(filters: selectors.Filters, *, breakdowns: tuple[str, ...]) -> list[tables.Table]:
    time_rows = selectors.times(filters)
    figures = [
        tables.funnel_table(selectors.funnel(filters)),
        tables.times_table(time_rows),
        tables.slowest_table(time_rows, url_for=_call_url),
    ]
    figures += [tables.breakdown_table(selectors.breakdown(by, filters), by=by) for by in breakdowns]
    return figures


def _dashboard(request, *, city, template: str, breakdowns: tuple[str, ...], prefix: str):
    form = InsightsFilterForm(request.GET or None, city=city, years=selectors.jalali_years(city=city))
    context = {"city": city, "form": form}
    if request.GET and not form.is_valid():
        return render(request, template, {**context, "figures": []}, status=400)
    filters = form.filters() if form.is_bound else selectors.Filters(city=city)
    figures = _figures(filters, breakdowns=breakdowns)
    response = _download(request, figures, prefix=prefix)
    if response is not None:
        return response
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("format", None)
    return render(request, template, {**context, "figures": figures, "filters": filters, "query": query.urlencode()})


@login_required
def city_dashboard(request, city_slug):
    city = city_get(slug=city_slug)
    if not request.user.has_perm("insights.view_city_dashboard", city):
        raise PermissionDenied
    return _dashboard(
        request,
        city=city,
        template="insights/city_dashboard.html",
        breakdowns=("domain", "unit"),
        prefix=f"{city.slug}-insights",
    )


@login_required
def national_dashboard(request):
    if not request.user.has_perm("insights.view_national_dashboard"):
        raise PermissionDenied
    return _dashboard(
        request,
        city=None,
        template="insights/national_dashboard.html",
        breakdowns=("domain", "city"),
        prefix="national-insights",
    )


def city_summary(request, city_slug):
    """The public summary of a city: open calls, published results, the registers and open data."""
    city = city_get(slug=city_slug)
    registers = [
        tables.calls_register(selectors.public_calls(city=city), url_for=_call_url),
        tables.awards_register(selectors.public_awards(city=city), url_for=_call_url),
    ]
    response = _download(request, registers, prefix=f"{city.slug}", private=False)
    if response is not None:
        return response
    return render(
        request,
        "insights/city_summary.html",
        {
            "city": city,
            "open_calls": list(selectors.open_calls(city=city)),
            "registers": registers,
            "register_preview": tables.REGISTER_PREVIEW,
            "register_preview_slice": f":{tables.REGISTER_PREVIEW}",
        },
    )
