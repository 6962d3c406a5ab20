"""Every example in the README runs as written, as a user would run it: Python blocks as
scripts, shell blocks that talk to the server with bash. Examples that need a server get a real
one (the address 127.0.0.1:8000 is replaced by the test server's)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envfactory.environments import registry
from tests.conftest import REPO
from tests.stub_model import StubModel

README = (REPO / "README.md").read_text()
PYTHON = re.findall(r"```python\n(.*?)```", README, flags=re.S)
SERVER = "http://127.0.0.1:8000"
MODEL = "http://127.0.0.1:8001/v1"  # README examples' model endpoint: a scripted stub here
CURL = [block for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S) if "curl" in block]


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=tmp_path)


GENERIC = [b for b in PYTHON if "synthesize_environment" not in b]  # that one needs a recorded LLM


@pytest.mark.parametrize("code", GENERIC, ids=[f"python{i}" for i in range(len(GENERIC))])
def test_readme_python_example_runs(code: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if SERVER in code:
        code = code.replace(SERVER, request.getfixturevalue("server").url)
    with contextlib.ExitStack() as stack:
        if MODEL in code:
            stub = stack.enter_context(StubModel(registry.get("todo").tasks()))
            code = code.replace(MODEL, stub.url)
        result = _run_script(code, tmp_path)
    assert result.returncode == 0, result.stderr


def test_sdk_examples_print_what_they_say(server, tmp_path: Path) -> None:
    client_code = next(b for b in PYTHON if "what_if" in b).replace(SERVER, server.url)
    lines = _run_script(client_code, tmp_path).stdout.splitlines()
    assert "find_items" in lines[0] and lines[1] == "1.0"
    with StubModel(registry.get("todo").tasks()) as stub:
        agent_code = next(b for b in PYTHON if "run_episode(model" in b)
        out = _run_script(agent_code.replace(SERVER, server.url).replace(MODEL, stub.url), tmp_path).stdout
    assert out.startswith("1.0 {'state': 1.0, 'outputs': 1.0, 'trace': 1.0, 'penalties': 0.0} answered")


def _run_script(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "example.py"
    script.write_text(code)
    return run([sys.executable, str(script)], tmp_path)


def test_authoring_example_shows_a_refusal_and_an_argument_error(tmp_path: Path) -> None:
    code = next(b for b in PYTHON if "class RoomsEnv" in b)
    script = tmp_path / "rooms.py"
    script.write_text(code)
    lines = run([sys.executable, str(script)], tmp_path).stdout.splitlines()
    assert lines[0].startswith('{"booked_by":"Ada"')
    assert "already booked by Ada" in lines[1]
    assert "missing required parameter 'person'" in lines[2]
    assert "'name': 'book_room'" in lines[3]


def test_mcp_example_lists_tools_and_finds_the_item(server, tmp_path: Path) -> None:
    code = next(b for b in PYTHON if "streamable_http_client" in b).replace(SERVER, server.url)
    script = tmp_path / "mcp_example.py"
    script.write_text(code)
    out = run([sys.executable, str(script)], tmp_path).stdout.splitlines()
    assert "complete_item" in out[0] and json.loads(out[1])[0]["id"] == "T102"


@pytest.mark.parametrize("script", CURL, ids=[f"curl{i}" for i in range(len(CURL))])
def test_readme_curl_example_runs_against_a_live_server(script: str, server, tmp_path: Path) -> None:
    result = run(["bash", "-euo", "pipefail", "-c", script.replace(SERVER, server.url)], tmp_path)
    assert result.returncode == 0, result.stderr
    if "/evaluate" in script:
        assert '"reward":1.0' in result.stdout.replace(" ", "")
    else:
        assert result.stdout.strip() == re.search(r"# -> (\S+ \S+)", script).group(1)


def test_readme_mcp_configuration_is_what_the_server_loads(tmp_path: Path) -> None:
    from envfactory.environments import load_mcp_config

    block = next(b for b in re.findall(r"```json\n(.*?)```", README, flags=re.S) if "mcpServers" in b)
    (tmp_path / "mcp.json").write_text(block)
    (config,) = load_mcp_config(tmp_path / "mcp.json")
    assert config.argv() == ["/opt/venvs/inventory/bin/python", "inventory_server.py"]
    assert config.tasks == str(tmp_path / "inventory_tasks.jsonl") and config.env == {"SHOP": "north"}


def test_synthesis_example_writes_a_verified_environment(tmp_path: Path) -> None:
    from tests.factory.llm_stub import LLMStub

    code = next(b for b in PYTHON if "synthesize_environment" in b)
    shutil.copy(REPO / "tests/factory/recorded/notes.json", tmp_path / "notes.json")
    with LLMStub([(REPO / "tests/factory/recorded/notes_answer.md").read_text()]) as stub:
        out = _run_script(code.replace(MODEL, stub.url), tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["verified=True after 1 round(s), 69 checks passed", "6 tools, 4 tasks"]
