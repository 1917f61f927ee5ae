"""API v1 of the insights app: the dashboards' figures, their CSV/Excel exports, the public summary
and the OCDS package of a city — the same tables as the pages (built once in
`insights.dashboards`), behind the same permissions (`insights.*` rules)."""

from hamafza.core.api.routers import ApiRouter
from hamafza.insights.api import figures, open_data

router = ApiRouter(tags=["insights"])
for resource in (figures, open_data):
    router.add_router("", resource.router)
