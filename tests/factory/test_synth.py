"""LLM environment synthesis against a recorded-response LLM stub: a good environment is verified,
written to the catalog, loads by name and solves its tasks; broken ones are rejected with the
failing check named; a repair round is accepted; hostile code is contained by the process host."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from envfactory.environments import Registry, evaluate, registry
from envfactory.environments.conformance import final_answer
from envfactory.environments.errors import DefinitionError
from envfactory.environments.registry import import_environment
from envfactory.factory.llm import LLM, LLMError
from envfactory.factory.synth import (
    SourceError,
    SynthesisResult,
    check_name,
    detect_source_kind,
    load_source,
    parse_answer,
    parse_manifest,
    synthesize_environment,
)
from envfactory.factory.verify import Check, VerifyLimits, manifest_checks, static_checks
from tests.conftest import REPO
from tests.factory.llm_stub import LLMStub, Rule, last_user_message

RECORDED = Path(__file__).parent / "recorded"
MANIFEST = RECORDED / "notes.json"
DOCS = RECORDED / "notes_api.md"
GOOD = (RECORDED / "notes_answer.md").read_text(encoding="utf-8")
LIMITS = VerifyLimits(call_timeout_s=10, memory_mb=1024)  # generous: CI machines are busy


def variant(*edits: tuple[str, str]) -> str:
    """The good answer with some code replaced, as a flawed LLM answer."""
    text = GOOD
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


NO_NONE_CHECK = (
    """        note = self.db.get(Note, note_id)
        if note is None:
            raise ToolError(f"No note with id {note_id!r}.")
        return note""",
    """        return self.db.get(Note, note_id)""",
)
CRASH_ON_VALID = ("select(Folder.name, active)", "select(Folder.name, Folder.note_count)")
GLOBAL_COUNTER = (
    'id=self.new_id("N", 6), folder_id',
    'id=f"N{next(_IDS):04d}", folder_id',
)
COUNTER_DEF = ("MAX_TITLE = 120", "MAX_TITLE = 120\n_IDS = itertools.count(100)")
COUNTER_IMPORT = (
    "from sqlalchemy import ForeignKey",
    "import itertools\n\nfrom sqlalchemy import ForeignKey",
)
SYNTAX_ERROR = ("    def list_folders(self) -> list[dict]:", "    def list_folders(self) -> list[dict]")
ARCHIVE_CHECK = (
    "        note = self._note(note_id)\n"
    "        if note.archived:\n"
    '            raise ToolError(f"Note {note_id} is already'
)
HOSTILE = (
    ("from sqlalchemy import ForeignKey", "import os\n\nfrom sqlalchemy import ForeignKey"),
    (
        '        """List the note folders with how many active notes each holds."""\n',
        '        """List the note folders with how many active notes each holds."""\n        os._exit(3)\n',
    ),
    (ARCHIVE_CHECK, "        while True:\n            pass\n" + ARCHIVE_CHECK),
)


Catalog = tuple[Path, SynthesisResult, LLMStub]


def synthesize(
    out: Path, script: list[str], source: Path = MANIFEST, **options: Any
) -> tuple[SynthesisResult, LLMStub]:
    with LLMStub(script) as stub:
        llm = LLM(base_url=stub.url, model="recorded")
        result = synthesize_environment(source, llm, out, **{"limits": LIMITS, **options})
    return result, stub


def failing(result: SynthesisResult) -> set[str]:
    return {c.check for c in result.report.failures}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    out = tmp_path_factory.mktemp("catalog")
    result, stub = synthesize(out, [GOOD])
    return out, result, stub


# ---------------------------------------------------------------------- end to end
def test_a_good_environment_from_an_mcp_manifest_is_verified_and_written_to_the_catalog(
    catalog: Catalog,
) -> None:
    out, result, stub = catalog
    assert result.verified and len(result.rounds) == 1 and result.path == out / "notes"
    files = {p.name for p in result.path.iterdir()}
    assert files == {
        "environment.py",
        "tasks.jsonl",
        "policy.md",
        "scenarios.json",
        "source.json",
        "verification.json",
    }
    report = json.loads((result.path / "verification.json").read_text())
    assert report["verified"] and report["round"] == 1 and report["source"]["kind"] == "mcp"
    assert report["report"]["failed"] == 0 and report["report"]["passed"] == report["report"]["total"]
    checks = {c["check"] for c in report["report"]["checks"]}
    assert {"import", "manifest", "case", "robustness", "determinism", "round_trip", "solution"} <= checks
    (request,) = stub.requests
    system, user = request["messages"]
    assert "Authoring guide" in system["content"] and "class TodoEnv(Environment)" in system["content"]
    assert '"name": "archive_note"' in user["content"] and "name = 'notes'" in user["content"]


def test_a_written_environment_loads_by_name_and_solves_its_tasks(catalog: Catalog) -> None:
    out, _, _ = catalog
    local = Registry(load_entry_points=False)
    assert local.add_directory(out) == ["notes"]
    env_cls = local.get("notes")
    assert env_cls.policy().startswith("You help one person keep their notes")
    tasks = local.tasks("notes")
    assert sorted(tasks) == ["notes-001", "notes-002", "notes-003", "notes-004"]
    for task in tasks.values():
        with env_cls.for_task(task) as session:
            for call in task.solution:
                assert session.call(call.name, call.arguments).ok
            assert evaluate(session, task, final_answer(task)).total == 1.0
    assert import_environment(f"{out}/notes/environment.py:NotesEnv") is env_cls


def test_a_written_environment_is_served_by_name_on_the_process_host(
    catalog: Catalog, make_server: Any
) -> None:
    out, _, _ = catalog
    server = make_server(
        ENVFACTORY_EXTRA_ENVS=f"{out}/notes/environment.py:NotesEnv", ENVFACTORY_HOSTS="notes=process"
    )
    with httpx.Client(base_url=server.url, timeout=60) as client:
        sid = client.post("/v1/sessions", json={"env": "notes", "task_id": "notes-003"}).json()["id"]
        calls = [
            {"id": "c1", "function": {"name": "search_notes", "arguments": {"query": "wifi"}}},
            {"id": "c2", "function": {"name": "get_note", "arguments": {"note_id": "N006"}}},
        ]
        messages = client.post(f"/v1/sessions/{sid}/tool_calls", json={"tool_calls": calls}).json()[
            "messages"
        ]
        assert "maple-7731" in messages[1]["content"]
        graded = client.post(f"/v1/sessions/{sid}/evaluate", json={"final_response": "It is maple-7731."})
        assert graded.json()["reward"] == 1.0


def test_documentation_is_synthesized_without_manifest_checks(tmp_path: Path) -> None:
    result, stub = synthesize(tmp_path, [GOOD], source=DOCS, name="notes")
    assert result.verified and (tmp_path / "notes" / "source.md").exists()
    assert "manifest" not in {c.check for c in result.report.checks}
    assert "Archiving twice is an error" in last_user_message(stub.requests[0])


@pytest.mark.parametrize(
    ("answer", "check", "says"),
    [
        (
            variant(COUNTER_IMPORT, COUNTER_DEF, GLOBAL_COUNTER),
            "determinism",
            "differently in two identical runs",
        ),
        (variant(SYNTAX_ERROR), "syntax", "SyntaxError"),
    ],
    ids=["nondeterministic-ids", "syntax-error"],
)
def test_a_broken_environment_is_rejected_with_the_failing_check_named(
    tmp_path: Path, answer: str, check: str, says: str
) -> None:
    result, _ = synthesize(tmp_path, [answer], max_rounds=1)
    assert not result.verified and not (tmp_path / "notes").exists()
    assert check in failing(result)
    assert any(says in c.detail for c in result.report.failures if c.check == check)


def test_a_tool_that_crashes_on_valid_input_is_rejected_with_the_line_that_raised(tmp_path: Path) -> None:
    result, _ = synthesize(tmp_path, [variant(CRASH_ON_VALID)], max_rounds=1)
    assert not result.verified and not (tmp_path / "notes").exists()
    crash = next(
        c for c in result.report.failures if c.check == "case" and c.subject.endswith("list_folders)")
    )
    assert crash.detail.startswith(
        "list_folders() crashed instead of answering: Error: list_folders failed unexpectedly"
    )
    assert "note_count" in crash.evidence["traceback"] and "in list_folders" in crash.evidence["traceback"]


def test_a_repair_round_that_returns_fixed_code_is_accepted(tmp_path: Path) -> None:
    result, stub = synthesize(tmp_path, [variant(NO_NONE_CHECK), GOOD])
    assert result.verified and [r.verified for r in result.rounds] == [False, True]
    report = json.loads((tmp_path / "notes" / "verification.json").read_text())
    assert report["round"] == 2 and not report["rounds"][0]["verified"]
    assert any(f["subject"] == "case 8 (invalid get_note)" for f in report["rounds"][0]["failures"])
    repair = stub.requests[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": variant(NO_NONE_CHECK)}
    evidence = repair[-1]["content"]
    assert "[case] case 8 (invalid get_note)" in evidence and "AttributeError" in evidence
    assert "[robustness] get_note(note_id='does-not-exist-0000')" in evidence and "traceback:" in evidence


def test_synthesis_stops_when_a_round_does_not_improve(tmp_path: Path) -> None:
    broken = variant(SYNTAX_ERROR)
    result, stub = synthesize(tmp_path, [broken, broken, GOOD], max_rounds=3)
    assert not result.verified and len(result.rounds) == 2 and len(stub.requests) == 2
    assert result.round == 1 and result.to_json()["round"] == 1  # the best round's report is kept
    assert not (tmp_path / "notes").exists() and result.module is not None


def _worker_children() -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"envfactory.server.worker" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_a_hostile_environment_is_contained_by_the_process_host(tmp_path: Path) -> None:
    limits = VerifyLimits(call_timeout_s=1.0, memory_mb=1024, max_worker_losses=2)
    result, _ = synthesize(tmp_path, [variant(*HOSTILE)], max_rounds=1, limits=limits)
    assert not result.verified and not (tmp_path / "notes").exists()
    details = [c.detail for c in result.report.failures]
    assert any("list_folders()" in d and "exited with status 3" in d for d in details)
    assert any("archive_note(" in d and "did not finish within 1 s" in d for d in details)
    assert any(c.check == "static" and "'os'" in c.detail for c in result.report.failures)
    assert "sandbox" in failing(result)  # two lost workers: the remaining checks were not run
    assert _worker_children() == []


# ---------------------------------------------------------------------- inputs and answers
def test_manifests_are_read_in_every_tools_list_shape_and_bad_ones_are_named() -> None:
    tools = json.loads(MANIFEST.read_text())["tools"]
    for shape in ({"tools": tools}, {"jsonrpc": "2.0", "id": 1, "result": {"tools": tools}}, tools):
        parsed = parse_manifest(shape)
        assert [t.name for t in parsed][:2] == ["list_folders", "search_notes"] and parsed[0].read_only
    with pytest.raises(SourceError, match="tool 1 needs a 'name'"):
        parse_manifest({"tools": [tools[0], {"description": "nameless"}]})
    with pytest.raises(SourceError, match=r"tool 0 needs a 'name' of 1-64 letters.*got 'notes\.search'"):
        parse_manifest([{"name": "notes.search"}])
    keyword_param = {"name": "send-mail", "inputSchema": {"type": "object", "properties": {"from": {}}}}
    with pytest.raises(SourceError, match=r"parameters \['from'\] that cannot be Python parameter names"):
        parse_manifest([keyword_param])
    with pytest.raises(SourceError, match="at least one tool"):
        parse_manifest({"tools": []})


def test_source_kinds_are_told_apart(tmp_path: Path) -> None:
    openapi_json = tmp_path / "api.json"
    openapi_json.write_text('{"openapi": "3.0.0", "paths": {}}')
    openapi_yaml = tmp_path / "api.yaml"
    openapi_yaml.write_text("openapi: 3.1.0\ninfo:\n  title: x\n")
    assert [detect_source_kind(p) for p in (MANIFEST, DOCS, openapi_json, openapi_yaml)] == [
        "mcp",
        "docs",
        "openapi",
        "openapi",
    ]
    with pytest.raises(SourceError, match="OpenAPI compiler"):
        load_source(openapi_yaml)
    broken = tmp_path / "tools.json"
    broken.write_text('{"tools": [')
    with pytest.raises(SourceError, match="not valid JSON"):
        load_source(broken)


def test_names_are_checked_before_any_llm_call(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="already an installed environment"):
        check_name("todo", tmp_path, overwrite=False)
    with pytest.raises(ValueError, match="snake_case"):
        check_name("Notes App", tmp_path, overwrite=False)
    (tmp_path / "notes").mkdir()
    with pytest.raises(FileExistsError, match="overwrite"):
        check_name("notes", tmp_path, overwrite=False)
    assert check_name("notes", tmp_path, overwrite=True) == "notes"


def test_unusable_answers_become_answer_checks() -> None:
    code_only = GOOD.split("```json")[0]
    assert [c.detail for c in parse_answer(code_only, "notes")] == [
        "the answer has no ```json block with policy, cases and tasks"
    ]
    bad_case = variant(
        ('"kind": "valid", "arguments": {}, "expect": "pass"', '"kind": "valid", "expect": "maybe"')
    )
    problems = parse_answer(bad_case, "notes")
    assert isinstance(problems, list) and "cases.0.expect" in problems[0].detail
    parsed = parse_answer(GOOD, "notes")
    assert not isinstance(parsed, list) and {t.env for t in parsed.scenarios.tasks} == {"notes"}


def test_static_checks_point_at_the_line() -> None:
    source = "import os\nfrom datetime import datetime\n\nx = datetime.now()\ny = open('f')\n"
    found = {(c.subject, c.detail.split(";")[0]) for c in static_checks(source)}
    assert found == {
        ("line 1", "imports 'os'"),
        ("line 4", "reads the wall clock (datetime.now())"),
        ("line 5", "calls open()"),
    }
    assert static_checks(parse_answer(GOOD, "notes").module) == [Check("static", True)]


def test_manifest_checks_name_each_mismatch() -> None:
    wanted = parse_manifest(json.loads(MANIFEST.read_text()))
    have = [
        {
            "name": "get_note",
            "write": True,
            "parameters": {
                "properties": {"note_id": {"type": "integer"}},
                "required": ["note_id", "verbose"],
            },
        },
    ]
    checks = {c.subject: c for c in manifest_checks(wanted, have)}
    assert "not implemented" in checks["archive_note"].detail
    detail = checks["get_note"].detail
    assert "'note_id' has type ['integer', 'number'], the manifest says ['string']" in detail
    assert "'verbose' is required" in detail and "read-only" in detail


# ---------------------------------------------------------------------- registry and stub
def test_registry_directories_skip_hidden_folders_and_check_names(tmp_path: Path, catalog: Catalog) -> None:
    out, _, _ = catalog
    other = tmp_path / "shelf"
    (other / ".notes.incoming").mkdir(parents=True)
    (other / "memo").mkdir()
    (other / "memo" / "environment.py").write_text((out / "notes" / "environment.py").read_text())
    local = Registry(load_entry_points=False)
    assert local.add_directory(other) == ["memo"]
    with pytest.raises(DefinitionError, match="no Environment subclass with name = 'memo'"):
        local.get("memo")
    with pytest.raises(DefinitionError, match="names no class"):
        import_environment(str(out / "notes" / "environment.py"))
    with pytest.raises(DefinitionError, match="already registered"):
        Registry().add_directory(REPO / "environments" / "catalog")
    assert "notes" not in registry  # tests use their own registries


def test_the_stub_answers_by_rule_then_in_order_and_refuses_when_empty() -> None:
    with LLMStub(["first", "second"], rules=[Rule("ping", "pong", times=1)]) as stub:
        llm = LLM(base_url=stub.url, model="recorded")

        def ask(text: str) -> str:
            return llm.complete([{"role": "user", "content": text}])

        assert ask("hello") == "first"
        assert ask("ping?") == "pong"
        assert ask("ping?") == "second"  # the rule is used up
        with pytest.raises(LLMError, match="no scripted reply left"):
            ask("more")
    assert [last_user_message(r) for r in stub.requests] == ["hello", "ping?", "ping?", "more"]
