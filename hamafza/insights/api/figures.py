"""The dashboards' figures: a city's (its innovation managers and platform admins) and the national
one (platform admins), each table also as CSV or Excel."""

from __future__ import annotations

from django.http import Http404
from ninja import Query

from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.params import city_from_path
from hamafza.core.api.routers import ApiRouter
from hamafza.core.exports import table_response
from hamafza.insights import dashboards
from hamafza.insights.api.common import FilterQuery, Format, TableOut, table_out

router = ApiRouter()


def _city_figures(request, slug: str, query: FilterQuery):
    city = city_from_path(slug)
    ensure_perm(request, "insights.view_city_dashboard", city)
    return city, dashboards.dashboard_figures(query.filters(city))


def _national_figures(request, query: FilterQuery):
    ensure_perm(request, "insights.view_national_dashboard")
    return dashboards.dashboard_figures(query.filters(None))


def _export(figures, table: str, fmt: str, prefix: str):
    found = next((t for t in figures[0] if t.slug == table), None)
    if found is None:
        raise Http404
    return table_response(
        fmt=fmt, filename=f"{prefix}-{table}", headers=found.header_labels(), rows=found.export_rows()
    )


@router.get(
    "/insights/cities/{slug}/figures",
    response=list[TableOut],
    summary="A city's dashboard",
    description=(
        "The figures of the city's dashboard (funnel, times, slowest items, local share in total, per year "
        "and per domain, per domain and per unit), as on the page, for a Jalali year or quarter, a domain "
        "and a unit. Innovation managers of the city and platform admins."
    ),
)
def city_figures(request, slug: str, query: Query[FilterQuery]):
    _city, (tables, computed_at) = _city_figures(request, slug, query)
    return [table_out(t, computed_at=computed_at) for t in tables]


@router.get(
    "/insights/cities/{slug}/figures/{table}/export",
    response={200: None},
    summary="One table of a city's dashboard as CSV or Excel",
    openapi_extra={"responses": {200: {"description": "The table as a file."}}},
)
def city_figure_export(request, slug: str, table: str, query: Query[FilterQuery], format: Format = "csv"):
    city, figures = _city_figures(request, slug, query)
    return _export(figures, table, format, f"{city.slug}-insights")


@router.get(
    "/insights/national/figures",
    response=list[TableOut],
    summary="The national dashboard",
    description="The same figures for every city (local share and breakdown per city). Platform admins.",
)
def national_figures(request, query: Query[FilterQuery]):
    tables, computed_at = _national_figures(request, query)
    return [table_out(t, computed_at=computed_at) for t in tables]


@router.get(
    "/insights/national/figures/{table}/export",
    response={200: None},
    summary="One table of the national dashboard as CSV or Excel",
    openapi_extra={"responses": {200: {"description": "The table as a file."}}},
)
def national_figure_export(request, table: str, query: Query[FilterQuery], format: Format = "csv"):
    return _export(_national_figures(request, query), table, format, "national-insights")
