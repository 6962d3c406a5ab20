"""The environment contract (`envfactory.environments.conformance`), checked for every registered
environment, built-in and entry-point alike; plus a snapshot of each environment's derived schemas.

Set ENVFACTORY_UPDATE_SNAPSHOTS=1 to rewrite the schema snapshots after an intended change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from envfactory.environments import Environment, registry
from envfactory.environments.conformance import CHECKS

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture(params=registry.names(), scope="module")
def env_cls(request: pytest.FixtureRequest) -> type[Environment]:
    return registry.get(request.param)


@pytest.mark.parametrize("check", CHECKS.values(), ids=list(CHECKS))
def test_environment_meets_the_contract(
    env_cls: type[Environment], check: Callable[[type[Environment]], None]
) -> None:
    check(env_cls)


def test_derived_schemas_match_the_snapshot(env_cls: type[Environment], update_snapshots: bool) -> None:
    path = SNAPSHOTS / f"{env_cls.name}.json"
    rendered = json.dumps(env_cls.openai_tools(), indent=2, sort_keys=True) + "\n"
    if update_snapshots or not path.exists():
        path.write_text(rendered)
        if not update_snapshots:
            pytest.fail(f"Snapshot {path.name} was missing and has been written; review and commit it.")
    assert rendered == path.read_text(), f"Derived schemas of {env_cls.name} changed; see {path}"
