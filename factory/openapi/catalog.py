"""Compiled environments on disk: a folder per environment, loadable without the original
document and servable like any environment.

    <out>/<name>/
        environment.json   the compiled model (entities, operations, seed, source digest)
        tasks.jsonl        the generated tasks
        policy.md          the agent's system message
        verification.json  the verification report (when verified)
        environment.py     `Env = load_environment(<this folder>)`, so that
                           `ENVFACTORY_EXTRA_ENVS=<out>/<name>/environment.py:Env` serves it (and an
                           installed package can point an `envfactory.environments` entry point at
                           such a module)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from envfactory.environments import Registry, dump_tasks, load_tasks

from .compile import build_environment
from .errors import CompileError
from .model import FORMAT, ApiModel
from .runtime import OpenApiEnvironment

MODEL_FILE = "environment.json"
_MODULE = '''"""{title}: an environment compiled from {file} by envfactory.factory.openapi (generated; to
change it, compile the document again). Serve it with ENVFACTORY_EXTRA_ENVS=<this file>:Env."""

from pathlib import Path

from envfactory.factory.openapi import load_environment

Env = load_environment(Path(__file__).parent, module=__name__)
'''


def save_environment(
    env_cls: type[OpenApiEnvironment], out: str | Path, report: dict[str, Any] | None = None
) -> Path:
    """Write `env_cls` to `<out>/<name>/` and return that folder."""
    api = env_cls.api
    folder = Path(out) / api.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODEL_FILE).write_text(api.model_dump_json(indent=1) + "\n", encoding="utf-8")
    dump_tasks(env_cls.tasks(), folder / "tasks.jsonl")
    (folder / "policy.md").write_text(env_cls.policy() + "\n", encoding="utf-8")
    module = _MODULE.format(title=api.title, file=api.source.file)
    (folder / "environment.py").write_text(module, encoding="utf-8")
    if report is not None:
        (folder / "verification.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return folder


def load_environment(folder: str | Path, module: str | None = None) -> type[OpenApiEnvironment]:
    """The environment saved in `folder` (see `save_environment`)."""
    folder = Path(folder)
    path = folder / MODEL_FILE
    if not path.is_file():
        raise CompileError(f"{folder} holds no compiled environment ({MODEL_FILE} is missing).")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CompileError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}.") from None
    if raw.get("format") != FORMAT:
        raise CompileError(
            f"{path} has format {raw.get('format')!r}; this version reads format {FORMAT}. "
            "Compile the document again."
        )
    try:
        api = ApiModel.model_validate(raw)
    except ValidationError as exc:
        raise CompileError(f"{path} is not a compiled environment: {exc.errors()[0]['msg']}.") from None
    tasks_file = folder / "tasks.jsonl"
    tasks = load_tasks(tasks_file, env=api.name) if tasks_file.is_file() else []
    env_cls = build_environment(api, tasks, module=module)
    policy = folder / "policy.md"
    if policy.is_file():
        env_cls.policy_text = policy.read_text(encoding="utf-8").strip()
    return env_cls


def load_catalog(root: str | Path) -> dict[str, type[OpenApiEnvironment]]:
    """Every compiled environment under `root`, by name."""
    found = {}
    for folder in sorted(p.parent for p in Path(root).glob(f"*/{MODEL_FILE}")):
        env_cls = load_environment(folder)
        found[env_cls.name] = env_cls
    return found


def register_catalog(root: str | Path, registry: Registry, replace: bool = False) -> list[str]:
    """Register every compiled environment under `root`; returns their names."""
    names = []
    for name, env_cls in load_catalog(root).items():
        registry.register(env_cls, replace=replace)
        names.append(name)
    return names
