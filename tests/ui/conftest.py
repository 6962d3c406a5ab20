"""Fixtures of the web console tests: real servers (`tests.conftest.Server`) holding real sessions,
and a real headless Chromium driven by Playwright.

Chromium is the system one (Debian `chromium`; Playwright's own browser download is not used):
found on PATH or at `ENVFACTORY_CHROMIUM`. Without it, or without the `playwright` package, the
browser tests skip, unless `ENVFACTORY_REQUIRE_BROWSER=1` (CI), where they fail instead.
Screenshots go to `tests/ui/artifacts/` (or `ENVFACTORY_UI_ARTIFACTS`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from envfactory.sdk import Client
from tests.conftest import Server

ARTIFACTS = Path(os.environ.get("ENVFACTORY_UI_ARTIFACTS", Path(__file__).with_name("artifacts")))
AGENT_KEY, ADMIN_KEY = "agent-key-1", "admin-key-1"
# The smallest valid PNG (1x1), standing in for a trainer's plot.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class Seeded:
    """Sessions made through the SDK before the tests look at them."""

    graded: str  # todo-001: a good lookup, a failed write, evaluated (reward 0.25), closed
    running: str  # todo-004: one lookup, not evaluated, still active
    agent_session: str  # the agent key's only session (todo-002, untouched)
    trajectory: dict[str, Any]  # the graded session's export row


def metrics_lines() -> list[dict[str, Any]]:
    """What the trainer writes: SFT steps (loss), then GRPO steps (reward, loss, rates)."""
    sft = [{"step": s, "phase": "sft", "loss": round(2.5 / (1 + s), 4), "lr": 1e-4} for s in range(1, 21)]
    grpo = [
        {
            "step": s,
            "phase": "grpo",
            "reward": round(0.2 + 0.03 * s, 3),
            "loss": 0.01 * (s % 3),
            "kl": 0.001 * s,
        }
        for s in range(1, 16)
    ]
    return sft + grpo


@pytest.fixture(scope="package")
def runs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A runs directory as the trainer leaves it: one run nested in a project folder, one at the top."""
    root = tmp_path_factory.mktemp("runs")
    run = root / "project" / "exp1"
    run.mkdir(parents=True)
    (run / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in metrics_lines()))
    (run / "grpo.png").write_bytes(TINY_PNG)
    (run / "config.json").write_text(json.dumps({"lr": 1e-6, "group_size": 8}))
    (run / "notes.txt").write_text("not served")
    rollout = {
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        "tools": [],
    }
    (run / "rollouts.jsonl").write_text(
        "".join(json.dumps({**rollout, "reward": r}) + "\n" for r in (0.0, 1.0))
    )
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.jsonl"
    secret.write_text("{}\n")
    (root / "escape.jsonl").symlink_to(secret)
    (root / "smoke").mkdir()
    (root / "smoke" / "metrics.jsonl").write_text(json.dumps({"step": 1, "phase": "sft", "loss": 3.0}) + "\n")
    return root


@pytest.fixture(scope="package")
def console_server(tmp_path_factory: pytest.TempPathFactory, runs_dir: Path) -> Iterator[Server]:
    """One server for the console tests: API keys on (an agent and an admin key), a runs
    directory, and bfcl_math isolated on the process host."""
    database = tmp_path_factory.mktemp("console") / "log.sqlite3"
    env = {
        "ENVFACTORY_API_KEYS": f"{AGENT_KEY}:agent,{ADMIN_KEY}:admin",
        "ENVFACTORY_RUNS_DIR": str(runs_dir),
        "ENVFACTORY_HOSTS": "bfcl_math=process",
    }
    server = Server(database_url=f"sqlite:///{database}", env=env).start()
    yield server
    server.stop()


def admin_http(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30)


@pytest.fixture(scope="package")
def seeded(console_server: Server) -> Seeded:
    """Sessions of the admin key; the agent key has one of its own (`agent_session`)."""
    with Client(console_server.url, api_key=ADMIN_KEY) as client:
        graded = client.create_session("todo", task_id="todo-001")
        graded.call(
            [{"id": "call_find", "function": {"name": "find_items", "arguments": '{"query": "tap"}'}}]
        )
        graded.call(
            [{"id": "call_bad", "function": {"name": "complete_item", "arguments": {"item_id": "T999"}}}]
        )
        graded.evaluate(final_response="Ticked off.")
        running = client.create_session("todo", task_id="todo-004")
        running.call(
            [{"id": "call_look", "function": {"name": "find_items", "arguments": {"query": "dinner"}}}]
        )
        with admin_http(console_server) as http:
            trajectory = http.get(f"/v1/sessions/{graded.id}/trajectory").json()
        graded.close()
    with Client(console_server.url, api_key=AGENT_KEY) as client:
        agent_session = client.create_session("todo", task_id="todo-002").id
    return Seeded(graded=graded.id, running=running.id, agent_session=agent_session, trajectory=trajectory)


# ---------------------------------------------------------------------- the browser
def _unavailable(reason: str) -> None:
    if os.environ.get("ENVFACTORY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (ENVFACTORY_REQUIRE_BROWSER=1)")
    pytest.skip(reason, allow_module_level=True)


def playwright_expect() -> Any:
    """Playwright's auto-waiting `expect` (waits bounded at 10 s); skips the module without it."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    expect.set_options(timeout=10_000)
    return expect


def _chromium() -> str | None:
    configured = os.environ.get("ENVFACTORY_CHROMIUM")
    if configured:
        return configured
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    if executable is None:
        _unavailable("no Chromium found (apt-get install chromium, or set ENVFACTORY_CHROMIUM)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@dataclass
class Page:
    """A browser tab on a laptop-sized window, with what went wrong in its scripts."""

    tab: Any
    errors: list[str]

    def shoot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.tab.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path


def _open(browser: Any, key: str | None) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 820})
    if key is not None:  # as if the key had been entered on an earlier visit
        context.add_init_script(f"localStorage.setItem('envfactory.apiKey', {json.dumps(key)})")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield Page(tab, errors)
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    """A tab whose browser already holds the admin key."""
    yield from _open(browser, ADMIN_KEY)


@pytest.fixture
def new_visitor(browser: Any) -> Iterator[Page]:
    """A tab whose browser has never seen this console (no key stored)."""
    yield from _open(browser, None)
