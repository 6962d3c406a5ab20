"""Schemathesis generates requests from /openapi.json; none may produce a server error (5xx).

Driven through Hypothesis directly (not schemathesis's pytest plugin, which lags pytest releases).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import Server


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory):
    server = Server(database_url=f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'log.sqlite3'}").start()
    yield server
    server.stop()


def test_generated_requests_never_cause_a_server_error(fuzz_server: Server) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def never_5xx(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        never_5xx()
