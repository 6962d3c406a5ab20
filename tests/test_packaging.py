"""The distribution: one wheel holding only `envfactory/...`, every subsystem importable, and
each subpackage's `__all__` naming real objects."""

from __future__ import annotations

import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

SUBSYSTEMS = ["environments", "sdk", "server", "factory", "trainer", "cli"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("envfactory-*.whl"))


def test_wheel_contains_only_the_envfactory_namespace_and_catalog_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"envfactory", next(t for t in top if t.endswith(".dist-info"))}
    assert "envfactory/__init__.py" not in names  # a namespace package
    for sub in SUBSYSTEMS:
        assert f"envfactory/{sub}/__init__.py" in names
    assert "envfactory/environments/catalog/todo/tasks.jsonl" in names
    assert "envfactory/environments/catalog/todo/policy.md" in names
    assert not any(n.startswith(("envfactory/tests", "envfactory/bench")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert (
        "[envfactory.environments]" in text and "todo = envfactory.environments.catalog.todo:TodoEnv" in text
    )
    assert "envfactory = envfactory.cli.main:app" in text


def test_wheel_installs_into_a_clean_venv_and_imports(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, timeout=300
    )
    code = (
        "import envfactory.environments as e, envfactory.environments.catalog.todo as t, sys;"
        "print(e.__file__); print(t.TodoEnv.create().call('list_lists').ok); print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [python, "-c", code], check=True, capture_output=True, text=True, timeout=120, cwd=tmp_path
    ).stdout.split()
    assert str(venv) in out[0] and out[1:] == ["True", "False"]


@pytest.mark.parametrize("sub", SUBSYSTEMS)
def test_all_names_real_objects(sub: str) -> None:
    module = importlib.import_module(f"envfactory.{sub}")
    for name in getattr(module, "__all__", []):
        assert hasattr(module, name), f"envfactory.{sub}.__all__ names missing {name!r}"


def test_environments_public_surface_is_complete() -> None:
    import envfactory.environments as env

    public = {n for n in dir(env) if not n.startswith("_") and not isinstance(getattr(env, n), type(env))}
    assert public == set(env.__all__)
