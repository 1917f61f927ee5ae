"""`HamafzaAPI`, the API class of config/api.py, and its OpenAPI document.

The document is ninja's plus: the optional `{}` security requirement of public operations, the
problem responses of every operation and the `Problem` component. Operation ids are the app's API
package and the function's name (`hamafza_proposals_api_proposal_list`), whichever module of the
package declares it, so reorganising an app's resources never changes the published document.
"""

from __future__ import annotations

from django.urls import get_resolver
from django.utils import translation
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

from hamafza.core.api.auth import AnonymousAuth
from hamafza.core.api.problems import PROBLEM_CONTENT_TYPE, PROBLEM_REF, Problem, install_problem_handlers
from hamafza.core.api.routers import ApiRouter

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
            response = {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}}}
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


def schema_name_clashes() -> list[str]:
    """Schema classes of the API packages that share a name. django-ninja names OpenAPI components
    after the classes: two classes with one name silently share one component, and one of them
    then answers against the other's schema."""
    seen: dict[str, type] = {}
    clashes = []
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not (cls.__module__.startswith("hamafza.") and ".api." in f"{cls.__module__}."):
            continue
        other = seen.setdefault(cls.__name__, cls)
        if other is not cls:
            clashes.append(f"{cls.__name__}: {other.__module__} and {cls.__module__}")
    return sorted(set(clashes))


class HamafzaAPI(NinjaAPI):
    #: Every API built, by URL namespace (config/api.py builds "api-v1" when the URLconf loads), so
    #: core's ``api_schema`` command finds it without importing the project's configuration.
    instances: dict[str, HamafzaAPI] = {}

    def __init__(self, **kwargs):
        kwargs.setdefault("default_router", ApiRouter())
        super().__init__(**kwargs)
        install_problem_handlers(self)
        HamafzaAPI.instances.setdefault(self.urls_namespace, self)

    @classmethod
    def mounted(cls, namespace: str = "api-v1") -> HamafzaAPI:
        """The API of that namespace, as the root URLconf mounts it (loading the URLconf if needed)."""
        get_resolver().url_patterns  # noqa: B018 - loads settings.ROOT_URLCONF, which builds the API
        return cls.instances[namespace]

    def get_openapi_operation_id(self, operation) -> str:
        """`<app's API package>_<function>`: independent of the module of the package that holds it."""
        module = operation.view_func.__module__
        package, found, _module = module.partition(".api.")
        if found:
            module = f"{package}.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        clashes = schema_name_clashes()
        if clashes:
            raise TypeError("API schema classes sharing a name: " + "; ".join(clashes))
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        with translation.override("en"):
            return HamafzaOpenAPISchema(self, path_prefix)
