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
