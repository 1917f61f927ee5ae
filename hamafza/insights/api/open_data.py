"""Public: a city's summary (registers of calls, awards, completed pilots and agreements, the local
share in percent) and its OCDS 1.1 release package."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.params import city_from_path
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.insights import dashboards, open_data, registers
from hamafza.insights.api.common import TableOut, table_out

router = ApiRouter()


@router.get(
    "/insights/cities/{slug}/summary",
    response=list[TableOut],
    auth=PUBLIC,
    summary="A city's public summary",
    description=(
        "The local share per year (percent) and the first rows of each public register with their `total`, as on "
        "the page (cached for INSIGHTS_SUMMARY_CACHE_SECONDS); `/insights/cities/{slug}/registers/{name}` pages "
        "through a register."
    ),
)
def city_summary(request, slug: str):
    city = city_from_path(slug)
    _open_calls, previews = dashboards.summary_tables(city)
    return [table_out(dashboards.public_local_share(city))] + [table_out(t) for t in previews]


class RegisterPageOut(Schema):
    table: TableOut
    next: str | None = Field(description="The cursor of the next page (`after`), null on the last page.")


@router.get(
    "/insights/cities/{slug}/registers/{name}",
    response=RegisterPageOut,
    auth=PUBLIC,
    summary="A page of a city's public register",
    description=(
        "One of open-calls, calls, awards, pilots, agreements, 50 rows a page in the register's order; "
        "pass the `next` of a page as `after` for the following one (keyset)."
    ),
)
def city_register(request, slug: str, name: str, after: str | None = None):
    city = city_from_path(slug)
    if name not in registers.REGISTERS:
        raise Http404
    try:
        rows, next_cursor = registers.register_page(name, city, after=after)
    except registers.BadCursor:
        raise invalid("after", _("Not a cursor given by this list.")) from None
    count = registers.register_count(name, city)
    table = dashboards.register_table(name, rows)
    table.total, table.total_exact = count.shown, count.exact
    return {"table": table_out(table), "next": next_cursor}


@router.get(
    "/insights/cities/{slug}/ocds",
    response=dict[str, Any],
    auth=PUBLIC,
    summary="A city's OCDS 1.1 release package",
    description=(
        "Calls, awards and contracts in the Open Contracting Data Standard, as /<lang>/c/<city>/open-data/ocds.json."
    ),
)
def city_ocds(request, slug: str):
    return open_data.response(request, "ocds", city_from_path(slug))
