"""The probe: a short-lived child process that imports a candidate environment module and says
what it is, so that nothing synthesized ever runs in the caller's process.

    python -m envfactory.factory.verify_probe MODULE.py --out RESULT.json [--explain CALLS.json]
        [--memory-mb N]

It imports the module, finds the one Environment subclass it defines, builds the seed database
and writes `{ok: true, class, name, domain, description, tools, tables}` (tables: seeded row
counts) to `--out`; on failure `{ok: false, stage, error}` with the traceback lines that point
into the module (`stage`: import, seed or explain). The worker processes of the process host
cannot tell us this: they die before their socket opens, with the traceback on their stderr.

With `--explain`, it also replays call sequences (`[{setup, tool, arguments}]`) and returns the
traceback of each final call that crashed, because a worker only reports the exception's
message and a repair needs the line that raised it.

The parent side is `run_probe`: a fresh interpreter per probe, an address-space limit, a wall
clock timeout, and a result file rather than stdout (module code may print).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TAIL = 4000  # characters of stderr kept when the probe dies without a result


@dataclass
class ProbeResult:
    """What the probe found: a description of the environment, or why it could not say."""

    ok: bool
    stage: str = ""
    error: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    tracebacks: list[str | None] = field(default_factory=list)


def run_probe(
    module: Path,
    *,
    timeout_s: float,
    memory_mb: int,
    explain: Sequence[dict[str, Any]] = (),
    call_timeout_s: float = 5.0,
) -> ProbeResult:
    """Run the probe on `module` in a fresh interpreter; never raises for what the module does."""
    with tempfile.TemporaryDirectory(prefix="envfactory-probe-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "envfactory.factory.verify_probe", str(module), "--out", str(out)]
        command += ["--memory-mb", str(memory_mb), "--call-timeout", str(call_timeout_s)]
        if explain:
            calls = Path(tmp) / "explain.json"
            calls.write_text(json.dumps(list(explain)), encoding="utf-8")
            command += ["--explain", str(calls)]
        try:
            proc = subprocess.run(
                command, capture_output=True, timeout=timeout_s, stdin=subprocess.DEVNULL, cwd=tmp
            )
        except subprocess.TimeoutExpired:
            return ProbeResult(
                ok=False,
                stage="import",
                error=f"importing the module and building its seed data took over {timeout_s:g} s "
                "(an endless loop at module level or in seed_data?)",
            )
        if not out.exists():
            reason = f"exited with status {proc.returncode}"
            if proc.returncode < 0:
                reason = f"was killed by signal {-proc.returncode}"
            stderr = proc.stderr.decode(errors="replace")[-_TAIL:]
            return ProbeResult(
                ok=False, stage="import", error=f"the process importing the module {reason}\n{stderr}"
            )
        data = json.loads(out.read_text(encoding="utf-8"))
    if not data["ok"]:
        return ProbeResult(ok=False, stage=data["stage"], error=data["error"])
    return ProbeResult(ok=True, info=data["info"], tracebacks=data.get("tracebacks", []))


# ---------------------------------------------------------------------- the child process
def describe_failure(exc: BaseException, module: Path) -> str:
    """The exception with only the stack frames inside the candidate module (the framework's
    frames say nothing a repair can act on); a syntax error with its line."""
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} (line {exc.lineno}: {(exc.text or '').strip()!r})"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == module]
    lines = [f"  line {f.lineno}, in {f.name}: {f.line}" for f in frames]
    message = "".join(traceback.format_exception_only(exc)).strip()
    return "\n".join([*lines, message]) if lines else message


def _find_class(module_file: Path) -> Any:
    from envfactory.environments import Environment
    from envfactory.environments.registry import load_module_file

    loaded = load_module_file(module_file)
    found = [
        obj
        for obj in vars(loaded).values()
        if isinstance(obj, type)
        and issubclass(obj, Environment)
        and obj.__module__ == loaded.__name__
        and getattr(obj, "tools", None)
    ]
    if len(found) != 1:
        names = ", ".join(c.__name__ for c in found) or "none"
        raise LookupError(
            f"the module must define exactly one Environment subclass with tools; it defines: {names}"
        )
    return found[0]


def _describe(cls: Any) -> dict[str, Any]:
    env = cls.create()
    try:
        tables = env.export_tables()
    finally:
        env.close()
    return {
        "class": cls.__name__,
        "name": cls.name,
        "domain": cls.domain,
        "description": cls.description,
        "tools": [
            {"name": s.name, "write": s.write, "description": s.description, "parameters": s.parameters}
            for s in cls.tools.values()
        ],
        "tables": {name: len(rows) for name, rows in tables.items() if not name.startswith("_")},
    }


def _explain(cls: Any, sequences: list[dict[str, Any]], module: Path, timeout: float) -> list[str | None]:
    """Tracebacks of crashing calls. The environment turns a crash into a tool message inside
    `call`; to see the stack we wrap the one hook every crash passes through. Each call runs under
    the verification's call timeout, so a sequence that hangs here just has no traceback."""
    from envfactory.environments import CallTimeout

    caught: list[BaseException] = []
    original = cls._crash

    def recording(self: Any, name: str, exc: Exception) -> Any:
        caught.append(exc)
        return original(self, name, exc)

    cls._crash = recording
    found: list[str | None] = []
    for sequence in sequences:
        env = cls.create()
        try:
            for step in sequence.get("setup", []):
                env.call(step["name"], step.get("arguments", {}), timeout=timeout)
            caught.clear()
            result = env.call(sequence["tool"], sequence.get("arguments", {}), timeout=timeout)
            found.append(describe_failure(caught[-1], module) if caught and not result.ok else None)
        except CallTimeout:
            found.append(None)
        env.close()
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--explain", type=Path)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--call-timeout", type=float, default=5.0, help="per call, with --explain")
    args = parser.parse_args(argv)
    limit = args.memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
    module = args.module.resolve()
    stage = "import"
    try:
        cls = _find_class(module)
        stage = "seed"
        answer: dict[str, Any] = {"ok": True, "info": _describe(cls)}
        if args.explain:
            stage = "explain"
            sequences = json.loads(args.explain.read_text(encoding="utf-8"))
            answer["tracebacks"] = _explain(cls, sequences, module, args.call_timeout)
    except (Exception, SystemExit) as exc:  # top-level handler: whatever foreign code raises is the answer
        answer = {"ok": False, "stage": stage, "error": describe_failure(exc, module)}
    args.out.write_text(json.dumps(answer, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
