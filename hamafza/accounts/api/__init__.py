"""API v1 of the accounts app: personal API tokens (`tokens`) and the current user (`me`).

`POST /auth/tokens` trades an email and password for a token (for scripts); the other operations
need a token or the session. This package is also where the API learns how to check a token: it
registers `tokens.token_for_key` with core's `TokenAuth`.
"""

from hamafza.accounts.api import me, tokens
from hamafza.core.api.auth import token_auth
from hamafza.core.api.routers import ApiRouter

token_auth.use(tokens.token_for_key)

router = ApiRouter(tags=["accounts"])
router.add_router("", tokens.router)
router.add_router("", me.router)
