"""The `docker` host: environment workers in containers, spoken to over a Unix socket.

Each worker is a container of `ENVFACTORY_DOCKER_IMAGE` (see docker/worker.Dockerfile) started
with no network (`network_mode="none"`: only a loopback interface nobody listens on), memory,
CPU and process limits, a read-only root, no capabilities, and one bind-mounted directory that
holds the worker's socket; the server never talks to a container's IP address. Containers are
started ahead (`ENVFACTORY_DOCKER_WORKERS` serving plus a warm spare), so neither a new session
nor the replacement of a killed worker waits for a container to boot.

Environments given by `ENVFACTORY_EXTRA_ENVS` must be importable in the image; host directories
in `ENVFACTORY_DOCKER_PYTHONPATH` are mounted read-only and put on the worker's path for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from pathlib import Path
from typing import Any

import anyio
import docker
import docker.errors
import requests

from .hosts import WorkerGone, WorkerHost, WorkerLink, worker_args
from .settings import Settings

log = logging.getLogger("envfactory.hosts")
_DOCKER_ERRORS = (docker.errors.DockerException, requests.RequestException)

CONTAINER_UID = 10001  # the worker image's user (docker/worker.Dockerfile)
SOCKET_DIR = "/run/envfactory"
WORKER_LABEL = "org.envfactory.worker"
OWNER_LABEL = "org.envfactory.owner"  # "<hostname>:<pid>" of the server that started the container


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def orphaned(owner: str) -> bool:
    """True when `owner` names a server process of this machine that no longer runs."""
    hostname, _, pid = owner.rpartition(":")
    if hostname != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class DockerLink(WorkerLink):
    def __init__(self, name: str, container: Any, memory_mb: int) -> None:
        super().__init__(name)
        self.container = container
        self.memory_mb = memory_mb

    async def alive(self) -> bool:
        def status() -> str:
            self.container.reload()
            return self.container.status

        try:
            return await anyio.to_thread.run_sync(status) in ("created", "running")
        except _DOCKER_ERRORS:  # the container is gone either way
            return False

    async def kill(self) -> None:
        self.dead = True
        self.close_socket()
        await anyio.to_thread.run_sync(_remove, self.container)

    async def exit_reason(self) -> str:
        self.close_socket()

        def wait() -> dict[str, Any]:
            self.container.wait(timeout=10)
            self.container.reload()
            return self.container.attrs.get("State", {})

        try:
            state = await anyio.to_thread.run_sync(wait)
        except _DOCKER_ERRORS:  # no exit status to report; the worker is gone anyway
            state = {}
        await anyio.to_thread.run_sync(_remove, self.container)
        if state.get("OOMKilled"):
            return f"the environment container ran out of memory ({self.memory_mb} MiB)"
        code = state.get("ExitCode")
        if isinstance(code, int) and code > 128:
            return f"the environment process was killed by {signal.Signals(code - 128).name}"
        return f"the environment process exited with status {code}"


def _remove(container: Any) -> None:
    with contextlib.suppress(*_DOCKER_ERRORS):  # already gone
        container.remove(force=True)


class DockerHost(WorkerHost):
    name = "docker"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, settings.docker_workers)
        self.client = docker.from_env()
        self.owner = owner_id()
        self.spares: list[WorkerLink] = []
        self.stopping = False
        self._fills: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await anyio.to_thread.run_sync(self._reap_orphans)
        self._start_fill()

    def _start_fill(self) -> None:
        task = asyncio.get_running_loop().create_task(self._fill())
        self._fills.add(task)
        task.add_done_callback(self._fills.discard)

    def _reap_orphans(self) -> None:
        """Remove worker containers left by a server of this machine that died without stopping
        them (kill -9); their sessions come back by replay on fresh workers."""
        try:
            containers = self.client.containers.list(all=True, filters={"label": OWNER_LABEL})
        except _DOCKER_ERRORS as exc:
            log.warning("could not list old worker containers: %s", exc)
            return
        for container in containers:
            if orphaned(container.labels.get(OWNER_LABEL, "")):
                log.info("removing an orphaned worker container", extra={"container": container.short_id})
                _remove(container)

    def _remove_own(self) -> None:
        with contextlib.suppress(*_DOCKER_ERRORS):
            for container in self.client.containers.list(
                all=True, filters={"label": f"{OWNER_LABEL}={self.owner}"}
            ):
                _remove(container)

    async def _fill(self) -> None:
        """Start the serving workers and one spare, in the background."""
        try:
            await self._slot()
            if not self.spares:
                self.spares.append(await self.spawn(f"docker-{uuid.uuid4().hex[:8]}"))
        except WorkerGone as exc:
            log.error("docker workers could not start: %s", exc)

    async def replacement(self, name: str) -> WorkerLink:
        """A dead worker's place goes to the warm spare; a new spare starts behind it."""
        while self.spares:
            spare = self.spares.pop()
            if await spare.alive():
                self._start_fill()
                return spare
        return await self.spawn(name)

    async def spawn(self, name: str) -> WorkerLink:
        if self.stopping:
            raise WorkerGone("crash", "the docker host is stopping")
        directory = self.socket_dir / name
        directory.mkdir(mode=0o700)
        if os.getuid() == 0:  # keep the image's unprivileged user; let it use the directory
            os.chown(directory, CONTAINER_UID, CONTAINER_UID)
            user = f"{CONTAINER_UID}:{CONTAINER_UID}"
        else:  # run as the server's user, so both sides own the socket
            user = f"{os.getuid()}:{os.getgid()}"
        volumes = {str(directory): {"bind": SOCKET_DIR, "mode": "rw"}}
        paths = [p for p in self.settings.docker_pythonpath.split(os.pathsep) if p]
        for i, path in enumerate(paths):
            volumes[str(Path(path).resolve())] = {"bind": f"/opt/extra/{i}", "mode": "ro"}
        settings = self.settings

        def run() -> Any:
            if self.stopping:
                raise WorkerGone("crash", "the docker host is stopping")
            container = self.client.containers.run(
                settings.docker_image,
                command=worker_args(settings, f"unix:{SOCKET_DIR}/worker.sock"),
                detach=True,
                name=f"envfactory-{name}-{uuid.uuid4().hex[:8]}",
                labels={WORKER_LABEL: name, OWNER_LABEL: self.owner},
                network_mode="none",
                mem_limit=f"{settings.docker_memory_mb}m",
                memswap_limit=f"{settings.docker_memory_mb}m",
                nano_cpus=int(settings.docker_cpus * 1e9),
                pids_limit=256,
                read_only=True,
                tmpfs={"/tmp": "rw,size=64m"},
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                user=user,
                volumes=volumes,
                environment={"PYTHONPATH": ":".join(f"/opt/extra/{i}" for i in range(len(paths)))},
            )
            if self.stopping:  # stop() may have swept while this container was being created
                _remove(container)
                raise WorkerGone("crash", "the docker host is stopping")
            return container

        container = await anyio.to_thread.run_sync(run)
        link = DockerLink(name, container, settings.docker_memory_mb)
        try:
            await link.connect(directory / "worker.sock", wait_s=60)
        except WorkerGone:
            await link.kill()
            raise
        log.info("docker worker started", extra={"worker": name, "container": container.short_id})
        return link

    async def stop(self) -> None:
        self.stopping = True
        for task in list(self._fills):
            task.cancel()
        for spare in self.spares:
            await spare.kill()
        await super().stop()
        await anyio.to_thread.run_sync(self._remove_own)
        self.client.close()
