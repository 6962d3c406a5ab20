"""The runtime half of verification: the candidate's tools run in worker processes of the server's
`process` host, never in this process.

Using the very host that will serve the environment means synthesized code is verified under the
limits it will live under (address-space limit, a call past its timeout kills the worker, a crash
fails one call). This is why the factory imports `envfactory.server` here, lazily: the process
host is the sandbox, and a second one would drift from it.

Two workers run side by side: the determinism check replays the same calls in both, so
process-level nondeterminism (string-hash order of sets, `id()`, global state) shows too. A
worker that hangs or dies is replaced, up to `VerifyLimits.max_worker_losses` times; after that
the remaining checks are reported as not run rather than burning more time.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from envfactory.environments import SolutionCall, Task
from envfactory.environments.conformance import final_answer

from .verify import Case, Check, Scenarios, VerifyLimits

if TYPE_CHECKING:
    from envfactory.server.hosts import ProcessHost, WorkerLink

Outcome = dict[str, Any]  # the worker's call result: {content, ok, error_kind}
State = dict[str, Any]  # an exported state: {table: rows, "_meta": {...}}
LOST_KINDS = frozenset({"timeout", "crash"})  # the worker is gone, and every session it held
CRASH_KINDS = LOST_KINDS | {"internal_error"}
_SHOWN = 600  # characters of a tool answer quoted in a check


class SandboxLost(Exception):
    """A worker died or hung during a request; `kind` is "timeout" or "crash"."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class SandboxRefused(Exception):
    """The worker answered, but could not serve the request (a state that does not fit, say)."""


class SandboxExhausted(Exception):
    """Workers were lost too often; the remaining checks are not run."""


class Sandbox:
    """Sessions of one candidate environment in workers of the process host."""

    def __init__(self, target: str, env: str, limits: VerifyLimits) -> None:
        from envfactory.server.hosts import ProcessHost
        from envfactory.server.settings import Settings

        settings = Settings(extra_envs=target, worker_memory_mb=limits.memory_mb, process_workers=2)
        self.host: ProcessHost = ProcessHost(settings)
        self.env = env
        self.limits = limits
        self.links: dict[int, WorkerLink] = {}
        self.homes: dict[str, WorkerLink] = {}  # session -> the worker that holds it
        self.losses: list[str] = []

    async def __aenter__(self) -> Sandbox:
        await asyncio.gather(*(self._link(slot) for slot in (0, 1)), return_exceptions=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for link in self.links.values():
            if not link.dead:
                await link.kill()
        await self.host.stop()

    async def _link(self, slot: int) -> WorkerLink:
        """The live worker of `slot`, started (again) when there is none."""
        from envfactory.server.hosts import WorkerGone

        link = self.links.get(slot)
        if link is not None and not link.dead:
            return link
        if len(self.losses) >= self.limits.max_worker_losses:
            raise SandboxExhausted("; ".join(self.losses))
        try:
            link = await self.host.spawn(f"verify-{slot}-{uuid.uuid4().hex[:6]}")
        except WorkerGone as gone:
            self.losses.append(f"a worker did not start ({gone.detail})")
            raise SandboxLost(gone.kind, gone.detail) from None
        self.links[slot] = link
        return link

    async def _ask(self, link: WorkerLink, op: str, timeout: float | None = None, **payload: Any) -> Any:
        from envfactory.server.hosts import WorkerError, WorkerGone

        try:
            return await link.request(op, timeout or self.host.admin_timeout_s, **payload)
        except WorkerGone as gone:
            self.losses.append(f"{op}: {gone.detail}")
            raise SandboxLost(gone.kind, gone.detail) from None
        except WorkerError as refused:
            raise SandboxRefused(str(refused)) from None

    def _home(self, session: str) -> WorkerLink:
        link = self.homes[session]
        if link.dead:
            raise SandboxLost("crash", "the session's worker process died during an earlier call")
        return link

    async def start(
        self, slot: int, seed: int | None = None, base_state: State | None = None, state: State | None = None
    ) -> str:
        """A new session on the worker of `slot` (0 or 1): the seed database, then `base_state`
        (a task's initial state), then `state` (an exported one) imported on top."""
        link = await self._link(slot)
        session = uuid.uuid4().hex
        payload = {"env": self.env, "seed": seed, "base_state": base_state, "state": state}
        await self._ask(link, "start", session=session, **payload)
        self.homes[session] = link
        return session

    async def request(self, session: str, op: str, **payload: Any) -> Any:
        """An `export`, `evaluate` or other request about one session."""
        return await self._ask(self._home(session), op, session=session, **payload)

    async def fork(self, session: str) -> str:
        child = uuid.uuid4().hex
        await self.request(session, "fork", child=child)
        self.homes[child] = self.homes[session]
        return child

    async def call(self, session: str, name: str, arguments: dict[str, Any]) -> Outcome:
        """One tool call; a hang or a crash of the worker is an outcome too (`error_kind` timeout
        or crash), as it is for an agent on the server."""
        timeout = self.limits.call_timeout_s
        try:
            link = self._home(session)
            return await self._ask(link, "call", timeout, session=session, name=name, arguments=arguments)
        except SandboxLost as lost:
            if lost.kind == "timeout":
                content = f"the call did not finish within {timeout:g} s and its worker was killed"
            else:
                content = f"the call crashed its worker process: {lost.detail}"
            return {"ok": False, "content": content, "error_kind": lost.kind}

    async def run(self, session: str, calls: Sequence[SolutionCall]) -> list[Outcome]:
        """The calls in order, up to the first that takes the session's worker down with it."""
        outcomes = []
        for call in calls:
            outcomes.append(await self.call(session, call.name, call.arguments))
            if outcomes[-1]["error_kind"] in LOST_KINDS:
                break
        return outcomes

    async def close(self, session: str) -> None:
        link = self.homes.pop(session)
        if not link.dead:
            with contextlib.suppress(SandboxLost, SandboxRefused):
                await self._ask(link, "close", session=session)


def render_call(name: str, arguments: dict[str, Any]) -> str:
    shown = {
        k: (f"{v[:20]}…({len(v)} chars)" if isinstance(v, str) and len(v) > 40 else v)
        for k, v in arguments.items()
    }
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def _quote(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"… ({len(text)} chars)"


# ---------------------------------------------------------------------- checks
def _evidence(tool: str, arguments: dict[str, Any], setup: Sequence[SolutionCall], outcome: Outcome) -> dict:
    """What a repair (and the traceback probe) needs to see a failed call again."""
    return {
        "tool": tool,
        "arguments": arguments,
        "setup": [c.model_dump() for c in setup],
        "error_kind": outcome["error_kind"],
        "got": _quote(outcome["content"]),
    }


def _judge(case: Case, outcome: Outcome) -> str:
    """Why the case's outcome is wrong, or "" when it is what the case expects."""
    call, got = render_call(case.tool, case.arguments), _quote(outcome["content"])
    if outcome["error_kind"] in CRASH_KINDS:
        return f"{call} crashed instead of answering: {got}"
    if case.expect == "pass" and not outcome["ok"]:
        return f"{call} was expected to succeed but answered: {got}"
    if case.expect == "error" and outcome["ok"]:
        return f"{call} was expected to be refused with an error but succeeded: {got}"
    return ""


async def run_cases(sandbox: Sandbox, cases: Sequence[Case], checks: list[Check]) -> list[SolutionCall]:
    """Each case in a fresh session, its check appended to `checks` as it completes. Returns the
    calls of the cases that passed as expected and succeeded (the workload of the determinism
    and round-trip checks)."""
    workload: list[SolutionCall] = []
    for index, case in enumerate(cases):
        subject = f"case {index} ({case.kind} {case.tool})"
        session = await sandbox.start(0)
        try:
            outcomes = await sandbox.run(
                session, [*case.setup, SolutionCall(name=case.tool, arguments=case.arguments)]
            )
        finally:
            await sandbox.close(session)
        broken = next((i for i, out in enumerate(outcomes[: len(case.setup)]) if not out["ok"]), None)
        if broken is not None:
            step = case.setup[broken]
            evidence = _evidence(step.name, step.arguments, case.setup[:broken], outcomes[broken])
            detail = f"setup call {broken} {render_call(step.name, step.arguments)} failed: {evidence['got']}"
            checks.append(Check("case", False, subject, detail, evidence))
            continue
        outcome = outcomes[-1]
        detail = _judge(case, outcome)
        evidence = _evidence(case.tool, case.arguments, case.setup, outcome)
        checks.append(Check("case", not detail, subject, detail, evidence))
        if not detail and outcome["ok"]:
            workload += [*case.setup, SolutionCall(name=case.tool, arguments=case.arguments)]
    return workload


_LONG = "x" * 2000


def boundary_values(schema: dict[str, Any]) -> list[Any]:
    """Edge values of a parameter's type: empty, negative, huge, unknown ids, far dates."""
    variants = [schema, *schema.get("anyOf", [])]
    types = {s.get("type") for s in variants}
    formats = {s.get("format") for s in variants}
    if any("enum" in s or "const" in s for s in variants):
        return []
    if "date" in formats:
        return ["1900-01-01", "2999-12-31"]
    if "date-time" in formats:
        return ["1900-01-01T00:00:00", "2999-12-31T23:59:59"]
    if "string" in types:
        return ["", "does-not-exist-0000", _LONG]
    if "integer" in types:
        return [0, -1, 1_000_000]
    if "number" in types:
        return [0, -1.5, 1e9]
    if "array" in types:
        return [[]]
    return []


async def run_robustness(
    sandbox: Sandbox,
    tools: Sequence[dict[str, Any]],
    cases: Sequence[Case],
    checks: list[Check],
    per_tool: int = 12,
) -> None:
    """Every tool, starting from one of its passing valid cases, with each parameter in turn set
    to an edge value: any answer or a tool error is fine, a crash or a hang is not. Each probe runs
    in a fork of a session prepared with the case's setup (a fork is a page copy)."""
    for spec in tools:
        valid = (c for c in cases if c.tool == spec["name"] and c.kind == "valid" and c.expect == "pass")
        base = next(valid, None)
        properties = spec["parameters"].get("properties", {})
        probes = (
            [
                {**base.arguments, param: value}
                for param, schema in properties.items()
                for value in boundary_values(schema)
            ][:per_tool]
            if base is not None
            else []
        )
        root = None
        for arguments in probes:
            if root is None:
                root = await sandbox.start(0)
                await sandbox.run(root, base.setup)
            child = await sandbox.fork(root)
            outcome = await sandbox.call(child, spec["name"], arguments)
            await sandbox.close(child)
            subject = render_call(spec["name"], arguments)
            if outcome["error_kind"] not in CRASH_KINDS:
                checks.append(Check("robustness", True, subject))
                continue
            evidence = _evidence(spec["name"], arguments, base.setup, outcome)
            detail = f"{subject} must answer or be refused with a clear ToolError, but: {evidence['got']}"
            checks.append(Check("robustness", False, subject, detail, evidence))
            if outcome["error_kind"] in LOST_KINDS:  # the root went down with the worker
                await sandbox.close(root)
                root = None
        if root is not None:
            await sandbox.close(root)


def state_difference(a: dict[str, Any], b: dict[str, Any]) -> str:
    """Where two exported states first differ, briefly."""
    for table in sorted(a.keys() | b.keys()):
        rows_a, rows_b = a.get(table), b.get(table)
        if rows_a == rows_b:
            continue
        if isinstance(rows_a, list) and isinstance(rows_b, list):
            for i, (x, y) in enumerate(zip(rows_a, rows_b, strict=False)):
                if x != y:
                    return f"table {table!r}, row {i}: {_quote(repr(x))} vs {_quote(repr(y))}"
            return f"table {table!r}: {len(rows_a)} rows vs {len(rows_b)} rows"
        return f"{table!r}: {_quote(repr(rows_a))} vs {_quote(repr(rows_b))}"
    return "no difference"


async def _replay(
    sandbox: Sandbox, slot: int, workload: Sequence[SolutionCall]
) -> tuple[list[Outcome], State]:
    """The workload in a fresh session on `slot`; the state is empty when a call took the worker down."""
    session = await sandbox.start(slot)
    try:
        outcomes = await sandbox.run(session, workload)
        lost = outcomes and outcomes[-1]["error_kind"] in LOST_KINDS
        return outcomes, {} if lost else await sandbox.request(session, "export")
    finally:
        await sandbox.close(session)


def _hung(workload: Sequence[SolutionCall], outcomes: list[Outcome]) -> str:
    """Why a replay of the workload stopped early (a call took its worker down), or ""."""
    if not outcomes or outcomes[-1]["error_kind"] not in LOST_KINDS:
        return ""
    n = len(outcomes) - 1
    call = render_call(workload[n].name, workload[n].arguments)
    return f"replaying the passing cases, call {n} {call} hung or crashed: {_quote(outcomes[-1]['content'])}"


async def check_determinism(sandbox: Sandbox, workload: Sequence[SolutionCall]) -> Check:
    """The same calls on the same seed, in two worker processes: same answers, same state."""
    (first, state_a), (second, state_b) = await asyncio.gather(
        _replay(sandbox, 0, workload), _replay(sandbox, 1, workload)
    )
    hung = _hung(workload, first) or _hung(workload, second)
    if hung:
        return Check("determinism", False, "", hung)
    for i, (x, y) in enumerate(zip(first, second, strict=True)):
        if x["content"] != y["content"]:
            call = render_call(workload[i].name, workload[i].arguments)
            detail = (
                f"call {i} {call} answered differently in two identical runs: {_quote(x['content'])} vs "
                f"{_quote(y['content'])}. Tools must use self.now(), self.rng and self.new_id(), never the "
                "wall clock, the random module, uuid, module-level counters or caches, or the iteration "
                "order of sets."
            )
            return Check("determinism", False, workload[i].name, detail)
    if state_a != state_b:
        difference = state_difference(state_a, state_b)
        detail = f"the same {len(workload)} calls left different states in two identical runs: {difference}"
        return Check("determinism", False, "", detail)
    return Check("determinism", True, "", f"{len(workload)} calls replayed in two processes")


async def check_round_trip(sandbox: Sandbox, workload: Sequence[SolutionCall]) -> Check:
    """The state after the workload, exported and imported into a fresh session, exports the same."""
    outcomes, exported = await _replay(sandbox, 0, workload)
    if _hung(workload, outcomes):
        return Check("round_trip", False, "", _hung(workload, outcomes))
    try:
        copy = await sandbox.start(0, state=exported)
    except SandboxRefused as refused:
        return Check("round_trip", False, "", f"importing the exported state was refused: {refused}")
    again = await sandbox.request(copy, "export")
    await sandbox.close(copy)
    if again != exported:
        difference = state_difference(exported, again)
        return Check("round_trip", False, "", f"import(export()) changed the state: {difference}")
    return Check("round_trip", True)


async def check_fork_isolation(sandbox: Sandbox, workload: Sequence[SolutionCall]) -> Check:
    """A fork taken before the workload does not see the parent's writes."""
    parent = await sandbox.start(0)
    before = await sandbox.request(parent, "export")
    child = await sandbox.fork(parent)
    outcomes = await sandbox.run(parent, workload)
    try:
        if _hung(workload, outcomes):
            return Check("fork_isolation", False, "", _hung(workload, outcomes))
        seen = await sandbox.request(child, "export")
    finally:
        await sandbox.close(parent)
        await sandbox.close(child)
    if seen != before:
        difference = state_difference(before, seen)
        return Check("fork_isolation", False, "", f"a fork saw its parent's later writes: {difference}")
    return Check("fork_isolation", True)


def _tables(state: State) -> State:
    return {k: v for k, v in state.items() if not k.startswith("_")}


async def check_solution(sandbox: Sandbox, task: Task, writes: frozenset[str]) -> Check:
    """The task's solution succeeds call by call, changes the state if it writes, and scores 1.0."""
    try:
        session = await sandbox.start(0, seed=task.seed, base_state=task.initial_state)
    except SandboxRefused as refused:
        return Check(
            "solution", False, task.id, f"the task's initial_state does not fit the tables: {refused}"
        )
    try:
        before = await sandbox.request(session, "export")
        outcomes = await sandbox.run(session, task.solution)
        for i, outcome in enumerate(outcomes):
            if not outcome["ok"]:
                call = task.solution[i]
                evidence = _evidence(call.name, call.arguments, task.solution[:i], outcome)
                detail = (
                    f"solution call {i} {render_call(call.name, call.arguments)} failed: {evidence['got']}"
                )
                return Check("solution", False, task.id, detail, evidence)
        after = await sandbox.request(session, "export")
        if any(c.name in writes for c in task.solution) and _tables(before) == _tables(after):
            return Check(
                "solution", False, task.id, "the solution calls write tools but the state did not change"
            )
        answer = final_answer(task)
        reward = await sandbox.request(
            session, "evaluate", task=task.model_dump(mode="json"), final_response=answer
        )
    finally:
        await sandbox.close(session)
    if reward["reward"] != 1.0:
        diff = _quote(repr(reward["diff"]))
        detail = f"replaying the solution scores {reward['reward']} ({reward['components']}; diff {diff})"
        return Check("solution", False, task.id, detail)
    return Check("solution", True, task.id)


async def run_runtime_checks(
    sandbox: Sandbox, tools: Sequence[dict[str, Any]], scenarios: Scenarios
) -> list[Check]:
    """Every runtime check, in order; a stage cut short by lost workers says so and ends the run."""
    checks: list[Check] = []
    writes = frozenset(t["name"] for t in tools if t["write"])
    try:
        workload = await run_cases(sandbox, scenarios.cases, checks)
        await run_robustness(sandbox, tools, scenarios.cases, checks)
        for check in (check_determinism, check_round_trip, check_fork_isolation):
            checks.append(await check(sandbox, workload))
        for task in scenarios.tasks:
            checks.append(await check_solution(sandbox, task, writes))
    except (SandboxLost, SandboxExhausted):
        detail = (
            f"the remaining checks were not run: worker processes were lost {len(sandbox.losses)} times "
            f"({'; '.join(sandbox.losses)}). Fix the hangs and crashes reported above first."
        )
        checks.append(Check("sandbox", False, "", detail))
    except SandboxRefused as refused:
        checks.append(Check("sandbox", False, "", f"the worker refused a request: {refused}"))
    return checks
