"""API v1 of matching: ranked and explained matches between calls and organizations (`matches`)."""

from hamafza.core.api.routers import ApiRouter
from hamafza.matching.api import matches

router = ApiRouter(tags=["matching"])
router.add_router("", matches.router)
