"""Environments that misbehave on purpose, served with ENVFACTORY_EXTRA_ENVS."""

from __future__ import annotations

import time

from envfactory.environments import tool
from envfactory.environments.catalog.todo import TodoEnv


class SlowTodo(TodoEnv):
    name = "slow_todo"

    @tool(write=True)
    def slow_add(self, title: str, seconds: float) -> dict:
        """Add an item to Home after a pause.

        Args:
            title: the item.
            seconds: how long to take.
        """
        time.sleep(seconds)
        return self.add_item("Home", title)
