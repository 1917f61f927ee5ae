import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def dev_dir() -> Path:
    return Path(os.environ.get("HAMAFZA_MATCHING_DEV") or (REPO.parent / "shared" / "data" / "matching-dev"))


@pytest.fixture(scope="session")
def taxonomy():
    from hamafza.matching.engine import load_taxonomy

    return load_taxonomy()


# Fixtures of the web-app tests (test_views_*, test_service_*, test_api_*).
from hamafza.matching.tests.web_fixtures import (  # noqa: E402, F401
    call,
    index_dir,
    manager,
    member,
    orgs,
    other_manager,
    taxonomy_db,
    unit,
)
