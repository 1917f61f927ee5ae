"""The shared skin of the REST API v1 (django-ninja): authentication, errors, lists, rate limits.

Every app that exposes a resource follows one pattern (see docs/api.md, "Adding a resource"):

    # hamafza/<app>/api.py
    from hamafza.core.apiutils import PUBLIC, ApiRouter, ListQuery, ordering_param, page_of, paginate

    router = ApiRouter(tags=["things"])

    class ThingOut(Schema): ...
    class ThingFilters(ListQuery):                       # declared filters and ordering only
        kind: Literal["a", "b"] | None = None
        ordering: ordering_param("name", "created_at") = None

    @router.get("/things", response=page_of(ThingOut), auth=PUBLIC)   # anonymous read allowed
    def thing_list(request, filters: Query[ThingFilters]):
        qs = selectors.thing_list(city=..., kind=filters.kind)    # the page's selector
        return paginate(order(qs, filters.ordering, default=("name",)), filters)

    @router.patch("/things/{slug}", response=ThingOut)            # default auth: token or session
    def thing_update(request, slug: str, payload: ThingPatch):    # ThingPatch(InputSchema)
        thing = selectors.thing_get(slug=slug)
        ensure_perm(request, "app.change_thing", thing)          # the page's rules permission
        return services.thing_update(thing=thing, by=request.user, **payload.model_dump(exclude_unset=True))

and config/api.py mounts it with `api.add_router("", router)`. Then `python manage.py api_schema
--output docs/api/openapi.json` refreshes the committed schema.

What the pattern gives every operation:
- `request.user` is the token's user (`Authorization: Bearer hmz_...`) or the session's user;
  permission checks use the same django-rules permissions as the pages, so a token can never do
  more than its user. Unsafe methods with the session need the CSRF header; tokens do not.
- Errors are RFC 9457 problem details (`application/problem+json`) in the language of the
  `Accept-Language` header (fa or en): bad parameters are a 400 naming each one, never a 500.
- A query parameter the operation does not declare is a 400 naming it.
- Rate limits per token and per client address: 429 with `Retry-After`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import threading
import time
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import trans_real
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf
from pydantic import ConfigDict, Field, create_model

logger = logging.getLogger("hamafza.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


# --------------------------------------------------------------------------------------------
# Problem details (RFC 9457)
# --------------------------------------------------------------------------------------------


class ProblemError(Schema):
    name: str = Field(description="Where the problem is: `query.page_size`, `body.name`, `path.slug`, `header`.")
    message: str


class Problem(Schema):
    """The one body shape of every API error (RFC 9457), in the language of Accept-Language."""

    type: str = Field("about:blank", description="Always `about:blank`: `code` says which problem it is.")
    title: str = Field(description="A short, translated summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, translated.")
    code: str = Field(
        description="A stable machine-readable code: invalid_parameters, unknown_parameters, "
        "authentication_required, token_invalid, token_expired, token_revoked, invalid_credentials, "
        "csrf_failed, permission_denied, not_found, rate_limited, conflict, server_error."
    )
    instance: str = Field(description="The path of the request.")
    errors: list[ProblemError] | None = Field(None, description="One entry per invalid field or parameter.")


class ApiError(Exception):
    """Raise from an operation to answer with a problem: `raise ApiError(409, "conflict", _("..."))`."""

    def __init__(self, status: int, code: str, detail: str, *, errors: list[dict] | None = None, headers=None):
        self.status = status
        self.code = code
        self.detail = str(detail)
        self.errors = errors
        self.headers = headers or {}
        super().__init__(detail)


def _titles() -> dict[int, str]:
    return {
        400: _("Invalid request"),
        401: _("Authentication required"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def problem_response(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    import json

    body = {
        "type": "about:blank",
        "title": str(_titles().get(status, _("Error"))),
        "status": status,
        "detail": str(detail),
        "code": code,
        "instance": request.path,
    }
    if errors:
        body["errors"] = [{"name": str(e["name"]), "message": str(e["message"])} for e in errors]
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8"
    )
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="hamafza"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _loc_name(loc) -> str:
    """`query.page_size`, `body.name`: ninja's location without the operation's argument name
    (by convention `filters` for a Query[...] schema and `payload` for the body)."""
    parts = [str(p) for p in loc if p not in ("", None)]
    if len(parts) >= 2 and parts[0] in ("query", "body", "path") and parts[1] in _ARGUMENT_NAMES:
        parts = [parts[0], *parts[2:]]
    return ".".join(parts) or "request"


_ARGUMENT_NAMES = {"filters", "payload"}


def invalid_parameters_detail(errors: list[dict]) -> str:
    """ "These parameters are invalid: …" naming each parameter of `errors` once, sorted."""
    names = sorted({e["name"] for e in errors})
    return _("These parameters are invalid: %(names)s.") % {"names": ", ".join(names)}


def invalid_parameters(errors: list[dict]) -> ApiError:
    """A 400 `invalid_parameters` problem listing `errors` ({"name", "message"} each)."""
    return ApiError(400, "invalid_parameters", invalid_parameters_detail(errors), errors=errors)


def _validation_problem(request, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        name = _loc_name(err.get("loc", ()))
        message = err.get("msg") or _("Invalid value.")
        errors.append({"name": name, "message": message})
    return problem_response(request, 400, "invalid_parameters", invalid_parameters_detail(errors), errors=errors)


def _django_validation_problem(request, exc: DjangoValidationError) -> HttpResponse:
    errors = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.append({"name": "body" if field == "__all__" else f"body.{field}", "message": message})
    else:
        errors = [{"name": "body", "message": m} for m in exc.messages]
    return problem_response(request, 400, "invalid_parameters", invalid_parameters_detail(errors), errors=errors)


def _http_error_problem(request, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        return problem_response(
            request,
            429,
            "rate_limited",
            _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, AuthenticationError) or status == 401:
        return problem_response(
            request,
            401,
            "authentication_required",
            _("Sign in, or send a personal API token as 'Authorization: Bearer <token>'."),
        )
    if status == 403:
        return problem_response(request, 403, "permission_denied", _("You do not have permission to do this."))
    if status == 404:
        return problem_response(request, 404, "not_found", _("Nothing was found at this address."))
    return problem_response(request, status, "error", str(exc))


def install_problem_handlers(api: NinjaAPI) -> None:
    """Answer every error of `api` with a problem (never an HTML page, never a traceback)."""

    api.add_exception_handler(
        ApiError, lambda r, e: problem_response(r, e.status, e.code, e.detail, errors=e.errors, headers=e.headers)
    )
    api.add_exception_handler(NinjaValidationError, _validation_problem)
    api.add_exception_handler(DjangoValidationError, _django_validation_problem)
    api.add_exception_handler(HttpError, _http_error_problem)
    api.add_exception_handler(
        Http404, lambda r, e: problem_response(r, 404, "not_found", _("Nothing was found at this address."))
    )
    api.add_exception_handler(
        PermissionDenied,
        lambda r, e: problem_response(r, 403, "permission_denied", _("You do not have permission to do this.")),
    )

    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return problem_response(
            request, 500, "server_error", _("Something went wrong on our side. The error has been logged.")
        )

    api.add_exception_handler(Exception, server_error)


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------


def api_language(request: HttpRequest) -> str:
    """fa or en: the first supported language of Accept-Language, else the page language."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _q in trans_real.parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE


# --------------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """A personal API token: `Authorization: Bearer hmz_...`. A bearer token that is unknown,
    expired or revoked is refused (401) rather than treated as anonymous, so a script never
    silently loses its rights. Other schemes (a proxy's `Basic`) are left alone."""

    openapi_bearerFormat = "hmz_…"
    openapi_description = "A personal API token, created on the profile page or with POST /api/v1/auth/tokens."

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, key = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            # e.g. `Basic` added by a reverse proxy that guards an intranet: not ours to judge
            return None
        if not key.strip():
            raise ApiError(401, "token_invalid", _("Send the token as 'Authorization: Bearer <token>'."))
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str):
        from hamafza.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(token)).first()
            if token.startswith(ApiToken.PREFIX) and len(token) < 200
            else None
        )
        if found is None or not found.user.is_active:
            raise ApiError(401, "token_invalid", _("This API token is not valid."))
        if found.is_revoked:
            raise ApiError(401, "token_revoked", _("This API token has been revoked."))
        now = timezone.now()
        if found.is_expired(now):
            raise ApiError(401, "token_expired", _("This API token has expired."))
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            # a plain UPDATE: no history row per request, at most one write a minute per token
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found


class SessionAuth(APIKeyCookie):
    """The browser session of the pages. Unsafe methods need the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The web session (signed in on the pages); unsafe methods need the X-CSRFToken header."

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        unsafe = request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
        if unsafe and check_csrf(request):
            raise ApiError(
                403, "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header, or use an API token.")
            )
        return user

    def authenticate(self, request: HttpRequest, key):  # required by APIKeyCookie; __call__ does the work
        return None


class AnonymousAuth:
    """Lets an operation run without credentials (public reads). Listed last in PUBLIC, so a
    token or a session is still recognised; shown as the optional `{}` requirement in OpenAPI."""

    def __call__(self, request: HttpRequest):
        return ANONYMOUS


class _Anonymous:
    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return "anonymous"


ANONYMOUS = _Anonymous()
token_auth = TokenAuth()
session_auth = SessionAuth()
anonymous_auth = AnonymousAuth()

#: Operations any visitor may call (the pages are public): token or session still recognised.
PUBLIC = [token_auth, session_auth, anonymous_auth]
#: The default for every operation: a token or a signed-in session.
AUTHENTICATED = [token_auth, session_auth]


def ensure_perm(request: HttpRequest, perm: str, obj: Any = None, *, hide: bool = False) -> None:
    """Raise unless `request.user` has the rules permission `perm` on `obj` (the pages' check).

    `hide=True` answers 404 instead of 403, for objects whose existence is itself confidential.
    Anonymous callers get 401 so a script knows it must authenticate.
    """
    user = request.user
    if user.has_perm(perm, obj):
        return
    if hide:
        raise Http404
    if not user.is_authenticated:
        raise AuthenticationError()
    raise PermissionDenied


# --------------------------------------------------------------------------------------------
# Rate limits
# --------------------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address set by the `API_TRUSTED_PROXIES` nearest proxies."""
    proxies = getattr(settings, "API_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_hit(scope: str, ident: str, limit: int, window: int = 60) -> int | None:
    """Count one request of `ident` in a fixed window (Django cache, so shared between workers
    with Redis). Returns None when allowed, else the seconds until the window ends."""
    if limit <= 0:
        return None
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
    key = f"hamafza:api-rate:{scope}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    return None


class ApiRateThrottle(BaseThrottle):
    """Requests per minute: per token (`API_RATE_LIMIT_PER_MINUTE`) when a token is used, else per
    client address (`API_RATE_LIMIT_ANON_PER_MINUTE`). Limits are read per request, so tests and
    operators can change them without a restart."""

    def __init__(self):
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        from hamafza.accounts.models import ApiToken

        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            wait = rate_limit_hit("token", str(auth.pk), settings.API_RATE_LIMIT_PER_MINUTE)
        else:
            wait = rate_limit_hit("address", client_address(request), settings.API_RATE_LIMIT_ANON_PER_MINUTE)
        self._local.wait = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def throttle_or_raise(scope: str, ident: str, limit: int) -> None:
    """For operations with their own, stricter limit (e.g. creating tokens with a password)."""
    wait = rate_limit_hit(scope, ident, limit)
    if wait is not None:
        raise Throttled(wait=wait)


# --------------------------------------------------------------------------------------------
# Routers: language, strict query parameters
# --------------------------------------------------------------------------------------------


def _declared_query_names(operation) -> set[str]:
    names: set[str] = set()
    for model in getattr(operation, "models", []):
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, Schema):  # a flattened Query[Schema]
                for sub_name, sub_field in annotation.model_fields.items():
                    names.add(sub_field.alias or sub_name)
            else:
                names.add(field.alias or name)
    return names


def _api_operation_wrapper(run):
    """Wraps every operation of an ApiRouter: activates the caller's language and refuses query
    parameters the operation does not declare (ninja would silently ignore them)."""
    if getattr(run, "_hamafza_api_wrapper", False):  # inherited from a parent ApiRouter as well
        return run
    operation = getattr(run, "__self__", None)
    declared = _declared_query_names(operation) if operation is not None else None

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "_hamafza_api_wrapped", False):
            return run(request, *args, **kwargs)
        request._hamafza_api_wrapped = True
        language = api_language(request)
        with translation.override(language):
            if declared is not None:
                unknown = sorted(set(request.GET.keys()) - declared)
                if unknown:
                    response = problem_response(
                        request,
                        400,
                        "unknown_parameters",
                        _("Unknown query parameters: %(names)s.") % {"names": ", ".join(unknown)},
                        errors=[
                            {"name": f"query.{n}", "message": _("This parameter is not supported.")} for n in unknown
                        ],
                    )
                else:
                    response = run(request, *args, **kwargs)
            else:
                response = run(request, *args, **kwargs)
            response.setdefault("Content-Language", language)
        vary = response.get("Vary")
        response["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        return response

    wrapper._hamafza_api_wrapper = True
    return wrapper


class ApiRouter(Router):
    """The router every app's api.py uses (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ninja's "view" mode wraps Operation.run: before authentication and validation
        self.add_decorator(_api_operation_wrapper, mode="view")


fallback_router = ApiRouter()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def api_not_found(request, rest: str):
    """Mounted last by config/api.py: an unknown address under /api/v1/ is a 404 problem."""
    raise Http404


# --------------------------------------------------------------------------------------------
# Lists: pagination, ordering, input schemas
# --------------------------------------------------------------------------------------------


class InputSchema(Schema):
    """Request bodies: an undeclared field is a 400 that names it (not silently dropped)."""

    model_config = ConfigDict(extra="forbid")


class ListQuery(Schema):
    """Query parameters every list accepts. Subclass it to declare filters and `ordering`."""

    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (1–100).")


def ordering_param(*fields: str):
    """A `Literal` of the declared ordering fields and their `-field` (descending) forms, for an
    `ordering: ordering_param("name", "created_at") | None = None` field of a ListQuery."""
    values = tuple(v for f in fields for v in (f, f"-{f}"))
    return Literal[values]  # type: ignore[valid-type]


def order(queryset: QuerySet, ordering: str | None, *, default: tuple[str, ...], fields: dict | None = None):
    """Order by the requested declared field (mapped through `fields` to ORM lookups), then by pk
    so pages are stable."""
    if not ordering:
        return queryset.order_by(*default, "pk")
    descending = ordering.startswith("-")
    name = ordering.lstrip("-")
    lookup = (fields or {}).get(name, name)
    return queryset.order_by(f"-{lookup}" if descending else lookup, "pk")


_PAGE_SCHEMAS: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a paginated list of `item` (named `<Item>Page` in OpenAPI)."""
    if item not in _PAGE_SCHEMAS:
        name = item.__name__.removesuffix("Out") + "Page"
        _PAGE_SCHEMAS[item] = create_model(
            name,
            __base__=Schema,
            count=(int, Field(description="Items in the whole list.")),
            page=(int, Field(description="This page's number.")),
            page_size=(int, Field(description="Items per page.")),
            pages=(int, Field(description="Number of pages (at least 1).")),
            items=(list[item], ...),
        )
    return _PAGE_SCHEMAS[item]


def paginate(queryset, query: ListQuery) -> dict:
    """One page of `queryset` (two queries: the count and the page). A page past the last is 404."""
    count = queryset.count()
    pages = max(1, math.ceil(count / query.page_size))
    if query.page > pages:
        raise ApiError(
            404,
            "not_found",
            _("Page %(page)s does not exist; the last page is %(pages)s.") % {"page": query.page, "pages": pages},
            errors=[{"name": "query.page", "message": _("No such page.")}],
        )
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": pages,
        "items": list(queryset[start : start + query.page_size]),
    }


# --------------------------------------------------------------------------------------------
# The API class, its OpenAPI document and its docs page
# --------------------------------------------------------------------------------------------

_ERROR_RESPONSES = {
    400: "Invalid or unknown parameters, or an invalid body.",
    401: "Authentication required, or the token is invalid, expired or revoked.",
    403: "Not permitted (the same rules as the pages), or the CSRF check failed.",
    404: "Not found, or not visible to you.",
    429: "Rate limit exceeded: wait for Retry-After seconds.",
}


class HamafzaOpenAPISchema(OpenAPISchema):
    """ninja's document plus: optional auth for public operations and the problem responses."""

    def operation_security(self, operation):
        result = super().operation_security(operation)
        if result is not None and any(isinstance(a, AnonymousAuth) for a in operation.auth_callbacks):
            result.append({})
        return result

    def operation_details(self, operation):
        details = super().operation_details(operation)
        responses = details.setdefault("responses", {})
        for status, description in _ERROR_RESPONSES.items():
            if status in responses:
                continue
            response = {
                "description": description,
                "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
            if status == 429:
                response["headers"] = {
                    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
                }
            responses[status] = response
        return details

    def get_components(self):
        components = super().get_components()
        schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            components["schemas"].setdefault(name, definition)
        components["schemas"]["Problem"] = schema
        return components


class HamafzaAPI(NinjaAPI):
    def __init__(self, **kwargs):
        kwargs.setdefault("default_router", ApiRouter())
        super().__init__(**kwargs)
        install_problem_handlers(self)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        with translation.override("en"):
            return HamafzaOpenAPISchema(self, path_prefix)


class VendoredSwagger(Swagger):
    """Swagger UI from hamafza/core/static/vendor/swagger-ui (no CDN, no outside validator)."""

    template = "core/api_docs.html"

    def render_page(self, request, api, **kwargs):
        from django.shortcuts import render

        settings_ = dict(self.settings)
        settings_["url"] = self.get_openapi_url(api, kwargs)
        settings_["validatorUrl"] = None
        return render(request, self.template, {"api": api, "swagger_settings": settings_})
