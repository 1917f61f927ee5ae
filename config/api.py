"""The REST API v1 (django-ninja), mounted at /api/v1/. Each app contributes the `router` of its
API package (`hamafza/<app>/api/__init__.py`, one module per resource); the shared plumbing — auth,
problems, lists, rate limits, the OpenAPI document — is in hamafza/core/api/ and the pattern is
described in docs/api.md ("Adding a resource"). After changing an operation, refresh the committed
schema: `python manage.py api_schema --output docs/api/openapi.json`."""

from hamafza.accounts.api import router as accounts_router
from hamafza.challenges.api import router as challenges_router
from hamafza.consortia.api import router as consortia_router
from hamafza.core.api import router as core_router
from hamafza.core.api.auth import AUTHENTICATED
from hamafza.core.api.docs import VendoredSwagger
from hamafza.core.api.openapi import HamafzaAPI
from hamafza.core.api.ratelimits import ApiRateThrottle
from hamafza.core.api.routers import fallback_router
from hamafza.directory.api import router as directory_router
from hamafza.insights.api import router as insights_router
from hamafza.matching.api import router as matching_router
from hamafza.pilots.api import router as pilots_router
from hamafza.programs.api import router as programs_router
from hamafza.proposals.api import router as proposals_router
from hamafza.spaces.api import router as spaces_router

api = HamafzaAPI(
    title="Hamafza API",
    version="1",
    description=(
        "Read and write Hamafza data from a city's other systems. Authenticate with a personal API "
        "token (`Authorization: Bearer hmz_...`, created on the profile page or with "
        "`POST /api/v1/auth/tokens`) or the web session. Errors are RFC 9457 problem details in the "
        "language of `Accept-Language` (fa or en). Guide: docs/api.md."
    ),
    urls_namespace="api-v1",
    auth=AUTHENTICATED,
    throttle=[ApiRateThrottle()],
    docs=VendoredSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", directory_router)
api.add_router("", challenges_router)
api.add_router("", matching_router)
api.add_router("", proposals_router)
api.add_router("", consortia_router)
api.add_router("", spaces_router)
api.add_router("", pilots_router)
api.add_router("", programs_router)
api.add_router("", insights_router)

# Last: any other address under /api/v1/ answers a 404 problem, not the HTML error page.
api.add_router("", fallback_router)
