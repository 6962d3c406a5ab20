"""Helpers for tests that need Docker (no tests here).

`require_docker()` skips a test when no Docker daemon answers, or fails it when
`ENVFACTORY_REQUIRE_DOCKER=1` (CI machines that must run the Docker tests). `ensure_worker_image()`
returns the worker image, building it first with `docker/build-base-image.sh` and
`docker/build-images.sh` when it is missing or was built from other sources than the checkout's
(the image label `org.envfactory.source-hash` against `docker/source-hash.sh`). Builds are
serialized across pytest-xdist workers with a file lock. See docker/README.md.

`ENVFACTORY_DOCKER_REBUILD` says when to build: `stale` (default: missing or built from other
sources), `missing` (only when absent), `always`. `ENVFACTORY_DOCKER_BUILD_TIMEOUT` bounds the
build in seconds (default 1800; the base image alone takes a few minutes).
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKER_DIR = REPO_ROOT / "docker"
BASE_IMAGE = "envfactory/base:bookworm"
WORKER_IMAGE = "envfactory/worker:latest"
SOURCE_HASH_LABEL = "org.envfactory.source-hash"
_PING_TIMEOUT_S = 3


def _docker_problem() -> str | None:
    """Why Docker cannot be used here, or None when a daemon answers a ping."""
    try:
        import docker.errors  # binds `docker` too
    except ImportError:
        return "the docker Python SDK is not installed (pip install docker)"
    try:
        client = docker.from_env(timeout=_PING_TIMEOUT_S)
    except docker.errors.DockerException as exc:
        return f"no Docker daemon reachable ({exc})"
    try:
        client.ping()
    except (docker.errors.DockerException, OSError) as exc:  # requests' errors are OSErrors
        return f"the Docker daemon does not answer ({exc})"
    finally:
        client.close()
    return None


def docker_available() -> bool:
    """True when the docker SDK is installed and a daemon answers a ping within a few seconds."""
    return _docker_problem() is None


def require_docker() -> None:
    """Skip the calling test without Docker; fail it instead when ENVFACTORY_REQUIRE_DOCKER=1."""
    problem = _docker_problem()
    if problem is None:
        return
    if os.environ.get("ENVFACTORY_REQUIRE_DOCKER") == "1":
        pytest.fail(
            f"Docker is required (ENVFACTORY_REQUIRE_DOCKER=1) but unavailable: {problem}. "
            "Start dockerd (see docker/README.md) or unset ENVFACTORY_REQUIRE_DOCKER.",
            pytrace=False,
        )
    pytest.skip(f"Docker is unavailable: {problem}")


def _source_hash() -> str:
    result = subprocess.run(
        [str(DOCKER_DIR / "source-hash.sh"), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def _image_label(image: str, label: str) -> str | None:
    """The image's label value, "" when unlabelled, None when the image is missing."""
    import docker.errors

    client = docker.from_env(timeout=30)
    try:
        labels = client.images.get(image).labels or {}
    except docker.errors.ImageNotFound:
        return None
    finally:
        client.close()
    return labels.get(label, "")


def _needs_build(image: str) -> bool:
    policy = os.environ.get("ENVFACTORY_DOCKER_REBUILD", "stale")
    if policy not in ("stale", "missing", "always"):
        raise ValueError(f"ENVFACTORY_DOCKER_REBUILD={policy!r}: expected stale, missing or always")
    built_from = _image_label(image, SOURCE_HASH_LABEL)
    if built_from is None or policy == "always":
        return True
    return policy == "stale" and built_from != _source_hash()


def _run_script(args: list[str], timeout_s: float) -> str:
    """Run a build script in its own process group; kill the whole group when it overruns."""
    env = {**os.environ, "PYTHON": sys.executable}
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=max(timeout_s, 1))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        raise RuntimeError(
            f"{' '.join(args)} did not finish within {timeout_s:.0f}s; output:\n{output}"
        ) from None
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {proc.returncode}; output:\n{output}")
    return output


def ensure_worker_image(timeout_s: float | None = None) -> str:
    """The worker image's name, built first when missing or stale (see the module docstring)."""
    return ensure_image("worker", timeout_s)


def ensure_image(target: str, timeout_s: float | None = None) -> str:
    """The image `envfactory/<target>:latest` (worker or server), built first when missing or stale.

    Skips or fails like `require_docker()` without Docker; raises RuntimeError with the scripts'
    output when a build fails or overruns `timeout_s` (default ENVFACTORY_DOCKER_BUILD_TIMEOUT).
    """
    require_docker()
    if timeout_s is None:
        timeout_s = float(os.environ.get("ENVFACTORY_DOCKER_BUILD_TIMEOUT", "1800"))
    deadline = time.monotonic() + timeout_s
    lock_path = Path(tempfile.gettempdir()) / "envfactory-docker-build.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another xdist worker may be building: wait, then re-check
        image = f"envfactory/{target}:latest"
        if _needs_build(image):
            _run_script([str(DOCKER_DIR / "build-base-image.sh")], deadline - time.monotonic())
            _run_script([str(DOCKER_DIR / "build-images.sh"), target], deadline - time.monotonic())
            if _image_label(image, SOURCE_HASH_LABEL) is None:
                raise RuntimeError(f"the build scripts succeeded but {image} does not exist")
    return image
