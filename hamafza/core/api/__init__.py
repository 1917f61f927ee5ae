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

Every resource follows one pattern:

    # hamafza/<app>/api/things.py
    from hamafza.core.api.auth import PUBLIC, ensure_perm
    from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
    from hamafza.core.api.params import InputSchema, id_param
    from hamafza.core.api.routers import ApiRouter

    router = ApiRouter()                                   # refused_as="thing" to name refusals

    class ThingOut(Schema):
        city: str = Field(alias="city.slug")               # a copied attribute is an alias
    class ThingFilters(ListQuery):                         # declared filters and ordering only
        kind: Literal["a", "b"] | None = None
        ordering: ordering_param("name", "created_at") | None = None

    @router.get("/things", response=page_of(ThingOut), auth=PUBLIC)   # anonymous read allowed
    def thing_list(request, filters: Query[ThingFilters]):
        qs = selectors.thing_list(city=..., kind=filters.kind)      # the page's selector
        return paginate(order(qs, filters.ordering, default=("name",)), filters)

    @router.patch("/things/{thing_id}", response=ThingOut)          # default auth: token or session
    def thing_update(request, payload: ThingPatch, thing_id: int = id_param("The thing's id.")):
        thing = selectors.thing_get(pk=thing_id)
        ensure_perm(request, "app.change_thing", thing)            # the page's rules permission
        # a services.Refused raised here is a 409 problem: no try/except
        return services.thing_update(thing=thing, by=request.user, **payload.model_dump(exclude_unset=True))

    # hamafza/<app>/api/__init__.py
    router = ApiRouter(tags=["things"])
    router.add_router("", things.router)

and config/api.py mounts the app's router with `api.add_router("", router)`. Then `python manage.py
api_schema --output docs/api/openapi.json` refreshes the committed schema.
"""

from hamafza.core.api import cities, taxonomy
from hamafza.core.api.routers import ApiRouter

router = ApiRouter(tags=["cities and taxonomy"])
router.add_router("", cities.router)
router.add_router("", taxonomy.router)
