"""From environments to training data: SFT trajectories and RL tasks, verified.

    result = synthesize_trajectories([registry.get("todo")], TrajectoryConfig(n=50, seed=1))
    result.write("out/")   # sft.jsonl, tasks.jsonl, stats.json

Per chain (`sampler.TopologySampler`, executed for real): the person's request (template mode,
or LLM mode with calibrated refinement, `refine.Refiner`), split into turns when multi-turn (a
scripted `KnowledgeUser` answers the agent's questions from what the person knows), then

- an **RL task** in the catalog's task format: `instruction`, `seed` (the initial state is the
  environment's seed database; its hash is in the metadata), the chain as `solution`, the facts
  asked for as `required_outputs` (those of the last turn, since the final answer is what is
  graded), a `user` profile for multi-turn tasks, and `metadata` with provenance;
- an **SFT row** `{messages, tools, reward, metadata}` (the row shape of
  `envfactory.sdk.Trajectory.to_row`): the chain's own calls and results in template mode, the
  solver's leanest successful episode in LLM mode.

Every kept pair is **verified**: the row's calls are replayed in a fresh session and must return
exactly the recorded results, and `envfactory.environments.evaluate` must give the task reward
1.0 for that session and the row's final answer. Chains across environments give SFT rows only
(a task names one environment). Duplicates (same calls, or same request text) are dropped.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from envfactory.environments import Environment, Task, UserProfile, evaluate
from envfactory.environments.rewards import clear_expected_cache

from .chains import Chain
from .dialogue import KnowledgeUser, calls_of, chain_messages
from .graph import ToolGraph, build_graph
from .llm import LLM
from .queries import TemplateWriter, answer_text
from .refine import Refiner
from .reports import stats_report
from .sampler import SamplerConfig, TopologySampler, split_turns

Mode = Literal["template", "llm"]


@dataclass
class TrajectoryConfig:
    n: int = 100
    seed: int = 0
    mode: Mode = "template"
    multi_turn: bool = False
    #: chance that a chain continues in a second environment (with several environments)
    cross_env: float = 0.0
    max_intents: int = 3
    #: LLM mode: solver episodes per query version, and refinement rounds
    pass_k: int = 4
    refine_rounds: int = 2
    #: sampler attempts before giving up on reaching `n` (default 10 n)
    max_attempts: int | None = None


@dataclass
class Record:
    chain: Chain
    sft: dict[str, Any]
    task: Task | None
    versions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TrajectoryResult:
    records: list[Record]
    stats: dict[str, Any]

    @property
    def sft_rows(self) -> list[dict[str, Any]]:
        return [r.sft for r in self.records]

    @property
    def tasks(self) -> list[Task]:
        return [r.task for r in self.records if r.task is not None]

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """`sft.jsonl`, `tasks.jsonl` and `stats.json` in `out_dir` (created)."""
        import json

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"sft": out / "sft.jsonl", "tasks": out / "tasks.jsonl", "stats": out / "stats.json"}
        with paths["sft"].open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in self.sft_rows)
        paths["tasks"].write_text("".join(t.to_json() + "\n" for t in self.tasks), encoding="utf-8")
        paths["stats"].write_text(json.dumps(self.stats, indent=2), encoding="utf-8")
        return paths


class VerificationError(AssertionError):
    """A synthesized pair did not replay to its recorded results or to reward 1.0."""


def synthesize_trajectories(
    env_classes: Sequence[type[Environment]],
    config: TrajectoryConfig | None = None,
    *,
    llm: LLM | None = None,
    graph: ToolGraph | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TrajectoryResult:
    """Sample, write, verify and deduplicate `config.n` examples (fewer when the sampler runs
    out of attempts; `stats` says why each dropped chain was dropped)."""
    config = config or TrajectoryConfig()
    if config.mode == "llm" and llm is None:
        llm = LLM.from_env()
    started = time.perf_counter()
    graph = graph or build_graph(list(env_classes))
    sampler = chain_sampler(graph, config)
    builder = _Builder(graph, config, llm)
    records: list[Record] = []
    dropped: Counter[str] = Counter()
    seen_text: set[str] = set()
    attempts = config.max_attempts or 10 * config.n
    for chain in sampler.chains(attempts, max_attempts=attempts):  # dropped chains are replaced
        record = builder.build(chain)
        if isinstance(record, str):
            dropped[record] += 1
            continue
        text = " ".join((record.task.instruction if record.task else _user_text(record.sft)).lower().split())
        if text in seen_text:
            dropped["duplicate request"] += 1
            continue
        seen_text.add(text)
        records.append(record)
        if progress is not None:
            progress(len(records), config.n)
        if len(records) >= config.n:
            break
    stats = stats_report(graph, records, sampler.stats, dropped, time.perf_counter() - started, config)
    return TrajectoryResult(records, stats)


def chain_sampler(graph: ToolGraph, config: TrajectoryConfig) -> TopologySampler:
    """The sampler a run with this config draws its chains from (same seed, same chains)."""
    sampler_config = SamplerConfig(
        max_intents=config.max_intents, cross_env=config.cross_env, implicit_values=config.mode == "llm"
    )
    return TopologySampler(graph, seed=config.seed, config=sampler_config)


def _user_text(row: dict[str, Any]) -> str:
    return next(m["content"] for m in row["messages"] if m["role"] == "user")


class _Builder:
    def __init__(self, graph: ToolGraph, config: TrajectoryConfig, llm: LLM | None) -> None:
        self.graph = graph
        self.config = config
        self.rng = random.Random(config.seed + 1)
        self.writer = TemplateWriter(graph, self.rng)
        self.refiner = None
        if config.mode == "llm" and llm is not None:
            self.refiner = Refiner(llm, graph, pass_k=config.pass_k, rounds=config.refine_rounds)
        self._start_hash: dict[str, str] = {}

    def build(self, chain: Chain) -> Record | str:
        """A verified record for the chain, or why it was dropped."""
        turns = split_turns(chain, self.rng) if self.config.multi_turn else [list(range(len(chain.steps)))]
        chain.turns = turns
        knowledge = self.knowledge(chain)
        multi = len(turns) > 1 or (self.config.multi_turn and bool(knowledge))
        texts = [self.writer.query(chain, t, context=not multi) for t in turns]
        replies = [answer_text(chain, t, self.rng, final=i == len(turns) - 1) for i, t in enumerate(turns)]
        if len(chain.envs) > 1:
            return self._cross_env(chain, texts, replies, knowledge, multi)
        task = self.task(chain, texts, knowledge, multi)
        versions: list[dict[str, Any]] = []
        if self.refiner is not None:
            calibrated = self.refiner.calibrate(chain, task, texts, self.brief(chain, knowledge))
            versions = [v.as_dict() for v in calibrated.versions]
            if calibrated.kept is None or calibrated.kept.best is None:
                return calibrated.rejected or "unsolved"
            task = self.finish_task(task, calibrated.kept.turns, calibrated.kept.solve_rate, versions)
            row = calibrated.kept.best.to_row(generator="llm", task_id=task.id)
            row["metadata"]["solve_rate"] = calibrated.kept.solve_rate
        else:
            messages = chain_messages(
                chain,
                self.graph.env_classes[task.env].policy(),
                list(zip(texts, turns, replies, strict=True)),
                questions=self.questions(chain, turns, knowledge) if multi else None,
            )
            row = self.row(chain, messages, [task.env], task.id, "template")
        try:
            verify(self.graph.env_classes[task.env], task, row)
        except VerificationError as error:
            return f"verification failed: {str(error).split(':')[0]}"
        return Record(chain, row, task, versions)

    def knowledge(self, chain: Chain) -> dict[str, Any]:
        """What the person tells so lookups can run (their email, a date), by label."""
        return dict(self.writer.facts(chain, range(len(chain.steps))))

    def questions(
        self, chain: Chain, turns: list[list[int]], knowledge: dict[str, Any]
    ) -> dict[int, tuple[str, str]]:
        """Before each turn whose lookups need facts not yet told, the agent asks and the scripted
        user answers from what the person knows."""
        user = KnowledgeUser(knowledge)
        asked: dict[int, tuple[str, str]] = {}
        for number, steps in enumerate(turns):
            needed = [
                label
                for label in knowledge
                if label not in user.told and label in self.writer.facts(chain, steps)
            ]
            if needed:
                ask = f"Sure, I can help with that. What is your {' and '.join(needed)}?"
                answer = user.reply([{"role": "assistant", "content": ask}])
                asked[number] = (ask, answer or "")
        return asked

    def task(self, chain: Chain, texts: list[str], knowledge: dict[str, Any], multi: bool) -> Task:
        env = chain.envs[0]
        env_cls = self.graph.env_classes[env]
        if env not in self._start_hash:
            with env_cls.create() as fresh:
                self._start_hash[env] = fresh.state_hash()
        user = None
        if multi:
            user = UserProfile(persona=f"A user of {env_cls.description}", knowledge=knowledge)
        task = Task(
            id=f"{env}-syn-{chain.signature[:12]}",
            env=env,
            instruction=texts[0],
            user=user,
            seed=env_cls.default_seed,
            solution=chain.solution(),
            required_outputs=chain.answers(chain.turns[-1]),
            metadata=self.provenance(chain, env),
        )
        return self.finish_task(task, texts, None, [])

    def finish_task(
        self, task: Task, texts: list[str], solve_rate: float | None, versions: list[dict[str, Any]]
    ) -> Task:
        metadata = {**task.metadata, "turns": texts}
        if solve_rate is not None:
            metadata |= {"solve_rate": solve_rate, "query_versions": versions, "generator": "llm"}
        update: dict[str, Any] = {"instruction": texts[0], "metadata": metadata}
        if task.user is not None:
            follow = " Then: ".join(texts[1:])
            update["user"] = task.user.model_copy(
                update={"instructions": f"After that, ask: {follow}" if follow else ""}
            )
        return task.model_copy(update=update)

    def provenance(self, chain: Chain, env: str) -> dict[str, Any]:
        return {
            "source": "envfactory.factory",
            "generator": self.config.mode,
            "sampler_seed": self.config.seed,
            "initial_state_hash": self._start_hash.get(env),
            "chain": [s.as_dict() for s in chain.steps],
            "reads": sum(not s.write for s in chain.steps),
            "writes": sum(s.write for s in chain.steps),
        }

    def brief(self, chain: Chain, knowledge: dict[str, Any]) -> str:
        env_cls = self.graph.env_classes[chain.envs[0]]
        wants = [self.writer.clause(chain, i) for i in chain.intents]
        asks = [f"{s.answer.label}: {', '.join(s.answer.values)}" for s in chain.steps if s.answer]
        return (
            f"Service: {env_cls.description}\nTurns: {len(chain.turns)}\nWhat the person wants: "
            + "; ".join(wants)
            + f"\nWhat the person knows: {knowledge or 'nothing beyond the request'}"
            + (f"\nWhat they want to be told (the assistant must find it): {'; '.join(asks)}" if asks else "")
        )

    def row(
        self,
        chain: Chain,
        messages: list[dict[str, Any]],
        envs: list[str],
        task_id: str | None,
        generator: str,
    ) -> dict[str, Any]:
        tools = [t for env in envs for t in self.graph.env_classes[env].openai_tools()]
        return {
            "messages": messages,
            "tools": tools,
            "reward": 1.0 if task_id else None,
            "metadata": {
                "envs": envs,
                "task_id": task_id,
                "generator": generator,
                "chain": [f"{s.env}.{s.tool}" for s in chain.steps],
                "turns": len(chain.turns),
            },
        }

    def _cross_env(
        self, chain: Chain, texts: list[str], replies: list[str], knowledge: dict[str, Any], multi: bool
    ) -> Record | str:
        envs = chain.envs
        clash = Counter(name for env in envs for name in self.graph.env_classes[env].tools)
        names = {
            (env, name): f"{env}__{name}"
            for env in envs
            for name in self.graph.env_classes[env].tools
            if clash[name] > 1
        }
        system = "\n\n".join(self.graph.env_classes[env].policy() for env in envs)
        messages = chain_messages(
            chain,
            system,
            list(zip(texts, chain.turns, replies, strict=True)),
            names,
            self.questions(chain, chain.turns, knowledge) if multi else None,
        )
        row = self.row(chain, messages, envs, None, "template")
        for tool in row["tools"]:
            env = next(e for e in envs if tool["function"]["name"] in self.graph.env_classes[e].tools)
            if (env, tool["function"]["name"]) in names:
                tool["function"] = {**tool["function"], "name": names[(env, tool["function"]["name"])]}
        try:
            for env in envs:
                calls = [(s.tool, s.arguments, s.content) for s in chain.steps if s.env == env]
                _replay(self.graph.env_classes[env], calls, None)
        except VerificationError as error:
            return f"verification failed: {str(error).split(':')[0]}"
        return Record(chain, row, None)


def verify(env_cls: type[Environment], task: Task, row: dict[str, Any]) -> float:
    """Replay the row's calls in a fresh session of the task; every result must match the row
    and `evaluate` must give 1.0 with the row's final answer. Returns the reward."""
    final = next((m.get("content") for m in reversed(row["messages"]) if m["role"] == "assistant"), None)
    with env_cls.for_task(task) as session:
        _replay(env_cls, calls_of(row["messages"]), session)
        reward = evaluate(session, task, final)
    clear_expected_cache()  # each task is graded once: keep the cache from growing with the run
    if reward.total < 1.0 - 1e-9:
        raise VerificationError(f"reward {reward.total}: {reward.components} {reward.diff or ''}")
    return reward.total


def _replay(
    env_cls: type[Environment], calls: list[tuple[str, dict[str, Any], str]], session: Environment | None
) -> None:
    own = session is None
    session = session or env_cls.create()
    try:
        for name, arguments, content in calls:
            got = session.call(name, arguments).content
            if got != content:
                digest = hashlib.sha256(got.encode()).hexdigest()[:8]
                raise VerificationError(f"replay differs: {name} returned {digest}, not the recorded result")
    finally:
        if own:
            session.close()
