"""The built-in catalog: a reference environment plus one full environment per domain."""

from __future__ import annotations

import pytest

from envfactory.environments import Environment, registry

DOMAINS = {
    "travel": "airline",
    "commerce": "shop",
    "productivity": "calendar",
    "communication": "mail",
    "finance": "bank",
    "devtools": "devtools",
    "local_services": "food_delivery",
}


@pytest.fixture(params=sorted(DOMAINS.items()), ids=lambda item: item[1], scope="module")
def full_env(request: pytest.FixtureRequest) -> type[Environment]:
    domain, name = request.param
    cls = registry.get(name)
    assert cls.domain == domain
    return cls


def test_reference_environment_is_small_and_complete() -> None:
    todo = registry.get("todo")
    assert todo.domain == "reference"
    assert 4 <= len(todo.tools) <= 8 and len(todo.tasks()) >= 10


def test_full_environment_has_enough_tools_of_both_kinds(full_env: type[Environment]) -> None:
    tools = full_env.tools.values()
    assert len(tools) >= 12
    assert sum(t.write for t in tools) >= 4 and sum(not t.write for t in tools) >= 4


def test_full_environment_has_a_policy_and_hundreds_of_seed_rows(full_env: type[Environment]) -> None:
    assert len(full_env.policy()) > 300 and full_env.policy() != full_env.description
    state = full_env.create().export_state()
    assert sum(len(rows) for name, rows in state.items() if name != "_meta") >= 200


def test_full_environment_tasks_cover_every_kind_of_request(full_env: type[Environment]) -> None:
    tasks = full_env.tasks()
    assert len(tasks) >= 40
    assert all(1 <= len(t.solution) <= 6 for t in tasks), [
        t.id for t in tasks if not 1 <= len(t.solution) <= 6
    ]
    writes = {t.id for t in tasks if any(full_env.tools[c.name].write for c in t.solution)}
    lookup_then_write = [t for t in tasks if t.id in writes and not full_env.tools[t.solution[0].name].write]
    information = [t for t in tasks if t.required_outputs]
    no_change = [t for t in tasks if t.id not in writes and not t.required_outputs]
    assert len(lookup_then_write) >= 10
    assert len(information) >= 5
    assert len(no_change) >= 4, "tasks whose right answer is to refuse or change nothing"


def test_instructions_read_like_requests_not_tool_calls(full_env: type[Environment]) -> None:
    for task in full_env.tasks():
        for name in full_env.tools:
            if "_" in name:
                assert name not in task.instruction, (task.id, name)
