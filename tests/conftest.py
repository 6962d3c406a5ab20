import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def update_snapshots() -> bool:
    return os.environ.get("ENVFACTORY_UPDATE_SNAPSHOTS") == "1"
