"""API v1 of the directory: organizations (`organizations`)."""

from hamafza.core.api.routers import ApiRouter
from hamafza.directory.api import organizations

router = ApiRouter(tags=["organizations"])
router.add_router("", organizations.router)
