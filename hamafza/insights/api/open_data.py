"""Public: a city's summary (registers of calls, awards, completed pilots and agreements, the local
share in percent) and its OCDS 1.1 release package."""

from __future__ import annotations

from typing import Any

from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.params import city_from_path
from hamafza.core.api.routers import ApiRouter
from hamafza.insights import dashboards, open_data
from hamafza.insights.api.common import TableOut, table_out

router = ApiRouter()


@router.get(
    "/insights/cities/{slug}/summary",
    response=list[TableOut],
    auth=PUBLIC,
    summary="A city's public summary",
    description="The local share per year (percent) and the public registers, as on the page.",
)
def city_summary(request, slug: str):
    city = city_from_path(slug)
    return [table_out(dashboards.public_local_share(city))] + [table_out(t) for t in dashboards.public_registers(city)]


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
