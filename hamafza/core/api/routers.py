"""`ApiRouter`, the router of every resource: it wraps each operation it declares to answer in the
caller's language and to refuse query parameters the operation does not declare. `fallback_router`
answers unknown addresses under /api/v1/ with a 404 problem.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema

from hamafza.core.api.language import api_language
from hamafza.core.api.problems import DEFAULT_REFUSAL_NAME, problem_response

#: The `refused_as` of the router that declared each operation (ninja copies operations when it
#: mounts a router, so the setting is kept by view function).
_REFUSED_AS: dict[Callable, str] = {}


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


def _unknown_parameters(request, unknown: list[str]):
    return problem_response(
        request,
        400,
        "unknown_parameters",
        _("Unknown query parameters: %(names)s.") % {"names": ", ".join(unknown)},
        errors=[{"name": f"query.{n}", "message": _("This parameter is not supported.")} for n in unknown],
    )


def _api_operation_wrapper(run):
    """Wraps every operation of an ApiRouter: activates the caller's language, refuses query
    parameters the operation does not declare (ninja would silently ignore them) and tells the
    problem handlers how the operation names a refusal."""
    if getattr(run, "_hamafza_api_wrapper", False):  # inherited from a parent ApiRouter as well
        return run
    operation = getattr(run, "__self__", None)
    declared = _declared_query_names(operation) if operation is not None else None
    refused_as = _REFUSED_AS.get(getattr(operation, "view_func", None), DEFAULT_REFUSAL_NAME)

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "_hamafza_api_wrapped", False):
            return run(request, *args, **kwargs)
        request._hamafza_api_wrapped = True
        request.api_refused_as = refused_as
        language = api_language(request)
        with translation.override(language):
            unknown = sorted(set(request.GET.keys()) - declared) if declared is not None else []
            response = _unknown_parameters(request, unknown) if unknown else run(request, *args, **kwargs)
            response.setdefault("Content-Language", language)
        vary = response.get("Vary")
        response["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        return response

    wrapper._hamafza_api_wrapper = True
    return wrapper


class ApiRouter(Router):
    """The router of every resource (see docs/api.md, "Adding a resource").

    `refused_as` names what refuses when a service raises `hamafza.core.errors.Refused` in one of
    this router's operations: the `name` of the reasons in the 409 problem's `errors` (`state` by
    default; e.g. `panel` for the operations on an evaluation panel).
    """

    def __init__(self, *args, refused_as: str = DEFAULT_REFUSAL_NAME, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_as = refused_as
        # ninja's "view" mode wraps Operation.run: before authentication and validation
        self.add_decorator(_api_operation_wrapper, mode="view")

    def add_api_operation(self, path: str, methods: list[str], view_func: Callable, **kwargs) -> None:
        _REFUSED_AS[view_func] = self.refused_as
        super().add_api_operation(path, methods, view_func, **kwargs)


fallback_router = ApiRouter()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def api_not_found(request, rest: str):
    """Mounted last by config/api.py: an unknown address under /api/v1/ is a 404 problem."""
    raise Http404
