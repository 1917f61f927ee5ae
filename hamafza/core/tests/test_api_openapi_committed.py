"""The OpenAPI document is committed (docs/api/openapi.json) so every API change is reviewed as a
diff: this test fails when the live document differs from the committed one."""

import difflib
from pathlib import Path

from django.conf import settings

from hamafza.core.management.commands.api_schema import api_schema_text

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"
REGENERATE = "python manage.py api_schema --output docs/api/openapi.json"


def test_committed_openapi_document_is_current():
    live = api_schema_text()
    assert COMMITTED.exists(), f"docs/api/openapi.json is missing: run `{REGENERATE}` and commit it."
    committed = COMMITTED.read_text(encoding="utf-8")
    if live != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    live.splitlines(keepends=True),
                    "docs/api/openapi.json (committed)",
                    "live schema",
                )
            )[:80]
        )
        raise AssertionError(
            f"The API changed but docs/api/openapi.json did not. Review the change, then run\n"
            f"    {REGENERATE}\nand commit the file.\n\n{diff}"
        )


def test_served_document_is_the_committed_one(client):
    import json

    served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_schema_class_names_are_unique_across_the_api():
    """django-ninja names OpenAPI components after the schema classes: two classes with one name in
    two apps silently share one component, and one app's responses then fail their schema."""
    import importlib
    import inspect

    from django.apps import apps
    from ninja import Schema

    seen: dict[str, str] = {}
    clashes = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hamafza."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module.__name__:
                if name in seen:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert not clashes, "schema classes sharing a name: " + "; ".join(clashes)
