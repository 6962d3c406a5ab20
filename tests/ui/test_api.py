"""The console's own routes (`/ui`, `/ui/static`, `/ui/api`) over HTTP against a live server."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from envfactory.server.settings import Settings
from envfactory.server.ui.router import STATIC
from tests.conftest import Server
from tests.ui.conftest import AGENT_KEY, Seeded, admin_http

needs_runs_setting = pytest.mark.skipif(
    "runs_dir" not in Settings.model_fields,
    reason="the ENVFACTORY_RUNS_DIR setting (Settings.runs_dir) is not in server/settings.py yet",
)


def agent_http(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {AGENT_KEY}"}, timeout=30)


def test_the_page_and_every_asset_are_served_from_the_package_without_a_key(console_server: Server) -> None:
    with httpx.Client(base_url=console_server.url) as http:
        redirect = http.get("/ui")
        assert redirect.status_code == 308 and redirect.headers["location"] == "/ui/"
        page = http.get("/ui/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        files = sorted(p for p in STATIC.rglob("*") if p.is_file())
        assert {p.suffix for p in files} >= {".html", ".css", ".js", ".svg"}
        for path in files:
            response = http.get(f"/ui/static/{path.relative_to(STATIC).as_posix()}")
            assert response.status_code == 200, path
            assert response.headers["cache-control"] == "no-cache"
            # Nothing is loaded from elsewhere: the only absolute URL is the SVG namespace name.
            urls = set(re.findall(r"https?://[^\s\"'`)]+", response.text))
            assert urls <= {"http://www.w3.org/2000/svg"}, (path, urls)
        assert http.get("/ui/static/%2e%2e/router.py").status_code == 404


def test_console_routes_need_a_key_and_stay_out_of_the_openapi_document(console_server: Server) -> None:
    with httpx.Client(base_url=console_server.url) as http:
        refused = http.get("/ui/api/sessions")
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert "Missing API key" in refused.json()["detail"]
        assert not [p for p in http.get("/openapi.json").json()["paths"] if p.startswith("/ui")]
    with agent_http(console_server) as http:
        who = http.get("/ui/api/whoami").json()
        assert (who["auth"], who["role"], who["id"][:4]) == (True, "agent", "key_")


def test_session_listing_counts_calls_and_errors_with_the_stored_reward(
    console_server: Server, seeded: Seeded
) -> None:
    with admin_http(console_server) as http:
        rows = {r["id"]: r for r in http.get("/ui/api/sessions").json()}
        graded = rows[seeded.graded]
        assert (graded["status"], graded["calls"], graded["errors"], graded["reward"]) == (
            "closed",
            2,
            1,
            0.25,
        )
        assert graded["components"] == {"state": 0.0, "outputs": 1.0, "trace": 0.5, "penalties": 0.0}
        assert rows[seeded.running]["status"] == "active" and rows[seeded.running]["reward"] is None
        closed = http.get("/ui/api/sessions", params={"status": "closed"}).json()
        assert [r["id"] for r in closed] == [seeded.graded]
        assert http.get("/ui/api/sessions", params={"env": "airline"}).json() == []
        bad = http.get("/ui/api/sessions", params={"status": "open"})
        assert bad.status_code == 422 and "status" in bad.json()["detail"]
    with agent_http(console_server) as http:
        assert [r["id"] for r in http.get("/ui/api/sessions").json()] == [seeded.agent_session]


def test_session_detail_has_call_outcomes_task_and_a_preview_that_is_not_saved(
    console_server: Server, seeded: Seeded
) -> None:
    with admin_http(console_server) as http:
        graded = http.get(f"/ui/api/sessions/{seeded.graded}").json()
        assert graded["calls"]["call_bad"]["ok"] is False
        assert graded["calls"]["call_bad"]["error_kind"] == "tool_error"
        assert graded["evaluation"]["preview"] is False
        assert graded["evaluation"]["diff"]["items"]["changed"][0]["key"] == {"id": "T102"}
        assert graded["session"]["final_response"] == "Ticked off."
        assert [c["name"] for c in graded["task"]["solution"]] == ["find_items", "complete_item"]

        running = http.get(f"/ui/api/sessions/{seeded.running}").json()
        assert running["evaluation"]["preview"] is True
        assert 0 <= running["evaluation"]["reward"] < 1
        listed = {r["id"]: r for r in http.get("/ui/api/sessions").json()}
        assert listed[seeded.running]["reward"] is None  # the preview was not recorded
        assert http.get(f"/v1/sessions/{seeded.running}").json()["status"] == "active"

        missing = http.get("/ui/api/sessions/ses_nope")
        assert missing.status_code == 404
    with agent_http(console_server) as http:
        assert http.get(f"/ui/api/sessions/{seeded.graded}").status_code == 404  # another key's session
        own = http.get(f"/ui/api/sessions/{seeded.agent_session}").json()
        assert "solution" not in own["task"]  # solutions are for admin keys, as on /v1


def test_environment_extras_and_tool_graph(console_server: Server) -> None:
    with agent_http(console_server) as http:
        extras = http.get("/ui/api/environments/todo").json()
        assert "complete_item" in extras["write_tools"] and "find_items" not in extras["write_tools"]
        assert extras["policy"].strip()
        graph = http.get("/ui/api/environments/todo/graph.png", timeout=120)
        assert graph.status_code == 200, graph.text
        assert graph.headers["content-type"] == "image/png" and graph.content.startswith(b"\x89PNG")
        unknown = http.get("/ui/api/environments/tod/graph.png")
        assert unknown.status_code == 404 and "todo" in unknown.json()["detail"]
        isolated = http.get("/ui/api/environments/bfcl_math/graph.png")
        assert isolated.status_code == 409 and "process host" in isolated.json()["detail"]


def test_training_runs_are_for_admin_keys(console_server: Server) -> None:
    with agent_http(console_server) as http:
        for path in ("/ui/api/runs", "/ui/api/runs/file?path=project/exp1/metrics.jsonl"):
            refused = http.get(path)
            assert refused.status_code == 403 and "admin" in refused.json()["detail"]


@needs_runs_setting
def test_runs_are_found_below_the_runs_directory_with_their_files(console_server: Server) -> None:
    with admin_http(console_server) as http:
        listing = http.get("/ui/api/runs").json()
        runs = {run["name"]: run for run in listing["runs"]}
        assert set(runs) == {"project/exp1", "smoke"}
        exp1 = runs["project/exp1"]
        assert exp1["metrics"] == "project/exp1/metrics.jsonl"
        assert (exp1["last"]["phase"], exp1["last"]["step"]) == ("grpo", 15)
        names = [f["path"].rsplit("/", 1)[1] for f in exp1["files"]]
        assert names == ["config.json", "grpo.png", "metrics.jsonl", "rollouts.jsonl"]  # not notes.txt
        metrics = http.get("/ui/api/runs/file", params={"path": exp1["metrics"]})
        assert metrics.headers["content-type"] == "application/x-ndjson"
        assert len(metrics.text.splitlines()) == 35
        plot = http.get("/ui/api/runs/file", params={"path": "project/exp1/grpo.png"})
        assert plot.headers["content-type"] == "image/png"


@needs_runs_setting
@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("../outside.jsonl", 422, "outside"),
        ("/etc/passwd", 422, "relative"),
        ("escape.jsonl", 422, "outside"),  # a symbolic link to a file elsewhere
        ("project/exp1/notes.txt", 422, ".jsonl"),
        ("project/exp2/metrics.jsonl", 404, "lists them"),
    ],
)
def test_run_files_outside_the_directory_or_of_other_kinds_are_refused(
    console_server: Server, runs_dir: Path, path: str, status: int, says: str
) -> None:
    with admin_http(console_server) as http:
        response = http.get("/ui/api/runs/file", params={"path": path})
        assert response.status_code == status
        assert says in response.json()["detail"]
