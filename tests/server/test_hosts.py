"""The process and docker hosts against a live server: misbehaving tools fail alone, the server
and other sessions go on, and sessions on a killed worker come back by replay; a container has no
network; and the catalog behaves the same on both hosts as in-process."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from envfactory.environments import registry
from tests.conftest import REPO, Server
from tests.docker_support import ensure_worker_image

HOSTS = ["process", "docker"]


def host_env(host: str, **extra: str) -> dict[str, str]:
    """Server settings that run `unruly` (or, with DEFAULT_HOST, everything) on `host`."""
    env = {
        "ENVFACTORY_EXTRA_ENVS": "tests.server.unruly:UnrulyEnv",
        "ENVFACTORY_HOSTS": f"unruly={host}",
        "ENVFACTORY_TOOL_TIMEOUT_S": "3",
        "ENVFACTORY_PROCESS_WORKERS": "1",  # every session on one worker: a kill hits them all
        "ENVFACTORY_DOCKER_WORKERS": "1",
        "ENVFACTORY_WORKER_MEMORY_MB": "1024",
        **extra,
    }
    if host == "docker":
        env["ENVFACTORY_DOCKER_IMAGE"] = ensure_worker_image()  # skips (or fails in CI) without Docker
        env["ENVFACTORY_DOCKER_PYTHONPATH"] = str(REPO)  # so the container can import tests.server.unruly
    return env


def call(client: httpx.Client, sid: str, tool: str, arguments: dict | None = None) -> dict:
    r = client.post(
        f"/v1/sessions/{sid}/tool_calls",
        json={
            "tool_calls": [
                {
                    "id": f"{tool}-{time.monotonic_ns()}",
                    "function": {"name": tool, "arguments": arguments or {}},
                }
            ]
        },
    )
    assert r.status_code == 200, r.text
    return {"content": r.json()["messages"][0]["content"], **r.json()["outcomes"][0]}


@pytest.fixture(params=HOSTS)
def unruly(make_server, request: pytest.FixtureRequest) -> tuple[Server, httpx.Client]:
    server = make_server(**host_env(request.param))
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield server, client


def sessions(client: httpx.Client, n: int) -> list[str]:
    ids = []
    for i in range(n):
        sid = client.post("/v1/sessions", json={"env": "unruly"}).json()["id"]
        call(client, sid, "add_note", {"text": f"note {i}"})
        ids.append(sid)
    return ids


def test_a_hung_tool_times_out_alone_and_every_session_keeps_its_state(unruly) -> None:
    _, client = unruly
    hung, other = sessions(client, 2)
    started = time.monotonic()
    result = call(client, hung, "spin")
    assert not result["ok"] and result["error_kind"] == "timeout" and "within 3 s" in result["content"]
    assert time.monotonic() - started < 15
    assert client.get("/healthz").status_code == 200
    assert json.loads(call(client, other, "notes")["content"]) == ["note 1"]  # rebuilt on a new worker
    assert json.loads(call(client, hung, "notes")["content"]) == ["note 0"]  # the spin left no trace
    assert call(client, hung, "add_note", {"text": "after"})["content"] == "2"


@pytest.mark.parametrize(
    ("tool", "reason"), [("exit_process", "exited with status 3"), ("segfault", "killed by SIGSEGV")]
)
def test_a_tool_that_kills_its_process_fails_only_its_session(unruly, tool: str, reason: str) -> None:
    _, client = unruly
    victim, bystander = sessions(client, 2)
    result = call(client, victim, tool)
    assert not result["ok"] and result["error_kind"] == "crash" and reason in result["content"]
    assert json.loads(call(client, bystander, "notes")["content"]) == ["note 1"]
    assert json.loads(call(client, victim, "notes")["content"]) == ["note 0"]
    history = client.get(f"/v1/sessions/{victim}").json()["messages"]
    assert [m["content"] for m in history if m["role"] == "tool"][1] == result["content"]


def test_a_tool_that_allocates_10_gib_is_stopped_by_the_memory_limit(unruly) -> None:
    _, client = unruly
    (sid,) = sessions(client, 1)
    result = call(client, sid, "hog", {"gib": 10})
    assert not result["ok"] and "MemoryError" in result["content"]
    assert call(client, sid, "hog", {"gib": 0})["ok"]


def test_a_container_has_no_network_while_a_worker_process_has_the_hosts(make_server) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        for host, reachable in (("process", True), ("docker", False)):
            server = make_server(**host_env(host))
            with httpx.Client(base_url=server.url, timeout=120) as client:
                (sid,) = sessions(client, 1)
                result = call(client, sid, "dial", {"port": port})
            assert result["ok"] is reachable, (host, result)
            if not reachable:
                assert "ConnectionRefusedError" in result["content"] or "unreachable" in result["content"]
            server.stop()


def test_sessions_on_a_worker_come_back_after_a_restart_of_the_server(make_server, tmp_path) -> None:
    server = make_server(**host_env("process"))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        (sid,) = sessions(client, 1)
        call(client, sid, "add_note", {"text": "second"})
    server.kill()
    server.start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert json.loads(call(client, sid, "notes")["content"]) == ["note 0", "second"]


@pytest.mark.parametrize("host", HOSTS)
def test_the_catalog_behaves_the_same_on_every_host(make_server, host: str) -> None:
    """Every environment's first tasks: solution replay, fork isolation and evaluation agree
    with the in-process library."""
    server = make_server(**host_env(host, ENVFACTORY_DEFAULT_HOST=host, ENVFACTORY_HOSTS=""))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for env_cls in registry:
            for task in env_cls.tasks()[:2]:
                sid = client.post("/v1/sessions", json={"env": env_cls.name, "task_id": task.id}).json()["id"]
                fork = client.post(f"/v1/sessions/{sid}/fork").json()["id"]
                local = env_cls.for_task(task)
                for i, c in enumerate(task.solution):
                    remote = call(client, sid, c.name, c.arguments)
                    assert remote["content"] == local.call(c.name, c.arguments).content, (task.id, i)
                reward = client.post(
                    f"/v1/sessions/{sid}/evaluate", json={"final_response": " ".join(task.required_outputs)}
                ).json()
                assert reward["reward"] == 1.0, (task.id, reward)
                assert client.get(f"/v1/sessions/{sid}/state").json() == local.export_state(), task.id
                untouched = client.get(f"/v1/sessions/{fork}/state").json()
                assert untouched == env_cls.for_task(task).export_state(), task.id
                client.delete(f"/v1/sessions/{sid}")
                client.delete(f"/v1/sessions/{fork}")


def test_host_configuration_is_validated() -> None:
    from envfactory.server.settings import Settings

    settings = Settings(hosts="bfcl_*=process, unruly=docker")
    assert settings.host_for("bfcl_math") == "process" and settings.host_for("todo") == "inprocess"
    assert settings.host_names() == {"inprocess", "process", "docker"}
    with pytest.raises(ValueError, match="must be inprocess, process or docker"):
        Settings(hosts="todo=vm").host_for("todo")
