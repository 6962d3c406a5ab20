"""The registry of environments: the built-in catalog and third-party packages alike register
through the entry-point group `envfactory.environments` (`name = "pkg.module:EnvClass"`).

Entry points are listed without importing anything; a class is imported the first time it is
asked for, so `envs list` stays fast and one broken package cannot break the others. Directories
of environment folders (`<dir>/<name>/environment.py`, the layout `envfactory synth env` writes)
register the same lazy way with `add_directory`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

from .environment import Environment
from .errors import DefinitionError, UnknownEnvironmentError, UnknownTaskError
from .mcp import McpEnvironment
from .tasks import Task

ENTRY_POINT_GROUP = "envfactory.environments"
MODULE_FILE = "environment.py"


@dataclass(frozen=True)
class FolderEntry:
    """An environment folder found by `Registry.add_directory`: loaded like an entry point, on
    first use, as the Environment subclass named `name` defined in the folder's module."""

    name: str
    path: Path

    @property
    def value(self) -> str:
        return str(self.path)

    def load(self) -> type[Environment]:
        module = load_module_file(self.path)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, Environment)
                and obj.__module__ == module.__name__
                and getattr(obj, "name", None) == self.name
            ):
                return obj
        raise DefinitionError(f"{self.path} defines no Environment subclass with name = {self.name!r}.")


class Registry:
    def __init__(self, load_entry_points: bool = True) -> None:
        self._classes: dict[str, type[Environment]] = {}
        self._entry_points: dict[str, EntryPoint | FolderEntry] = {}
        self._tasks: dict[str, dict[str, Task]] = {}
        self._lock = threading.Lock()
        if load_entry_points:
            self._entry_points = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}

    def register(self, cls: type[Environment], *, replace: bool = False) -> type[Environment]:
        """Add an environment class under `cls.name` (usable as a class decorator)."""
        if not (isinstance(cls, type) and issubclass(cls, Environment | McpEnvironment)):
            raise DefinitionError(f"{cls!r} is not an Environment subclass.")
        with self._lock:
            if not replace and cls.name in self and self._classes.get(cls.name) is not cls:
                raise DefinitionError(f"An environment named {cls.name!r} is already registered.")
            self._classes[cls.name] = cls
            self._tasks.pop(cls.name, None)
        return cls

    def add_directory(self, path: str | Path, *, replace: bool = False) -> list[str]:
        """Register every environment folder under `path` (`<path>/<name>/environment.py`, folders
        starting with `.` or `_` skipped) under its folder's name, without importing anything yet.
        Returns the names added."""
        root = Path(path)
        if not root.is_dir():
            raise DefinitionError(f"{str(root)!r} is not a directory of environment folders.")
        found = sorted(p for p in root.glob(f"*/{MODULE_FILE}") if not p.parent.name.startswith((".", "_")))
        with self._lock:
            for module in found:
                name = module.parent.name
                if not replace and name in self:
                    raise DefinitionError(
                        f"{module.parent} would register {name!r}, which is already registered; "
                        "rename the folder or pass replace=True."
                    )
            for module in found:
                self._classes.pop(module.parent.name, None)
                self._tasks.pop(module.parent.name, None)
                self._entry_points[module.parent.name] = FolderEntry(module.parent.name, module.resolve())
        return [module.parent.name for module in found]

    def add_target(self, target: str) -> list[str]:
        """Register what one `ENVFACTORY_EXTRA_ENVS` entry names (replacing a registered one of the
        same name): `module:Class`, `path/to/file.py:Class`, or a directory of environment folders."""
        if ":" not in target and Path(target).is_dir():
            return self.add_directory(target, replace=True)
        return [self.register(import_environment(target), replace=True).name]

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
    """The environment class at `module:Class`, or at `path/to/file.py:Class` (a module that is
    not on the Python path, such as a synthesized environment's), for environments that are not
    installed."""
    module, colon, attr = target.rpartition(":")
    if not colon or not module or not attr:
        raise DefinitionError(f"{target!r} names no class: use 'module:Class' or 'path/to/file.py:Class'.")
    if module.endswith(".py"):
        if not Path(module).is_file():
            raise DefinitionError(f"{target!r}: no file {module!r}.")
        loaded = load_module_file(Path(module))
    else:
        loaded = importlib.import_module(module)
    cls = getattr(loaded, attr, None)
    if not (isinstance(cls, type) and issubclass(cls, Environment)):
        raise DefinitionError(
            f"{target!r} is not an Environment class (expected 'module:Class' or 'path/to/file.py:Class')."
        )
    return cls


def load_module_file(path: Path) -> ModuleType:
    """Import a Python file as a module named after its resolved path (so two folders' `environment.py`
    never collide, and loading the same file twice gives the same module)."""
    path = path.resolve()
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    name = f"envfactory_ext_{path.parent.name}_{digest}".replace("-", "_").replace(".", "_")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DefinitionError(f"{str(path)!r} cannot be imported as a Python module.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # SQLAlchemy and pydantic resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


registry = Registry()
