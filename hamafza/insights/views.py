"""The dashboards (a city's, the national one), the public summary of a city and its downloads.

Each dashboard figure is a `tables.Table`: the page shows it as a chart plus a table, and
`?export=<table>&format=csv|xlsx` (with the page's filters) downloads the same rows."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hamafza.core.exports import FORMATS, table_response
from hamafza.core.selectors import city_get
from hamafza.insights import dashboards, ical, open_data, registers, selectors, services, tables
from hamafza.insights.forms import InsightsFilterForm


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


def _dashboard(request, *, city, template: str, prefix: str):
    years = selectors.jalali_years(city=city)
    form = InsightsFilterForm(request.GET or None, city=city, years=years)
    context = {"city": city, "form": form}
    if request.GET and not form.is_valid():
        return render(request, template, {**context, "figures": []}, status=400)
    filters = form.filters() if form.is_bound else selectors.Filters(city=city)
    figures, computed_at = dashboards.dashboard_figures(filters)
    response = _download(request, figures, prefix=prefix)
    if response is not None:
        return response
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("format", None)
    return render(
        request,
        template,
        {
            **context,
            "figures": figures,
            "filters": filters,
            "query": query.urlencode(),
            "computed_at": computed_at,
            "refresh_minutes": max(1, settings.INSIGHTS_REFRESH_SECONDS // 60),
            "max_age_minutes": max(1, settings.INSIGHTS_SNAPSHOT_MAX_AGE // 60),
        },
    )


@login_required
def city_dashboard(request, city_slug):
    city = city_get(slug=city_slug)
    if not request.user.has_perm("insights.view_city_dashboard", city):
        raise PermissionDenied
    return _dashboard(
        request,
        city=city,
        template="insights/city_dashboard.html",
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
        prefix="national-insights",
    )


def city_summary(request, city_slug):
    """The public summary of a city: its first open calls, the local share, the first rows of each
    register (counted up to a cap) with "see all" pages, and the open data. A fixed number of
    queries whatever the city's volume."""
    city = city_get(slug=city_slug)
    if "export" in request.GET:
        return _register_download(request, city)
    open_calls, previews = dashboards.summary_tables(city)
    return render(
        request,
        "insights/city_summary.html",
        {
            "city": city,
            "open_calls": open_calls,
            "local_share": dashboards.public_local_share(city),
            "registers": previews,
        },
    )


def _register_download(request, city):
    slug = request.GET.get("export")
    if slug == "local-share":
        candidates = [dashboards.public_local_share(city)]
    elif slug in registers.REGISTERS:
        candidates = dashboards.public_registers(city, only=slug)
    else:
        raise Http404
    return _download(request, candidates, prefix=f"{city.slug}", private=False)


def city_register(request, city_slug, register):
    """Every row of one public register of a city, a page at a time (keyset: ``?after=<cursor>``)."""
    city = city_get(slug=city_slug)
    if register not in registers.REGISTERS:
        raise Http404
    if "export" in request.GET:
        return _register_download(request, city)
    try:
        rows, next_cursor = registers.register_page(register, city, after=request.GET.get("after") or None)
    except registers.BadCursor:
        return render(request, "400.html", status=400)
    count = registers.register_count(register, city)
    table = dashboards.register_table(register, rows)
    table.total, table.total_exact = count.shown, count.exact
    return render(
        request,
        "insights/register.html",
        {"city": city, "table": table, "next_cursor": next_cursor, "first_page": bool(request.GET.get("after"))},
    )


def ocds_package(request, city_slug):
    """The city's OCDS 1.1 release package (public), served pre-built (`insights.open_data`)."""
    return open_data.response(request, "ocds", city_get(slug=city_slug))


def city_calendar(request, city_slug):
    """Openings and closings of the city's published calls from INSIGHTS_CALENDAR_PAST_DAYS days
    ago on, and the events of any other source of `ical.CITY_EVENT_SOURCES` (public iCalendar
    feed, served pre-built)."""
    return open_data.response(request, "calendar", city_get(slug=city_slug))


def personal_calendar(request, token):
    """The calls a user follows, at the user's private address (no login: calendar apps fetch it)."""
    feed = selectors.calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404
    content = ical.calendar(
        name=_("Hamafza: calls I follow"),
        events=ical.call_events(
            selectors.calendar_calls(follower=feed.user),
            url_for=ical.call_url_for(open_data.request_base(request)),
        ),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="followed-calls.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def calendar_settings(request):
    """Shows the address of the user's private feed; POST gives it a new address."""
    if request.method == "POST":
        services.calendar_feed_reset(user=request.user)
        messages.success(request, _("Your calendar has a new address; the old one no longer works."))
        return redirect("insights:calendar_settings")
    feed = services.calendar_feed_get_or_create(user=request.user)
    return render(
        request,
        "insights/calendar_settings.html",
        {
            "feed_url": request.build_absolute_uri(reverse("insights:personal_calendar", args=[feed.token])),
            "n_followed": selectors.calendar_calls(follower=request.user).count(),
            "cities": selectors.cities_with_public_calls(),
        },
    )
