from __future__ import annotations

from collections.abc import Iterator

import pytest

from envfactory.environments import registry
from tests.conftest import Server
from tests.stub_model import StubModel


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for a test module (sessions are independent, so tests can share it)."""
    server = Server(database_url=f"sqlite:///{tmp_path_factory.mktemp('sdk') / 'log.sqlite3'}").start()
    yield server
    server.stop()


@pytest.fixture
def stub() -> Iterator[StubModel]:
    with StubModel(registry.get("todo").tasks()) as model:
        yield model
