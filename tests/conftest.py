"""Shared fixtures: repository paths, snapshot updates, and a real server for the tests
(`envfactory serve` in a subprocess on 127.0.0.1 and a free port; PostgreSQL via initdb/pg_ctl)."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def update_snapshots() -> bool:
    return os.environ.get("ENVFACTORY_UPDATE_SNAPSHOTS") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {
            **os.environ,
            "ENVFACTORY_DATABASE_URL": self.database_url,
            "ENVFACTORY_LOG_LEVEL": "warning",
            **self.env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "envfactory.cli", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.pids_started.append(self.proc.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not become healthy within 30 s")

    pids_seen: set[int] = field(default_factory=set)
    pids_started: list[int] = field(default_factory=list)

    def kill(self) -> None:
        """kill -9: no shutdown hooks run."""
        assert self.proc is not None
        self.pids_seen |= descendants(self.proc.pid)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.pids_seen |= descendants(self.proc.pid)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def leftovers(self, wait_s: float = 10.0) -> list[str]:
        """What the server's runs left behind once stopped: processes it started (workers, MCP
        servers) still alive after `wait_s`, and worker containers it owned."""
        deadline = time.monotonic() + wait_s
        alive = [pid for pid in self.pids_seen if _alive(pid)]
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [pid for pid in alive if _alive(pid)]
        found = [f"process {pid}: {_cmdline(pid)}" for pid in alive]
        return found + [f"container {name}" for name in _owned_containers(self.pids_started)]


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # exited while being read
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"


def _owned_containers(pids: list[int]) -> list[str]:
    """Worker containers labelled as started by one of `pids` on this machine."""
    try:
        import docker
        import docker.errors
    except ImportError:
        return []
    owners = {f"{socket.gethostname()}:{pid}" for pid in pids}
    try:
        client = docker.from_env(timeout=5)
        containers = client.containers.list(all=True, filters={"label": "org.envfactory.owner"})
    except (docker.errors.DockerException, OSError):  # no engine: nothing can have leaked there
        return []
    return [c.name for c in containers if c.labels.get("org.envfactory.owner") in owners]


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[type]:
    """Starts real servers; after the test, stops them and fails when one left a process or a
    container behind."""
    started: list[Server] = []

    def make(database_url: str | None = None, **env: str) -> Server:
        server = Server(database_url=database_url or f"sqlite:///{tmp_path / 'log.sqlite3'}", env=env)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()
    leaked = [item for server in started for item in server.leftovers()]
    assert not leaked, f"the server left these behind: {leaked}"


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL for the session: initdb + pg_ctl in a temporary directory on 127.0.0.1."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("ENVFACTORY_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are required but not installed")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="envfactory-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    run = functools.partial(subprocess.run, check=True, capture_output=True, timeout=120)
    run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "envfactory"])
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=on"
    run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://envfactory@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c
