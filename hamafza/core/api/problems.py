"""Problem details (RFC 9457): the one body of every API error, and the handlers that answer with it.

- `problem_response(request, status, code, detail, errors=..., **extensions)` builds every problem;
  extension members (RFC 9457 §3.2, e.g. `current_version`) are keyword arguments, never added by
  editing the JSON afterwards.
- `raise ApiError(status, code, detail, errors=..., **extensions)` from an operation answers one.
- `invalid_parameters(errors)` is the 400 that names each bad field.
- A `hamafza.core.errors.Refused` raised by a service is answered here, in one place: a 409 whose
  `code` is the refusal's (`refused`, `transition_refused`) and whose `errors` carry its reasons.
- `problem_doc(description)` documents an operation's 409 in OpenAPI.
"""

from __future__ import annotations

import json
import logging
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from hamafza.core.errors import Refused

logger = logging.getLogger("hamafza.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

#: The members every problem has; extensions may not replace them.
STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "code", "instance", "errors"})


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
        "csrf_failed, permission_denied, not_found, rate_limited, locked_out, otp_required, otp_invalid, "
        "otp_enrolment_required, conflict, server_error."
    )
    instance: str = Field(description="The path of the request.")
    errors: list[ProblemError] | None = Field(None, description="One entry per invalid field or parameter.")


class ApiError(Exception):
    """Raise from an operation to answer with a problem: `raise ApiError(409, "conflict", _("..."))`.
    Keyword arguments other than `errors` and `headers` become extension members of the body."""

    def __init__(
        self, status: int, code: str, detail: str, *, errors: list[dict] | None = None, headers=None, **extensions
    ):
        self.status = status
        self.code = code
        self.detail = str(detail)
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(detail)


def _titles() -> dict[int, str]:
    return {
        400: pgettext("label", "Invalid request"),
        401: pgettext("label", "Authentication required"),
        403: pgettext("label", "Forbidden"),
        404: pgettext("label", "Not found"),
        405: _("Method not allowed"),
        409: pgettext("label", "Conflict"),
        413: _("Content too large"),
        429: _("Too many requests"),
        500: pgettext("label", "Server error"),
    }


def problem_response(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict] | None = None,
    headers: dict | None = None,
    **extensions,
) -> HttpResponse:
    """The problem response: the standard members, then `errors`, then the `extensions` (JSON values)."""
    clash = STANDARD_MEMBERS.intersection(extensions)
    if clash:
        raise ValueError(f"extension members may not replace standard ones: {sorted(clash)}")
    body = {
        "type": "about:blank",
        "title": str(_titles().get(status, pgettext("label", "Error"))),
        "status": status,
        "detail": str(detail),
        "code": code,
        "instance": request.path,
    }
    if errors:
        body["errors"] = [{"name": str(e["name"]), "message": str(e["message"])} for e in errors]
    body.update(extensions)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8"
    )
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="hamafza"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_doc(description: str, schema: dict | None = None) -> dict:
    """`openapi_extra` documenting the 409 problem of an operation (`schema`: the Problem by default)."""
    content = {PROBLEM_CONTENT_TYPE: {"schema": schema or PROBLEM_REF}}
    return {"responses": {409: {"description": description, "content": content}}}


# --------------------------------------------------------------------------------------------
# 400: invalid parameters
# --------------------------------------------------------------------------------------------
_ARGUMENT_NAMES = {"filters", "payload"}


def _loc_name(loc) -> str:
    """`query.page_size`, `body.name`: ninja's location without the operation's argument name
    (by convention `filters` for a Query[...] schema and `payload` for the body)."""
    parts = [str(p) for p in loc if p not in ("", None)]
    if len(parts) >= 2 and parts[0] in ("query", "body", "path") and parts[1] in _ARGUMENT_NAMES:
        parts = [parts[0], *parts[2:]]
    return ".".join(parts) or "request"


def invalid_parameters_detail(errors: list[dict]) -> str:
    """ "These parameters are invalid: …" naming each parameter of `errors` once, sorted."""
    names = sorted({e["name"] for e in errors})
    return _("These parameters are invalid: %(names)s.") % {"names": ", ".join(names)}


def invalid_parameters(errors: list[dict]) -> ApiError:
    """A 400 `invalid_parameters` problem listing `errors` ({"name", "message"} each)."""
    return ApiError(400, "invalid_parameters", invalid_parameters_detail(errors), errors=errors)


def invalid(name: str, message: str) -> ApiError:
    """The 400 `invalid_parameters` problem of one parameter: `raise invalid("body.unit", _("..."))`."""
    return invalid_parameters([{"name": name, "message": message}])


def _validation_problem(request, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        name = _loc_name(err.get("loc", ()))
        message = err.get("msg") or pgettext("text", "Invalid value.")
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


# --------------------------------------------------------------------------------------------
# 409: a step a service refuses now
# --------------------------------------------------------------------------------------------
#: The `errors` name of a refusal's reasons when the operation's router does not say otherwise.
DEFAULT_REFUSAL_NAME = "state"


def _refused_problem(request, exc: Refused) -> HttpResponse:
    """A 409 with the refusal's `code`, its reasons as `detail` and as `errors` named after what
    refused (the operation's `ApiRouter(refused_as=...)`: `state`, `proposal`, `panel`, `call`)."""
    name = getattr(request, "api_refused_as", DEFAULT_REFUSAL_NAME)
    return problem_response(
        request,
        409,
        exc.code,
        "; ".join(exc.reasons) or _("This step is not allowed now."),
        errors=[{"name": name, "message": reason} for reason in exc.reasons],
    )


# --------------------------------------------------------------------------------------------
# The other statuses, and installing every handler
# --------------------------------------------------------------------------------------------
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
        return _permission_denied(request)
    if status == 404:
        return _not_found(request)
    return problem_response(request, status, "error", str(exc))


def _not_found(request, exc=None) -> HttpResponse:
    return problem_response(request, 404, "not_found", _("Nothing was found at this address."))


def _permission_denied(request, exc=None) -> HttpResponse:
    return problem_response(request, 403, "permission_denied", _("You do not have permission to do this."))


def _api_error_problem(request, exc: ApiError) -> HttpResponse:
    return problem_response(
        request, exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers, **exc.extensions
    )


def _server_error(request, exc) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(
        request, 500, "server_error", _("Something went wrong on our side. The error has been logged.")
    )


def install_problem_handlers(api: NinjaAPI) -> None:
    """Answer every error of `api` with a problem (never an HTML page, never a traceback)."""
    api.add_exception_handler(ApiError, _api_error_problem)
    api.add_exception_handler(Refused, _refused_problem)
    api.add_exception_handler(NinjaValidationError, _validation_problem)
    api.add_exception_handler(DjangoValidationError, _django_validation_problem)
    api.add_exception_handler(HttpError, _http_error_problem)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(PermissionDenied, _permission_denied)
    api.add_exception_handler(Exception, _server_error)
