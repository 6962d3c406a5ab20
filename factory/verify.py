"""Verification of a synthesized environment: the gate between what an LLM wrote and the catalog.

`verify_environment(module, scenarios)` runs, in order (a stage that fails early blocks the
stages that need it, like the paper's `load_scenario` check):

- `syntax`, `static`: the module parses; it imports only what environments need (no os, sockets,
  files, random, uuid, time); no wall clock (`datetime.now()`), no `open`/`eval`/`exec`.
- `import`, `seed`: it imports in a child process (`verify_probe`) and defines one Environment
  subclass; `seed_data` fills at least one row.
- `name`: the class's `name` is the one the catalog folder will have.
- `manifest` (MCP input): every manifest tool exists, with its parameters, compatible types,
  required-ness and read-only hint.
- `coverage`: every tool has a valid case (expected to pass) and an invalid one (expected to fail);
  cases and tasks name real tools; there is a task.
- `case` (in the process host, as all below): each case, in a fresh session, passes or fails as
  expected; never a crash or a hang.
- `robustness`: every tool with each parameter set to edge values (empty, negative, huge, unknown
  id, far dates) answers or gives a tool error; never a crash or a hang.
- `determinism`: the passing cases' calls, replayed in two worker processes, give the same answers
  and the same state.
- `round_trip`: exporting the state and importing it into a fresh session gives the same state.
- `fork_isolation`: a fork does not see its parent's later writes.
- `solution`: each task's solution succeeds call by call, changes the state when it writes, and
  scores 1.0.

Boundary inputs are covered twice: by the LLM's own boundary cases, and mechanically by
`robustness` for every parameter of every tool, whatever the LLM thought of. Crashes come back
with the traceback lines inside the module (the probe re-runs them), so a repair has the line.
"""

from __future__ import annotations

import ast
import asyncio
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from envfactory.environments import SolutionCall, Task

from .verify_probe import ProbeResult, run_probe


class Case(BaseModel):
    """One test call written with the environment: `expect` pass (a result) or error (a tool error)."""

    model_config = ConfigDict(extra="forbid")

    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    kind: Literal["valid", "boundary", "invalid"]
    expect: Literal["pass", "error"]
    setup: list[SolutionCall] = Field(default_factory=list, description="calls run first, each must succeed")
    note: str = ""


class Scenarios(BaseModel):
    """What the LLM writes beside the code: the agent policy, test cases and tasks."""

    model_config = ConfigDict(extra="forbid")

    policy: str = ""
    cases: list[Case]
    tasks: list[Task]


@dataclass(frozen=True)
class ManifestTool:
    """A tool as an MCP server's `tools/list` describes it."""

    name: str
    description: str = ""
    input_schema: dict[str, Any] = field(default_factory=dict)
    read_only: bool | None = None


@dataclass
class VerifyLimits:
    call_timeout_s: float = 5.0  # per tool call; past it the worker is killed
    probe_timeout_s: float = 60.0  # import + seed in the probe process
    memory_mb: int = 2048  # address-space limit of probe and worker processes
    max_worker_losses: int = 3  # hangs/crashes tolerated before the remaining checks are skipped
    max_explained: int = 6  # crashes re-run in the probe for their traceback


@dataclass
class Check:
    check: str
    ok: bool
    subject: str = ""
    detail: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class VerificationReport:
    checks: list[Check]
    env: str | None = None
    class_name: str | None = None
    tools: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def passed(self) -> int:
        return sum(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def verified(self) -> bool:
        stages = {c.check for c in self.checks}
        return not self.failures and {"case", "solution", "determinism", "round_trip"} <= stages

    def to_json(self) -> dict[str, Any]:
        return {
            "env": self.env,
            "class": self.class_name,
            "verified": self.verified,
            "passed": self.passed,
            "failed": len(self.failures),
            "total": len(self.checks),
            "tools": self.tools,
            "duration_s": round(self.duration_s, 3),
            "checks": [asdict(c) for c in self.checks],
        }

    def evidence(self, max_chars: int = 12_000) -> str:
        """The failures as a repair prompt reads them: check, subject, what happened, traceback."""
        parts = []
        for n, check in enumerate(self.failures, 1):
            lines = [f"{n}. [{check.check}] {check.subject}".rstrip(), f"   {check.detail}"]
            if check.evidence.get("traceback"):
                lines.append("   traceback:\n" + _indent(check.evidence["traceback"], 6))
            parts.append("\n".join(lines))
        text = "\n".join(parts)
        if len(text) > max_chars:
            text = text[:max_chars] + f"\n… ({len(self.failures)} failures in all; fix the ones above first)"
        return text


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())


# ---------------------------------------------------------------------- static checks
ALLOWED_IMPORTS = [
    "__future__",
    "typing",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "math",
    "re",
    "json",
    "collections",
    "itertools",
    "functools",
    "string",
    "textwrap",
    "statistics",
    "operator",
    "fractions",
    "calendar",
    "zoneinfo",
    "sqlalchemy",
    "pydantic",
    "envfactory.environments",
]
_BANNED_CALLS = {"open", "eval", "exec", "compile", "__import__", "input", "breakpoint", "exit", "quit"}
_WALL_CLOCK = {"now", "utcnow", "today", "fromtimestamp"}


def _allowed(module: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in ALLOWED_IMPORTS)


def static_checks(source: str) -> list[Check]:
    """What can be seen without running the code. Not a sandbox (the process host is): these catch
    nondeterminism and out-of-bounds access early, with the line to fix."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        where = f"line {exc.lineno}"
        return [
            Check("syntax", False, where, f"SyntaxError: {exc.msg} ({where}: {(exc.text or '').strip()!r})")
        ]
    problems = []
    for node in ast.walk(tree):
        line = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and node.level:
            problems.append(
                Check("static", False, line, "relative import: the module must be self-contained")
            )
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module or ""]
        for module in modules:
            if not _allowed(module):
                detail = f"imports {module!r}; environments may import only {', '.join(ALLOWED_IMPORTS)}"
                problems.append(Check("static", False, line, detail))
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _BANNED_CALLS:
                problems.append(
                    Check("static", False, line, f"calls {func.id}(); tools only use the database")
                )
            if isinstance(func, ast.Attribute) and func.attr in _WALL_CLOCK and _names_date_class(func.value):
                detail = f"reads the wall clock ({ast.unparse(func)}()); use self.now() or self.today()"
                problems.append(Check("static", False, line, detail))
    return problems or [Check("static", True)]


def _names_date_class(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in {"datetime", "date"}
    return isinstance(node, ast.Attribute) and node.attr in {"datetime", "date"}


# ---------------------------------------------------------------------- manifest and coverage
def _types(schema: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for part in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        kind = part.get("type")
        found |= set(kind) if isinstance(kind, list) else {kind} if kind else set()
    found.discard("null")
    return found | ({"number"} if "integer" in found else set())


def manifest_checks(manifest: Sequence[ManifestTool], tools: Sequence[dict[str, Any]]) -> list[Check]:
    """Each manifest tool is implemented with the interface the manifest promises agents."""
    by_name = {t["name"]: t for t in tools}
    checks = []
    for wanted in manifest:
        have = by_name.get(wanted.name)
        if have is None:
            detail = f"the manifest's tool {wanted.name!r} is not implemented (tools: {', '.join(by_name)})"
            checks.append(Check("manifest", False, wanted.name, detail))
            continue
        props = wanted.input_schema.get("properties", {})
        required = set(wanted.input_schema.get("required", []))
        have_props = have["parameters"].get("properties", {})
        have_required = set(have["parameters"].get("required", []))
        problems = [f"parameter {p!r} is missing" for p in props if p not in have_props]
        problems += [
            f"parameter {p!r} is required but optional in the manifest" for p in have_required - required
        ]
        for param, schema in props.items():
            want, got = _types(schema), _types(have_props.get(param, {}))
            if want and got and not want & got:
                problems.append(
                    f"parameter {param!r} has type {sorted(got)}, the manifest says {sorted(want)}"
                )
        if wanted.read_only and have["write"]:
            problems.append("the manifest marks it read-only (readOnlyHint) but it is a write tool")
        checks.append(Check("manifest", not problems, wanted.name, "; ".join(problems)))
    return checks


def coverage_checks(scenarios: Scenarios, tools: Sequence[dict[str, Any]]) -> list[Check]:
    names = [t["name"] for t in tools]
    checks = []
    for name in names:
        valid = sum(c.tool == name and c.kind == "valid" and c.expect == "pass" for c in scenarios.cases)
        invalid = sum(c.tool == name and c.expect == "error" for c in scenarios.cases)
        missing = [
            what for what, n in (("valid (expect pass)", valid), ("invalid (expect error)", invalid)) if not n
        ]
        detail = f"no {' and no '.join(missing)} case for this tool" if missing else ""
        checks.append(Check("coverage", not missing, name, detail))
    for i, case in enumerate(scenarios.cases):
        calls = [case.tool, *(c.name for c in case.setup)]
        unknown = sorted(set(calls) - set(names))
        if unknown:
            checks.append(
                Check("coverage", False, f"case {i}", f"calls unknown tools {unknown} (tools: {names})")
            )
    for task in scenarios.tasks:
        unknown = sorted({c.name for c in task.solution} - set(names))
        if unknown:
            checks.append(Check("coverage", False, task.id, f"the solution calls unknown tools {unknown}"))
    if not scenarios.tasks:
        checks.append(Check("coverage", False, "tasks", "there are no tasks; write 3 to 5 with solutions"))
    return checks


# ---------------------------------------------------------------------- the whole run
def verify_environment(
    module: Path,
    scenarios: Scenarios,
    *,
    expected_name: str | None = None,
    manifest: Sequence[ManifestTool] = (),
    limits: VerifyLimits | None = None,
) -> VerificationReport:
    """Verify the environment module at `module` against `scenarios`; see the module docstring.
    Synchronous (it runs its own event loop); call it from a thread when inside one.

    The probe imports the module before any worker does: a module that hangs at import then
    costs one probe timeout, and no worker is left spinning in its import."""
    limits = limits or VerifyLimits()
    started = time.monotonic()
    report = VerificationReport(checks=static_checks(module.read_text(encoding="utf-8")))
    if report.checks[0].check != "syntax":
        probe = run_probe(module, timeout_s=limits.probe_timeout_s, memory_mb=limits.memory_mb)
        info = _record_probe(report, probe, expected_name)
        if info is not None:
            report.checks += manifest_checks(manifest, info["tools"])
            report.checks += coverage_checks(scenarios, info["tools"])
            report.checks += asyncio.run(_run_in_workers(module, info, scenarios, limits))
            _explain_crashes(module, report, limits)
    report.duration_s = time.monotonic() - started
    return report


async def _run_in_workers(
    module: Path, info: dict[str, Any], scenarios: Scenarios, limits: VerifyLimits
) -> list[Check]:
    from .verify_runtime import Sandbox, run_runtime_checks

    async with Sandbox(f"{module.resolve()}:{info['class']}", info["name"], limits) as sandbox:
        return await run_runtime_checks(sandbox, info["tools"], scenarios)


def _record_probe(report: VerificationReport, probe: ProbeResult, expected_name: str | None) -> dict | None:
    """The import, seed and name checks from the probe; its description when the module imported."""
    if not probe.ok:
        report.checks.append(Check("seed" if probe.stage == "seed" else "import", False, "", probe.error))
        return None
    info = probe.info
    report.env, report.class_name = info["name"], info["class"]
    report.tools = [t["name"] for t in info["tools"]]
    report.checks.append(Check("import", True, info["class"], f"{len(report.tools)} tools"))
    rows = sum(info["tables"].values())
    seeded = (
        f"{rows} rows in {info['tables']}"
        if rows
        else "seed_data() created no rows; cases and tasks need some"
    )
    report.checks.append(Check("seed", rows > 0, "", seeded))
    if expected_name is not None:
        ok = info["name"] == expected_name
        detail = "" if ok else f"the class sets name = {info['name']!r}; it must be {expected_name!r}"
        report.checks.append(Check("name", ok, info["name"], detail))
    return info


def _explain_crashes(module: Path, report: VerificationReport, limits: VerifyLimits) -> None:
    crashed = [c for c in report.failures if c.evidence.get("error_kind") == "internal_error"]
    crashed = crashed[: limits.max_explained]
    if not crashed:
        return
    sequences = [{k: c.evidence.get(k, []) for k in ("setup", "tool", "arguments")} for c in crashed]
    probe = run_probe(
        module,
        timeout_s=limits.probe_timeout_s,
        memory_mb=limits.memory_mb,
        explain=sequences,
        call_timeout_s=limits.call_timeout_s,
    )
    for check, trace in zip(crashed, probe.tracebacks, strict=False):
        if trace:
            check.evidence["traceback"] = trace
