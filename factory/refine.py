"""LLM queries with calibrated refinement.

1. **Generate**: the LLM turns the chain (what the person wants, what they know, what they want
   to be told; a template draft as a starting point) into what a person would type.
2. **Check**: a solver agent (the same endpoint, `LLM.chat_model()`) runs the query `pass_k`
   times in a live session of the environment (`dialogue.LocalSession`), graded by the task's
   reward; the solve rate is the share of episodes with reward 1.
3. **Refine**: the LLM rewrites the query to remove over-specification. A rewrite is kept only
   when it is *more implicit* (it states fewer of the values the person gave or the lookups
   would find; shorter on ties) and the solver still solves it (pass@k > 0); refinement stops at
   the first rewrite that fails either test. The most implicit solved version wins; every
   version and its solve rate is recorded.

A query that names a tool or an internal id is rejected before any solving. A chain whose first
query is not solved is dropped (the solver could not do it, so neither the task nor the
trajectory is trustworthy).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from envfactory.environments import Task
from envfactory.sdk import LLMUser, Trajectory, run_episode

from .chains import Chain
from .dialogue import LocalSession
from .graph import ToolGraph
from .llm import LLM, LLMError
from .queries import leaks, stated_values

GENERATE_SYSTEM = """You write requests the way real people type them to an assistant that can use tools.
Rules: never mention tool or function names, never mention internal ids or codes the person would not
know (they are listed as forbidden), never describe the steps the assistant must take. Say what the
person wants and give the facts only they know. Every action listed must still be clearly wanted, and
every fact they want to be told must still be asked for. Answer with JSON only:
{"turns": ["<message 1>", ...]} with exactly as many messages as turns."""

REFINE_SYSTEM = """You make requests more implicit without changing what is wanted.
Remove over-specification: details the assistant can look up or infer itself (exact titles when a few
words identify the thing, values it can read from the account, step-by-step instructions, obvious
defaults). Keep the facts only the person knows (who they are, the new values they want) and keep
every wanted action and question. Never add tool names or internal ids. Answer with JSON only:
{"turns": ["<message 1>", ...]} with the same number of messages."""


@dataclass
class Version:
    turns: list[str]
    implicitness: float
    solve_rate: float = 0.0
    best: Trajectory | None = None

    @property
    def solved(self) -> bool:
        return self.best is not None

    def as_dict(self) -> dict[str, Any]:
        return {"turns": self.turns, "explicit_facts": self.implicitness, "solve_rate": self.solve_rate}


@dataclass
class Calibrated:
    kept: Version | None
    versions: list[Version] = field(default_factory=list)
    rejected: str | None = None


@dataclass
class Refiner:
    """Generates, checks and refines the queries of one chain at a time (see the module docstring)."""

    llm: LLM
    graph: ToolGraph
    pass_k: int = 4
    rounds: int = 2
    max_turns: int = 20

    def calibrate(self, chain: Chain, task: Task, drafts: Sequence[str], brief: str) -> Calibrated:
        """The most implicit solved query for `task` (a template of it: instruction and, for
        several turns, the user profile), starting from the template `drafts`."""
        forbidden = sorted({t.name for t in self.graph.tools.values()})
        first = self._ask(
            GENERATE_SYSTEM,
            f"{brief}\n\nTemplate draft (one message per turn):\n"
            + json.dumps(list(drafts), ensure_ascii=False),
            len(drafts),
            chain,
            forbidden,
        )
        if first is None:
            return Calibrated(None, rejected="the LLM's query named a tool or an internal id")
        current = self._check(task, chain, first)
        versions = [current]
        if not current.solved:
            return Calibrated(None, versions, rejected="the solver could not solve the query")
        for _ in range(self.rounds):
            rewrite = self._ask(
                REFINE_SYSTEM,
                "Make these messages more implicit:\n" + json.dumps(current.turns, ensure_ascii=False),
                len(drafts),
                chain,
                forbidden,
            )
            if rewrite is None or self._explicit(chain, rewrite) >= current.implicitness:
                break
            candidate = self._check(task, chain, rewrite)
            versions.append(candidate)
            if not candidate.solved:
                break
            current = candidate
        return Calibrated(current, versions)

    def _ask(self, system: str, prompt: str, count: int, chain: Chain, names: list[str]) -> list[str] | None:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        for _ in range(2):
            try:
                answer = self.llm.complete_json(messages)
            except LLMError:
                return None
            turns = answer.get("turns") if isinstance(answer, dict) else None
            if not (
                isinstance(turns, list)
                and len(turns) == count
                and all(isinstance(t, str) and t.strip() for t in turns)
            ):
                problem = f'Answer with JSON {{"turns": [...]}} holding exactly {count} non-empty messages.'
            else:
                found = leaks(" ".join(turns), chain, names)
                if not found:
                    return [t.strip() for t in turns]
                problem = f"Do not mention these: {', '.join(found)}. Rewrite without them."
            messages += [
                {"role": "assistant", "content": json.dumps(answer)},
                {"role": "user", "content": problem},
            ]
        return None

    def _explicit(self, chain: Chain, turns: Sequence[str]) -> float:
        """Explicit facts in the text (stated values and looked-up details it spells out), plus a
        length term that only breaks ties."""
        text = " ".join(turns).lower()
        facts = stated_values(chain) + _looked_up(chain)
        count = sum(1 for fact in dict.fromkeys(facts) if fact.lower() in text)
        return count + len(text.split()) / 1000

    def _check(self, task: Task, chain: Chain, turns: list[str]) -> Version:
        """Run the solver `pass_k` times on the query; keep the leanest successful episode."""
        env_cls = self.graph.env_classes[task.env]
        attempt = task.model_copy(update={"instruction": turns[0]})
        if attempt.user is not None:
            attempt.user = attempt.user.model_copy(update={"instructions": _follow_ups(turns)})
        version = Version(turns, self._explicit(chain, turns))
        wins = 0
        solver = self.llm.chat_model(temperature=self.llm.temperature)
        for _ in range(self.pass_k):
            user = None
            if attempt.user is not None:
                known = json.dumps(attempt.user.knowledge)
                persona = f"{attempt.user.persona} You know: {known}. {attempt.user.instructions}"
                user = LLMUser(self.llm.chat_model(temperature=0.0), turns[0], persona)
            with LocalSession(env_cls, attempt) as session:
                trajectory = run_episode(solver, session, user=user, max_turns=self.max_turns)
            if trajectory.success:
                wins += 1
                if version.best is None or trajectory.tool_calls < version.best.tool_calls:
                    version.best = trajectory
        version.solve_rate = wins / self.pass_k
        return version


def _follow_ups(turns: Sequence[str]) -> str:
    if len(turns) < 2:
        return ""
    later = " Then: ".join(f"“{t}”" for t in turns[1:])
    return f"After the first request is done, ask for the next one, one at a time: {later}"


def _looked_up(chain: Chain) -> list[str]:
    """Short descriptive values the lookups return (titles, names): spelling them out is
    over-specification when the agent can find them."""
    values = []
    for step in chain.steps:
        if step.role == "lookup" and isinstance(step.output, list | dict):
            text = json.dumps(step.output, ensure_ascii=False)
            values += [v for v in re.findall(r'"(?:title|name|subject)": "([^"]{3,60})"', text)]
    return values
