"""The registry of environments: the built-in catalog and third-party packages alike register
through the entry-point group `envfactory.environments` (`name = "pkg.module:EnvClass"`).

Entry points are listed without importing anything; a class is imported the first time it is
asked for, so `envs list` stays fast and one broken package cannot break the others.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points

from .environment import Environment
from .errors import DefinitionError, UnknownEnvironmentError, UnknownTaskError
from .tasks import Task

ENTRY_POINT_GROUP = "envfactory.environments"


class Registry:
    def __init__(self, load_entry_points: bool = True) -> None:
        self._classes: dict[str, type[Environment]] = {}
        self._entry_points: dict[str, EntryPoint] = {}
        self._tasks: dict[str, dict[str, Task]] = {}
        self._lock = threading.Lock()
        if load_entry_points:
            self._entry_points = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}

    def register(self, cls: type[Environment], *, replace: bool = False) -> type[Environment]:
        """Add an environment class under `cls.name` (usable as a class decorator)."""
        if not (isinstance(cls, type) and issubclass(cls, Environment)):
            raise DefinitionError(f"{cls!r} is not an Environment subclass.")
        with self._lock:
            if not replace and cls.name in self and self._classes.get(cls.name) is not cls:
                raise DefinitionError(f"An environment named {cls.name!r} is already registered.")
            self._classes[cls.name] = cls
            self._tasks.pop(cls.name, None)
        return cls

    def names(self) -> list[str]:
        return sorted(self._classes.keys() | self._entry_points.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._classes or name in self._entry_points

    def __iter__(self) -> Iterator[type[Environment]]:
        return (self.get(name) for name in self.names())

    def __len__(self) -> int:
        return len(self.names())

    def load_all(self) -> tuple[list[type[Environment]], dict[str, str]]:
        """Every environment that loads, and for each one that does not, why."""
        loaded, broken = [], {}
        for name in self.names():
            try:
                loaded.append(self.get(name))
            except (ImportError, AttributeError, DefinitionError) as exc:
                broken[name] = f"{type(exc).__name__}: {exc}"
        return loaded, broken

    def get(self, name: str) -> type[Environment]:
        cls = self._classes.get(name)
        if cls is not None:
            return cls
        ep = self._entry_points.get(name)
        if ep is None:
            raise UnknownEnvironmentError(name, self.names())
        loaded = ep.load()
        if not (isinstance(loaded, type) and issubclass(loaded, Environment)):
            raise DefinitionError(f"Entry point {name} = {ep.value!r} is not an Environment subclass.")
        if loaded.name != name:
            raise DefinitionError(
                f"Entry point {name!r} points at {ep.value!r}, whose name is {loaded.name!r}."
            )
        with self._lock:
            self._classes[name] = loaded
        return loaded

    def tasks(self, name: str) -> dict[str, Task]:
        tasks = self._tasks.get(name)
        if tasks is None:
            tasks = {t.id: t for t in self.get(name).tasks()}
            self._tasks[name] = tasks
        return tasks

    def task(self, name: str, task_id: str) -> Task:
        tasks = self.tasks(name)
        if task_id not in tasks:
            raise UnknownTaskError(name, task_id, tasks)
        return tasks[task_id]


def import_environment(target: str) -> type[Environment]:
    """The environment class at `module:Class` (for environments that are not installed)."""
    module, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module), attr, None)
    if not (isinstance(cls, type) and issubclass(cls, Environment)):
        raise DefinitionError(f"{target!r} is not an Environment class (expected 'module:Class').")
    return cls


registry = Registry()
