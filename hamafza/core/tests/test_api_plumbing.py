"""The API's layout keeps its promises: every app's resources in their own modules, one schema
class per name across all of them, operation ids that do not depend on the module, and problem
extensions that cannot overwrite the standard members."""

import importlib
import inspect
import json
import pkgutil
import re

import pytest
from django.apps import apps
from ninja import Schema

from hamafza.core.api.problems import ApiError, problem_response


def _api_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("hamafza."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        yield package
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            yield importlib.import_module(info.name)


def test_schema_class_names_are_unique_across_every_api_module():
    seen: dict[str, str] = {}
    clashes = []
    for module in _api_modules():
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module.__name__:
                if name in seen:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert len(seen) > 100  # the resource modules were all found
    assert not clashes, "schema classes sharing a name: " + "; ".join(clashes)


def test_operation_ids_name_the_app_package_not_the_module():
    from config.api import api

    document = api.get_openapi_schema(path_prefix="/api/v1/")
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"hamafza_[a-z]+_api_[a-z_]+", i) for i in ids), ids
    # declared in hamafza/proposals/api/panels.py, published under the app's package
    assert "hamafza_proposals_api_panel_start" in ids
    assert "hamafza_core_api_city_list" in ids


def test_problem_extensions_are_added_but_never_replace_standard_members(rf):
    request = rf.get("/api/v1/things")
    response = problem_response(request, 409, "conflict", "Stale.", current_version=4)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert body["current_version"] == 4 and body["code"] == "conflict" and body["instance"] == "/api/v1/things"
    with pytest.raises(ValueError):
        problem_response(request, 409, "conflict", "Stale.", title="Other")
    assert ApiError(409, "conflict", "Stale.", existing=7).extensions == {"existing": 7}
