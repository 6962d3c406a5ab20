"""LLM synthesis of environments from an MCP tool manifest or API documentation.

    result = synthesize_environment(Path("notes.json"), LLM.from_env(), Path("synth_catalog"))

One round: the LLM gets the interface, the authoring guide and the catalog's reference
environment (`prompts/`), and answers with the environment module and a JSON object (agent
policy, test cases, tasks). `verify.verify_environment` runs it in the process host. A round that
fails sends the failures (check, call, answer, traceback) back for repair; at most `max_rounds`
rounds, stopping early when a round does not pass more checks than the best one before it (the
paper's rule). Only a verified environment is written, as a catalog folder:

    <out_dir>/<name>/environment.py    the module, as verified
                     tasks.jsonl       its tasks (DESIGN §2 format)
                     policy.md         the agent's system message, when the LLM wrote one
                     scenarios.json    the test cases (re-run them with `reverify`)
                     source.json|.md   the manifest or documentation it was made from
                     verification.json the report: every check of the accepted round, and each round's summary

Such a folder loads by name with `registry.add_directory(out_dir)` (or `ENVFACTORY_EXTRA_ENVS` set
to `<out_dir>/<name>/environment.py:<Class>`). OpenAPI documents go to the deterministic compiler
instead (`detect_source_kind` tells them apart).
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from envfactory.environments import Task, dump_tasks, registry

from . import prompts
from .llm import LLM
from .verify import Check, ManifestTool, Scenarios, VerificationReport, VerifyLimits, verify_environment

SourceKind = Literal["mcp", "docs", "openapi"]
MAX_SOURCE_CHARS = 60_000  # documentation beyond this is cut (and the report says so)
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BLOCK = re.compile(r"```([A-Za-z0-9_+-]*)[ \t]*\n(.*?)```", re.DOTALL)


class SourceError(ValueError):
    """The input file is not an MCP manifest or documentation this module can use."""


@dataclass
class Source:
    path: Path
    kind: Literal["mcp", "docs"]
    text: str
    tools: list[ManifestTool] = field(default_factory=list)
    truncated: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def detect_source_kind(path: Path) -> SourceKind:
    """`openapi` for OpenAPI/Swagger documents (JSON or YAML), `mcp` for JSON (a `tools/list`
    manifest), `docs` for anything else (markdown or text documentation)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return "mcp" if path.suffix.lower() == ".json" else "docs"
        return "openapi" if isinstance(data, dict) and ("openapi" in data or "swagger" in data) else "mcp"
    if re.search(r"^(openapi|swagger)\s*:", text, re.MULTILINE):  # a YAML document's top-level key
        return "openapi"
    return "docs"


def load_source(path: Path) -> Source:
    """The manifest (validated) or documentation at `path`."""
    if not path.is_file():
        raise SourceError(f"{str(path)!r} is not a file; pass an MCP tools/list JSON or API documentation.")
    kind = detect_source_kind(path)
    if kind == "openapi":
        raise SourceError(f"{path} is an OpenAPI document; compile it with the OpenAPI compiler instead.")
    text = path.read_text(encoding="utf-8")
    if kind == "docs":
        if not text.strip():
            raise SourceError(f"{path} is empty.")
        if len(text) <= MAX_SOURCE_CHARS:
            return Source(path, "docs", text)
        cut = f"{text[:MAX_SOURCE_CHARS]}\n\n[the documentation is cut here: {len(text):,} characters in all]"
        return Source(path, "docs", cut, truncated=True)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    tools = parse_manifest(data, str(path))
    return Source(path, "mcp", json.dumps({"tools": [_manifest_json(t) for t in tools]}, indent=1), tools)


def parse_manifest(data: Any, where: str = "manifest") -> list[ManifestTool]:
    """Tools of an MCP `tools/list` result: `{"tools": [...]}`, a JSON-RPC response holding one, or
    a bare list of `{name, description, inputSchema, annotations?}`."""
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        data = data["result"]
    if isinstance(data, dict):
        data = data.get("tools")
    if not isinstance(data, list) or not data:
        raise SourceError(
            f"{where}: expected an MCP tools/list result ({{'tools': [...]}}) with at least one tool."
        )
    tools, seen = [], set()
    for i, raw in enumerate(data):
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str) or not _TOOL_NAME.fullmatch(name):
            raise SourceError(
                f"{where}: tool {i} needs a 'name' of 1-64 letters, digits, '_' or '-' "
                f"(what OpenAI-style function calling accepts), got {name!r}."
            )
        if name in seen:
            raise SourceError(f"{where}: tool {name!r} appears twice.")
        seen.add(name)
        schema = raw.get("inputSchema") or {"type": "object", "properties": {}}
        if not isinstance(schema, dict) or schema.get("type", "object") != "object":
            raise SourceError(f"{where}: tool {name!r} has an inputSchema that is not an object schema.")
        odd = [p for p in schema.get("properties", {}) if not p.isidentifier() or keyword.iskeyword(p)]
        if odd:
            raise SourceError(
                f"{where}: tool {name!r} has parameters {odd} that cannot be Python parameter names; "
                "environment tools derive their schema from the method signature."
            )
        annotations = raw.get("annotations") or {}
        tools.append(ManifestTool(name, raw.get("description", ""), schema, annotations.get("readOnlyHint")))
    return tools


def _manifest_json(tool: ManifestTool) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "inputSchema": tool.input_schema,
    }
    if tool.read_only is not None:
        shown["annotations"] = {"readOnlyHint": tool.read_only}
    return shown


def default_name(path: Path) -> str:
    """An environment name from a file name: `Notes-MCP.tools.json` → `notes_mcp`."""
    slug = re.sub(r"[^a-z0-9]+", "_", path.name.split(".")[0].lower()).strip("_")
    return slug if slug[:1].isalpha() else f"env_{slug}"


def check_name(name: str, out_dir: Path, overwrite: bool) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"environment name {name!r} must be lowercase snake_case (e.g. 'notes'), 2-48 characters."
        )
    if name in registry:
        raise ValueError(
            f"{name!r} is already an installed environment; pass another name (e.g. '{name}_synth')."
        )
    if (out_dir / name).exists() and not overwrite:
        raise FileExistsError(f"{out_dir / name} exists; pass overwrite=True (--overwrite) or another name.")
    return name


# ---------------------------------------------------------------------- answers
@dataclass
class Candidate:
    module: str
    scenarios: Scenarios


def parse_answer(answer: str, name: str) -> Candidate | list[Check]:
    """The module and the scenarios from an LLM answer, or the `answer` checks saying what is wrong."""
    blocks = [(tag.lower(), body) for tag, body in _BLOCK.findall(answer)]
    code = [b for t, b in blocks if t in ("python", "py", "python3")]
    data = [b for t, b in blocks if t == "json"]
    problems = []
    if not code:
        problems.append(Check("answer", False, "python", "the answer has no ```python block with the module"))
    if not data:
        problems.append(
            Check("answer", False, "json", "the answer has no ```json block with policy, cases and tasks")
        )
    if problems:
        return problems
    try:
        raw = json.loads(max(data, key=len))
    except json.JSONDecodeError as exc:
        return [Check("answer", False, "json", f"the ```json block is not valid JSON: {exc}")]
    if not isinstance(raw, dict):
        return [
            Check("answer", False, "json", "the ```json block must be an object with policy, cases, tasks")
        ]
    for i, task in enumerate(raw.get("tasks") or []):
        if isinstance(task, dict):
            task["env"] = name
            task.setdefault("id", f"{name}-{i + 1:03d}")
    try:
        scenarios = Scenarios.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Check("answer", False, "json", f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
            for e in exc.errors(include_url=False)[:20]
        ]
        return problems
    return Candidate(max(code, key=len), scenarios)


# ---------------------------------------------------------------------- rounds
@dataclass
class RoundRecord:
    round: int
    passed: int
    failed: int
    total: int
    verified: bool
    failures: list[dict[str, str]]
    duration_s: float


@dataclass
class SynthesisResult:
    """The outcome. `round`, `report`, `module` and `scenarios` are the accepted round's or, when
    nothing was verified, the best round's (most checks passed); `rounds` summarizes every round
    run; `path` is the catalog folder when verified."""

    name: str
    verified: bool
    round: int
    rounds: list[RoundRecord]
    report: VerificationReport
    source: Source
    model: str
    path: Path | None = None
    module: str | None = None
    scenarios: Scenarios | None = None

    def to_json(self) -> dict[str, Any]:
        """The report as `verification.json` holds it."""
        return {
            "env": self.name,
            "verified": self.verified,
            "round": self.round,
            "source": {
                "path": str(self.source.path),
                "kind": self.source.kind,
                "sha256": self.source.sha256,
                "tools": [t.name for t in self.source.tools],
                "truncated": self.source.truncated,
            },
            "model": self.model,
            "rounds": [asdict(r) for r in self.rounds],
            "report": self.report.to_json(),
        }


Progress = Callable[[str], None]


def synthesize_environment(
    source: Path,
    llm: LLM,
    out_dir: Path,
    max_rounds: int = 3,
    *,
    name: str | None = None,
    limits: VerifyLimits | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> SynthesisResult:
    """Synthesize, verify and (only when verified) write one environment; see the module docstring.
    `progress` receives one line per step (for a CLI status line). LLM failures raise `LLMError`."""
    if max_rounds < 1:
        raise ValueError(f"max_rounds must be at least 1, got {max_rounds}.")
    say = progress or (lambda _: None)
    src = load_source(source)
    name = check_name(name or default_name(source), out_dir, overwrite)
    first = prompts.author_messages(name, src.kind, src.text)
    messages, rounds, best = first, [], None
    with tempfile.TemporaryDirectory(prefix="envfactory-synth-") as work:
        for n in range(1, max_rounds + 1):
            say(f"round {n}/{max_rounds}: asking {llm.model} for the environment")
            answer = llm.complete(messages)
            say(f"round {n}/{max_rounds}: verifying in the process host")
            folder = Path(work) / f"round{n}" / name
            candidate, report = _attempt(answer, name, src, folder, limits)
            rounds.append(_record(n, report))
            say(f"round {n}/{max_rounds}: {report.passed}/{len(report.checks)} checks passed")
            result = SynthesisResult(name, report.verified, n, rounds, report, src, llm.model)
            if candidate is not None:
                result.module, result.scenarios = candidate.module, candidate.scenarios
            if report.verified:
                result.path = _publish(folder, result, out_dir / name)
                say(f"verified: written to {result.path}")
                return result
            if best is not None and report.passed <= best.report.passed:
                say(f"round {n} did not improve on {best.report.passed} passed checks; stopping")
                break
            best = result
            messages = prompts.repair_messages(
                first, answer, report.passed, len(report.checks), report.evidence()
            )
    assert best is not None
    return best


def _attempt(
    answer: str, name: str, src: Source, folder: Path, limits: VerifyLimits | None
) -> tuple[Candidate | None, VerificationReport]:
    parsed = parse_answer(answer, name)
    if isinstance(parsed, list):
        return None, VerificationReport(checks=parsed)
    write_candidate(parsed, folder, src)
    report = verify_environment(
        folder / "environment.py", parsed.scenarios, expected_name=name, manifest=src.tools, limits=limits
    )
    return parsed, report


def _record(n: int, report: VerificationReport) -> RoundRecord:
    failures = [{"check": c.check, "subject": c.subject, "detail": c.detail} for c in report.failures]
    return RoundRecord(
        n,
        report.passed,
        len(report.failures),
        len(report.checks),
        report.verified,
        failures,
        round(report.duration_s, 3),
    )


def write_candidate(candidate: Candidate, folder: Path, src: Source) -> None:
    """The catalog folder's files (all but the report), so what is verified is what gets written."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "environment.py").write_text(candidate.module, encoding="utf-8")
    dump_tasks(candidate.scenarios.tasks, folder / "tasks.jsonl")
    if candidate.scenarios.policy.strip():
        (folder / "policy.md").write_text(candidate.scenarios.policy.strip() + "\n", encoding="utf-8")
    cases = [c.model_dump(exclude_defaults=True) for c in candidate.scenarios.cases]
    (folder / "scenarios.json").write_text(json.dumps({"cases": cases}, indent=1) + "\n", encoding="utf-8")
    shutil.copyfile(src.path, folder / ("source.json" if src.kind == "mcp" else "source.md"))


def _publish(staged: Path, result: SynthesisResult, target: Path) -> Path:
    """Move the verified folder into the catalog in one rename (a reader never sees half of it)."""
    (staged / "verification.json").write_text(json.dumps(result.to_json(), indent=1) + "\n", encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.parent / f".{target.name}.incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(staged, incoming)
    if target.exists():
        retired = target.parent / f".{target.name}.old"
        shutil.rmtree(retired, ignore_errors=True)
        target.rename(retired)
        incoming.rename(target)
        shutil.rmtree(retired)
    else:
        incoming.rename(target)
    return target


def reverify(folder: Path, limits: VerifyLimits | None = None) -> VerificationReport:
    """Run verification again on a catalog folder written by `synthesize_environment`."""
    cases = json.loads((folder / "scenarios.json").read_text(encoding="utf-8"))["cases"]
    policy = folder / "policy.md"
    tasks = [t.model_dump() for t in _tasks(folder)]
    scenarios = Scenarios.model_validate(
        {
            "cases": cases,
            "tasks": tasks,
            "policy": policy.read_text(encoding="utf-8") if policy.exists() else "",
        }
    )
    manifest = folder / "source.json"
    tools = parse_manifest(json.loads(manifest.read_text(encoding="utf-8"))) if manifest.exists() else []
    return verify_environment(
        folder / "environment.py", scenarios, expected_name=folder.name, manifest=tools, limits=limits
    )


def _tasks(folder: Path) -> Sequence[Task]:
    from envfactory.environments import load_tasks

    return load_tasks(folder / "tasks.jsonl", env=folder.name)
