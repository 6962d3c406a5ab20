"""Verification of a compiled environment, and a JSON report per document.

What is checked:
- every tool on a **valid** call (grounded in the seed rows), a **boundary** call (constrained
  values at their limits) when it has constrained parameters, and **invalid** calls (an unknown
  parameter, a missing required one, a value breaking its enum / length / bound / type, an
  unknown id, an unknown reference), each on a fresh session: valid and boundary calls must
  succeed; invalid ones must fail with the right kind of error naming the parameter or the id,
  never with a crash;
- the conformance suite (`envfactory.environments.conformance`: schemas, tasks replay to 1.0,
  perturbed solutions score less, determinism, fork isolation, export/import, argument errors);
- **determinism** across builds: compiling the document a second time gives the same model, seed
  state, outputs and final state for the same calls;
- **export/import** round trip after every tool has run, and a **catalog round trip**
  (save to a folder, load it back: same tools, same seed state).
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from envfactory.environments.conformance import check_environment

from .calls import Caller
from .catalog import load_environment, save_environment
from .compile import compile_document, default_name
from .errors import CompileError
from .loader import read_document
from .runtime import OpenApiEnvironment

_MAX_FAILURES = 40
Check = dict[str, Any]


def verify_document(
    path: str | Path, *, seed: int = 0, name: str | None = None, domain: str = "openapi"
) -> tuple[type[OpenApiEnvironment] | None, dict[str, Any]]:
    """Compile and verify one document: (the class or None, the report)."""
    path = Path(path)
    report: dict[str, Any] = {"document": str(path), "compiled": False, "verified": False, "error": None}
    start = time.perf_counter()
    try:
        doc = read_document(path)
        report.update(title=doc.title, openapi=doc.version)
        env_cls = compile_document(doc, name=name or default_name(str(path)), domain=domain, seed=seed)
    except CompileError as exc:
        report["error"] = str(exc)
        report["seconds"] = {"compile": round(time.perf_counter() - start, 3)}
        return None, report
    compiled = time.perf_counter()
    report["compiled"] = True
    report.update(summary(env_cls))

    def rebuild() -> type[OpenApiEnvironment]:
        return compile_document(read_document(path), name=env_cls.name, domain=domain, seed=seed)

    checks = report["checks"] = verify_environment(env_cls, rebuild)
    report["verified"] = all(c["ok"] for c in checks.values())
    failures = [
        {"check": name, "detail": c["detail"]}
        for name, c in checks.items()
        if not c["ok"] and name != "calls"
    ]
    report["failures"] = (failures + checks["calls"]["failures"])[:_MAX_FAILURES]
    if not report["verified"]:
        report["error"] = _explain(env_cls, report)
    report["seconds"] = {
        "compile": round(compiled - start, 3),
        "verify": round(time.perf_counter() - compiled, 3),
    }
    return env_cls, report


def _explain(env_cls: type[OpenApiEnvironment], report: dict[str, Any]) -> str:
    """Why a compiled document did not verify, most telling reason first."""
    reasons = [f"{k}: {c['detail']}" for k, c in report["checks"].items() if not c["ok"]]
    if report["writes"] and not report["write_tasks"]:
        reasons.insert(
            0,
            "no task that writes could be generated: every write operation takes only object or array "
            "arguments (batch bodies), which the conformance suite cannot alter to check grading",
        )
    return "; ".join(reasons)


def summary(env_cls: type[OpenApiEnvironment]) -> dict[str, Any]:
    api = env_cls.api
    kinds: dict[str, int] = {}
    for op in api.operations:
        kinds[op.kind] = kinds.get(op.kind, 0) + 1
    seeded = env_cls.create().export_tables()
    return {
        "name": api.name,
        "tables": len(env_cls.sa_tables),
        "rows": sum(len(v) for k, v in seeded.items() if k != "_meta"),
        "tools": len(env_cls.tools),
        "tools_by_kind": dict(sorted(kinds.items())),
        "writes": sum(1 for op in api.operations if op.write),
        "tasks": len(env_cls.tasks()),
        "write_tasks": sum(any(env_cls.tools[c.name].write for c in t.solution) for t in env_cls.tasks()),
        "warnings": api.warnings,
    }


def verify_environment(
    env_cls: type[OpenApiEnvironment], rebuild: Callable[[], type[OpenApiEnvironment]] | None = None
) -> dict[str, Check]:
    checks: dict[str, Check] = {"calls": check_calls(env_cls)}
    results = check_environment(env_cls)
    failed = [r for r in results if not r.ok]
    checks["conformance"] = {
        "ok": not failed,
        "passed": len(results) - len(failed),
        "total": len(results),
        "detail": "; ".join(f"{r.check}: {r.message}" for r in failed),
    }
    checks["export_import"] = check_round_trip(env_cls)
    checks["catalog"] = check_catalog(env_cls)
    if rebuild is not None:
        checks["determinism"] = check_determinism(env_cls, rebuild())
    return checks


# ----------------------------------------------------------------- tool calls
def check_calls(env_cls: type[OpenApiEnvironment]) -> Check:
    api = env_cls.api
    base = env_cls.create()
    caller = Caller(api, base.export_tables(), random.Random(f"verify|{api.name}"), base.now().date())
    counts = {case: [0, 0] for case in ("valid", "boundary", "invalid")}
    failures: list[dict[str, Any]] = []
    skipped = []

    def record(case: str, tool: str, ok: bool, detail: str) -> None:
        counts[case][1] += 1
        counts[case][0] += ok
        if not ok:
            failures.append({"tool": tool, "case": detail.split(":", 1)[0], "detail": detail})

    for op in api.operations:
        args = caller.valid(op)
        if args is None:
            skipped.append(op.tool)
            continue
        result = env_cls.create().call(op.tool, args)
        record("valid", op.tool, result.ok, f"valid: {args} -> {result.content[:300]}")
        edge = caller.boundary(op, caller.valid(op, full=True) or args)
        if edge is not None:
            result = env_cls.create().call(op.tool, edge)
            record("boundary", op.tool, result.ok, f"boundary: {edge} -> {result.content[:300]}")
        for bad in caller.invalid(op, args):
            result = env_cls.create().call(op.tool, bad.arguments)
            ok = not result.ok and result.error_kind == bad.kind and bad.mentions in (result.error or "")
            record("invalid", op.tool, ok, f"{bad.case}: {bad.arguments} -> {result.content[:300]}")
    detail = "; ".join(f"{f['tool']} {f['detail'][:200]}" for f in failures[:5])
    return {
        "ok": not failures,
        **{case: {"passed": p, "total": t} for case, (p, t) in counts.items()},
        "skipped": skipped,
        "detail": detail,
        "failures": failures[:_MAX_FAILURES],
    }


def _run_all(env_cls: type[OpenApiEnvironment]) -> tuple[OpenApiEnvironment, list[str]]:
    """One session through a valid call of every tool, in order."""
    env = env_cls.create()
    caller = Caller(
        env_cls.api, env.export_tables(), random.Random(f"sequence|{env_cls.api.name}"), env.now().date()
    )
    outputs = []
    for op in env_cls.api.operations:
        args = caller.valid(op)
        if args is not None:
            outputs.append(env.call(op.tool, args).content)
            if op.write:
                caller.tables = env.export_tables()
    return env, outputs


def check_round_trip(env_cls: type[OpenApiEnvironment]) -> Check:
    env, _ = _run_all(env_cls)
    exported = env.export_state()
    copy = env_cls.from_state(exported)
    fresh = env_cls.create()
    fresh.import_state(exported)
    ok = copy.export_state() == exported and fresh.state_hash() == env.state_hash()
    return {"ok": ok, "detail": "" if ok else "state after import differs from the exported state"}


def check_catalog(env_cls: type[OpenApiEnvironment]) -> Check:
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_environment(save_environment(env_cls, tmp))
    same_tools = loaded.openai_tools() == env_cls.openai_tools()
    same_state = loaded.create().state_hash() == env_cls.create().state_hash()
    same_tasks = [t.to_json() for t in loaded.tasks()] == [t.to_json() for t in env_cls.tasks()]
    ok = same_tools and same_state and same_tasks
    what = [
        n
        for n, good in (("tools", same_tools), ("seed state", same_state), ("tasks", same_tasks))
        if not good
    ]
    return {"ok": ok, "detail": "" if ok else f"saved and loaded again, the {', '.join(what)} differ"}


def check_determinism(first: type[OpenApiEnvironment], second: type[OpenApiEnvironment]) -> Check:
    problems = []
    if first.api.model_dump() != second.api.model_dump():
        problems.append("two builds give different models")
    if first.create().state_hash() != second.create().state_hash():
        problems.append("two builds give different seed states")
    env1, out1 = _run_all(first)
    env2, out2 = _run_all(second)
    if out1 != out2:
        problems.append("the same calls give different outputs")
    if env1.state_hash() != env2.state_hash():
        problems.append("the same calls give different final states")
    if [t.to_json() for t in first.tasks()] != [t.to_json() for t in second.tasks()]:
        problems.append("two builds give different tasks")
    return {"ok": not problems, "detail": "; ".join(problems)}
