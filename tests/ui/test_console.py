"""The web console in a real headless Chromium against a live server holding real sessions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from envfactory.environments import registry
from envfactory.server.settings import Settings
from tests.conftest import Server
from tests.ui.conftest import (
    ADMIN_KEY,
    AGENT_KEY,
    Page,
    Seeded,
    admin_http,
    metrics_lines,
    playwright_expect,
)

expect = playwright_expect()
needs_runs_setting = pytest.mark.skipif(
    "runs_dir" not in Settings.model_fields,
    reason="the ENVFACTORY_RUNS_DIR setting (Settings.runs_dir) is not in server/settings.py yet",
)


def _call(name: str, arguments: dict[str, Any], call_id: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def _row(env: str, reward: float | None, turns: int, error: bool = False) -> dict[str, Any]:
    """A trajectory row as `run_batch` / `envfactory eval` write them."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "policy"},
        {"role": "user", "content": f"please help with my {env} request"},
    ]
    for i in range(turns):
        messages.append(
            {"role": "assistant", "content": None, "tool_calls": [_call("look_up", {"n": i}, f"c{i}")]}
        )
        content = "Error: nothing found" if error and i == 0 else json.dumps({"n": i})
        messages.append({"role": "tool", "tool_call_id": f"c{i}", "content": content})
    messages.append({"role": "assistant", "content": "All done."})
    tools = [{"type": "function", "function": {"name": "look_up", "parameters": {"type": "object"}}}]
    return {
        "messages": messages,
        "tools": tools,
        "reward": reward,
        "metadata": {"env": env, "task_id": f"{env}-1"},
    }


def test_environments_show_catalog_tools_tasks_and_tool_graph(page: Page, console_server: Server) -> None:
    tab = page.tab
    tab.goto(f"{console_server.url}/ui/")
    with admin_http(console_server) as http:
        expect(tab.locator(".env-list li")).to_have_count(len(http.get("/v1/environments").json()))
    tab.locator('.env-list a[href="#/environments/todo"]').click()
    expect(tab.locator("h1")).to_contain_text("todo")
    tool = tab.locator('details.tool[data-tool="complete_item"]')
    expect(tool.locator(".badge")).to_have_text("write")
    tool.locator("summary").first.click()
    expect(tool.locator("table.params")).to_contain_text("item_id")
    page.shoot("environments-tools")

    tab.locator(".tabs a", has_text="Tasks").click()
    task = tab.locator('details.task[data-task="todo-001"]')
    expect(task).to_contain_text("leaking tap")
    task.locator("summary").first.click()
    expect(task.locator(".solution")).to_contain_text("complete_item")  # shown to admin keys

    tab.locator(".tabs a", has_text="Tool graph").click()
    expect(tab.locator(".graph img")).to_be_visible(timeout=60_000)  # drawn on first request
    assert tab.evaluate("document.querySelector('.graph img').naturalWidth") > 200
    page.shoot("environments-graph")
    assert page.errors == []


def test_session_page_shows_tool_calls_errors_reward_and_diff(
    page: Page, console_server: Server, seeded: Seeded
) -> None:
    tab = page.tab
    tab.goto(f"{console_server.url}/ui/#/sessions")
    graded = tab.locator(f'tr[data-session="{seeded.graded}"]')
    expect(graded).to_contain_text("0.25")
    expect(graded.locator("td.has-errors")).to_have_text("1")
    expect(tab.locator(f'tr[data-session="{seeded.running}"]')).to_contain_text("active")
    page.shoot("sessions-list")

    graded.click()
    expect(tab).to_have_url(re.compile(f"#/sessions/{seeded.graded}$"))
    cards = tab.locator(".tool-call")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("find_items")
    expect(cards.nth(0)).to_contain_text('"query": "tap"')
    expect(cards.nth(0)).not_to_have_class(re.compile("failed"))
    expect(cards.nth(1)).to_have_class(re.compile("failed"))
    expect(cards.nth(1)).to_contain_text("T999")
    expect(tab.locator(".msg-user")).to_contain_text("leaking tap")
    expect(tab.locator(".reward-total")).to_contain_text("0.25")
    expect(tab.locator('tr[data-component="trace"]')).to_contain_text("0.5")
    expect(tab.locator('.diff-table[data-table="items"]')).to_contain_text("T102")
    expect(tab.locator(".solution li.unmatched")).to_contain_text("complete_item")
    page.shoot("session-graded")
    assert page.errors == []


def test_an_open_session_page_follows_new_calls_and_previews_the_reward(
    page: Page, console_server: Server, seeded: Seeded
) -> None:
    tab = page.tab
    tab.goto(f"{console_server.url}/ui/#/sessions/{seeded.running}")
    expect(tab.locator(".tool-call")).to_have_count(1)
    expect(tab.locator(".reward-card .note")).to_contain_text("Preview")
    expect(tab.locator(".diff-card")).to_contain_text("T208")

    calls = [_call("reschedule_item", {"item_id": "T208", "due_date": "2026-03-17"}, "call_move")]
    with admin_http(console_server) as http:
        response = http.post(f"/v1/sessions/{seeded.running}/tool_calls", json={"tool_calls": calls})
    assert response.status_code == 200, response.text
    expect(tab.locator(".tool-call")).to_have_count(2, timeout=15_000)  # the page polls every 3 s
    expect(tab.locator(".diff-card")).to_contain_text("equals the expected state")
    page.shoot("session-live")
    assert page.errors == []


def test_trajectory_file_is_browsed_with_filters(
    page: Page, console_server: Server, seeded: Seeded, tmp_path: Path
) -> None:
    task = registry.task("todo", "todo-002").model_dump(mode="json", exclude_defaults=True)
    rows = [
        seeded.trajectory,
        _row("airline", 1.0, 3),
        _row("airline", 0.0, 1, error=True),
        _row("shop", 0.5, 6),
        task,
    ]
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, "{not json")
    file = tmp_path / "trajectories.jsonl"
    file.write_text("\n".join(lines) + "\n")

    tab = page.tab
    tab.goto(f"{console_server.url}/ui/#/trajectories")
    tab.locator('input[aria-label="Trajectory file"]').set_input_files(str(file))
    shown = tab.locator("#shown-count")
    expect(shown).to_have_text("5")
    expect(tab.locator(".skipped")).to_contain_text("line 3")
    tab.locator('select[name="env"]').select_option("airline")
    expect(shown).to_have_text("2")
    tab.locator('input[aria-label="min reward"]').fill("0.5")
    expect(shown).to_have_text("1")
    tab.locator('select[name="env"]').select_option("")
    expect(shown).to_have_text("2")  # airline 1.0 and shop 0.5; the task row has no reward
    tab.locator('input[aria-label="min reward"]').fill("")
    tab.locator('input[aria-label="min length"]').fill("8")
    expect(shown).to_have_text("2")  # the 3- and 6-turn rows (9 and 15 messages)
    tab.locator('input[aria-label="min length"]').fill("")
    tab.get_by_label("with tool errors").check()
    expect(shown).to_have_text("2")  # the graded session and the failed airline lookup
    page.shoot("trajectories-list")
    tab.get_by_label("with tool errors").uncheck()

    tab.locator('tr[data-row="0"]').click()
    expect(tab.locator(".tool-call")).to_have_count(2)
    expect(tab.locator(".tool-call.failed")).to_contain_text("complete_item")
    expect(tab.locator(".reward-total")).to_contain_text("0.25")
    expect(tab.locator('.diff-table[data-table="items"]')).to_be_visible()
    page.shoot("trajectory-row")
    tab.locator("a", has_text="trajectories.jsonl").click()
    tab.locator(f'tr[data-row="{len(rows) - 1}"]').click()  # the RL task row
    expect(tab.locator(".task")).to_contain_text(task["instruction"])
    assert page.errors == []


def test_training_metrics_file_draws_reward_and_loss_curves(
    page: Page, console_server: Server, tmp_path: Path
) -> None:
    file = tmp_path / "metrics.jsonl"
    file.write_text("".join(json.dumps(line) + "\n" for line in metrics_lines()))
    tab = page.tab
    tab.goto(f"{console_server.url}/ui/#/runs")
    tab.locator('input[aria-label="Metrics files"]').set_input_files(str(file))
    charts = tab.locator("figure.chart-box")
    expect(charts).to_have_count(2)
    expect(charts.locator("figcaption")).to_have_text(["loss", "reward"])
    loss, reward = charts.nth(0), charts.nth(1)
    expect(loss.locator("path.series")).to_have_count(2)  # sft and grpo
    expect(reward.locator("path.series")).to_have_count(1)
    path = reward.locator("path.series").get_attribute("d")
    assert path is not None and path.count("L") == 14  # 15 GRPO steps
    box = reward.locator("svg").bounding_box()
    assert box is not None and box["width"] > 300
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(reward.locator(".chart-readout")).to_contain_text("grpo: ")
    tab.locator('input[data-metric="kl"]').check()
    expect(charts).to_have_count(3)
    tab.locator('select[aria-label="Phase"]').select_option("sft")
    expect(loss.locator("path.series")).to_have_count(1)
    page.shoot("runs-file")
    assert page.errors == []


@needs_runs_setting
def test_server_runs_are_listed_charted_and_their_files_opened(page: Page, console_server: Server) -> None:
    tab = page.tab
    tab.goto(f"{console_server.url}/ui/#/runs")
    run = tab.locator('input[data-run="project/exp1"]')
    expect(tab.locator(".run-list li")).to_have_count(2)
    run.check()
    expect(tab.locator("figure.chart-box")).to_have_count(2)
    tab.locator(".card li", has_text="config.json").locator("button").click()
    expect(tab.locator(".file-viewer pre")).to_contain_text("group_size")
    tab.locator(".card li", has_text="grpo.png").locator("button").click()
    expect(tab.locator(".file-viewer img")).to_be_visible()
    tab.locator(".card li", has_text="rollouts.jsonl").locator("button").click()
    expect(tab).to_have_url(re.compile("#/trajectories$"))
    expect(tab.locator("#shown-count")).to_have_text("2")
    page.shoot("runs-server")
    assert page.errors == []


def test_the_page_asks_for_a_key_once_and_shows_what_the_key_may_see(
    new_visitor: Page, console_server: Server, seeded: Seeded
) -> None:
    page, tab = new_visitor, new_visitor.tab
    tab.goto(f"{console_server.url}/ui/#/sessions")
    dialog = tab.locator("#key-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("needs an API key")
    page.shoot("auth-key-dialog")
    tab.locator("#key-input").fill("not-a-key")
    tab.locator("#key-input").press("Enter")
    expect(dialog).to_contain_text("Unknown API key")
    tab.locator("#key-input").fill(AGENT_KEY)
    tab.locator("#key-input").press("Enter")
    expect(dialog).to_be_hidden()
    expect(tab.locator("#who")).to_contain_text("agent")
    expect(tab.locator("tr[data-session]")).to_have_count(1)  # a key sees only its own sessions
    expect(tab.locator(f'tr[data-session="{seeded.agent_session}"]')).to_be_visible()
    page.shoot("auth-agent-sessions")

    tab.reload()  # the key is remembered
    expect(tab.locator("tr[data-session]")).to_have_count(1)
    expect(dialog).to_be_hidden()
    tab.goto(f"{console_server.url}/ui/#/runs")
    expect(tab.locator(".server-runs")).to_contain_text("admin keys")

    tab.locator("#who button", has_text="change key").click()
    tab.locator("#key-input").fill(ADMIN_KEY)
    tab.locator("#key-input").press("Enter")
    expect(tab.locator("#who")).to_contain_text("admin")
    expect(tab.locator(".server-runs")).not_to_contain_text("admin keys")
    tab.goto(f"{console_server.url}/ui/#/sessions")
    with admin_http(console_server) as http:
        everyone = http.get("/ui/api/sessions").json()
    expect(tab.locator("tr[data-session]")).to_have_count(len(everyone))
    assert [e for e in page.errors if "401" not in e] == []
