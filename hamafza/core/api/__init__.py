"""The API's plumbing (every app's resources use it) and core's own resources.

Plumbing, one module per job (docs/api.md, "Adding a resource"):

- `problems`: RFC 9457 problem details: `problem_response(**extensions)`, `ApiError`, the 400
  `invalid_parameters`, the 409 of a `hamafza.core.errors.Refused`, and every exception handler;
- `language`: the language of the answer (Accept-Language);
- `auth`: the three ways in (token, session, anonymous: `PUBLIC`, `AUTHENTICATED`) and `ensure_perm`;
- `ratelimits`: requests per minute per token and per client address;
- `routers`: `ApiRouter` (language, strict query parameters, how refusals are named) and the 404
  fallback;
- `lists`: `ListQuery`, `ordering_param`, `order`, `page_of`, `paginate`;
- `params`: `InputSchema`, `id_param`, `NO_NUL`, and core's public ids (city and unit slugs,
  domain and capability codes) turned into objects or a 400;
- `openapi`: `HamafzaAPI` and its OpenAPI document; `docs`: the vendored Swagger UI page.

Resources: `cities` (cities and their units) and `taxonomy` (domains and capabilities), public
reads. `router` gathers them for config/api.py, as every app's `api/__init__.py` does.
"""

from hamafza.core.api import cities, taxonomy
from hamafza.core.api.routers import ApiRouter

router = ApiRouter(tags=["cities and taxonomy"])
router.add_router("", cities.router)
router.add_router("", taxonomy.router)
