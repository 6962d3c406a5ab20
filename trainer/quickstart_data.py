"""The quickstart's data: tasks for the reference `todo` environment, and SFT trajectories.

Everything comes from the live server through the SDK: the items are read from a scratch session,
tasks are written from templates around them, and SFT trajectories are recorded by running each
task's solution in a real session (true tool outputs).

Every task needs a lookup whose result feeds what follows: `find_items` gives the id that
`complete_item` / `reschedule_item` needs, or the due date / priority the answer must state;
dates are said as people say them ("the 17th of March") and must become `2026-03-17`; pair tasks
need two lookups and two writes. The (request, item) combinations are dealt out: SFT sees some;
GRPO practises the others, which SFT never showed; the held-out tasks are new requests (other
wordings, other dates) for the combinations GRPO practised, never trained on by either. A small
model learns from SFT which words name which item and the shape of every request, and is left to
put the pieces together for combinations it has not seen: that is where reward can teach.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from envfactory.sdk import AsyncClient

KINDS = ("complete", "reschedule", "due", "priority")
# Items are named in double quotes, the way people quote a title: the quoted words then tokenize
# exactly as they do inside the tool call's JSON string.
_TEMPLATES = {
    "complete": (
        'Tick off "{key}".',
        'Mark "{key}" as done.',
        'I\'m done with "{key}", check it off.',
        'Please check off "{key}".',
        '"{key}" is finished, mark it done.',
    ),
    "reschedule": (
        'Move "{key}" to {when}.',
        'Push "{key}" back to {when}.',
        'Reschedule "{key}" for {when}.',
        'Change the due date of "{key}" to {when}.',
    ),
    "due": (
        'When is "{key}" due?',
        'What\'s the due date for "{key}"?',
        'By when do I need to finish "{key}"?',
        'Tell me when "{key}" is due.',
        'What date is "{key}" due on?',
    ),
    "priority": (
        'What priority does "{key}" have?',
        'How urgent is "{key}"?',
        'Which priority is "{key}"?',
        'Tell me the priority of "{key}".',
        'Is "{key}" high, normal or low priority?',
    ),
    "pair": (
        'Tick off "{key}" and "{key2}".',
        'Mark "{key}" and "{key2}" as done.',
        'I finished "{key}" and "{key2}", check them off.',
        'Please check off "{key}" and "{key2}".',
        '"{key}" and "{key2}" are finished, mark them done.',
    ),
}
_LEADING = frozenset({"the", "a", "an", "out", "up", "to", "off"})
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    due_date: str | None
    priority: str
    done: bool
    list_id: str = "L1"
    completed_on: str | None = None


async def fetch_items(client: AsyncClient, env: str) -> list[Item]:
    """Every item of the environment's seed state, read in a scratch session."""
    async with await client.create_session(env) as session:
        messages = await session.call(
            {"id": "scan", "function": {"name": "find_items", "arguments": {"include_done": True}}}
        )
    rows = json.loads(messages[0]["content"])
    return [
        Item(r["id"], r["title"], r["due_date"], r["priority"], r["done"], r["list_id"], r["completed_on"])
        for r in rows
    ]


def item_keys(items: Sequence[Item]) -> dict[str, str]:
    """A phrase per open item that finds it and nothing else: its title without the leading verb,
    particles and articles ("Clear out the garage" -> "garage"), else without the verb only,
    else the whole title."""
    keys = {}
    for item in items:
        if item.done:
            continue
        words = item.title.split(" ")
        rest = words[1:] or words
        bare = list(rest)
        while len(bare) > 1 and bare[0].lower() in _LEADING:
            bare.pop(0)
        for key in (" ".join(bare), " ".join(rest), item.title):
            if sum(key.lower() in other.title.lower() for other in items) == 1:
                keys[item.id] = key
                break
    return keys


@dataclass
class TaskSplit:
    """Tasks by use. SFT and RL tasks cover different (request, item) combinations; held-out
    tasks are new requests for the RL combinations; no instruction appears twice."""

    sft: list[dict[str, Any]]
    rl: list[dict[str, Any]]
    held_out: list[dict[str, Any]]


def synthesize_tasks(
    items: Sequence[Item],
    env: str,
    today: date,
    *,
    seed: int = 0,
    n_items: int = 10,
    rl_share: float = 0.4,
    variants: tuple[int, int, int] = (4, 3, 2),
    pairs: tuple[int, int] = (8, 5),
) -> TaskSplit:
    """Tasks (§2 task format) about `n_items` open items with due dates.

    The (request, item) combinations are dealt to SFT and RL (`rl_share` of each request kind;
    every item keeps a combination in SFT, so its name and id are taught), item pairs likewise
    (`pairs`: SFT, RL). `variants` = tasks per combination for SFT, RL and held out; held-out
    tasks are for the RL combinations, worded or dated differently from every other task."""
    rng = random.Random(seed)
    keys = item_keys(items)
    by_id = {i.id: i for i in items}
    dated = sorted(i for i in keys if by_id[i].due_date)
    chosen = sorted(rng.sample(dated, min(n_items, len(dated))))
    singles: list[tuple[str, tuple[str, ...]]] = [(k, (i,)) for i in chosen for k in KINDS]
    rng.shuffle(singles)
    rl: set[tuple[str, tuple[str, ...]]] = set()
    for kind in KINDS:
        mine = [c for c in singles if c[0] == kind]
        quota = max(1, round(rl_share * len(mine)))
        for combo in mine:
            keeps_sft = any(c[1] == combo[1] and c != combo and c not in rl for c in singles)
            if quota and keeps_sft:
                rl.add(combo)
                quota -= 1
    all_pairs = [("pair", (a, b)) for n, a in enumerate(chosen) for b in chosen[n + 1 :]]
    rng.shuffle(all_pairs)
    sft_combos = [c for c in singles if c not in rl] + all_pairs[: pairs[0]]
    rl_combos = [c for c in singles if c in rl] + all_pairs[pairs[0] : pairs[0] + pairs[1]]
    make = _TaskMaker(env, keys, by_id, today, rng)
    split = TaskSplit(
        sft=make.many(sft_combos, variants[0]),
        rl=make.many(rl_combos, variants[1]),
        held_out=make.many(rl_combos, variants[2]),
    )
    for prefix, tasks in (("sft", split.sft), ("rl", split.rl), ("heldout", split.held_out)):
        for n, task in enumerate(tasks, 1):
            task["id"] = f"qs-{prefix}-{n:03d}"
    return split


class _TaskMaker:
    """Writes tasks; remembers every instruction so that none is written twice."""

    def __init__(
        self, env: str, keys: dict[str, str], items: dict[str, Item], today: date, rng: random.Random
    ) -> None:
        self.env, self.keys, self.items, self.today, self.rng = env, keys, items, today, rng
        self.written: set[str] = set()

    def many(self, combos: Sequence[tuple[str, tuple[str, ...]]], count: int) -> list[dict[str, Any]]:
        """Up to `count` tasks per combination (fewer when its wordings run out)."""
        tasks = []
        for kind, item_ids in combos:
            for _ in range(count):
                for _attempt in range(20):
                    task = self.pair(*item_ids) if kind == "pair" else self.single(kind, item_ids[0])
                    if task["instruction"] not in self.written:
                        self.written.add(task["instruction"])
                        tasks.append(task)
                        break
        return tasks

    def single(self, kind: str, item_id: str) -> dict[str, Any]:
        item, key = self.items[item_id], self.keys[item_id]
        find = {"name": "find_items", "arguments": {"query": key}}
        fields: dict[str, Any] = {"key": key}
        outputs: list[str] = []
        if kind == "complete":
            solution = [find, {"name": "complete_item", "arguments": {"item_id": item_id}}]
            answer = f"Done: I ticked off {item.title}."
        elif kind == "reschedule":
            due = self.today + timedelta(days=self.rng.randint(2, 45))
            fields["when"] = self._spoken(due)
            args = {"item_id": item_id, "due_date": due.isoformat()}
            solution = [find, {"name": "reschedule_item", "arguments": args}]
            answer = f"Done: {item.title} is now due on {due.isoformat()}."
        elif kind == "due":
            solution, outputs = [find], [str(item.due_date)]
            answer = f"{item.title} is due on {item.due_date}."
        else:
            solution, outputs = [find], [item.priority]
            answer = f"{item.title} has {item.priority} priority."
        instruction = self.rng.choice(_TEMPLATES[kind]).format(**fields)
        meta = {"kind": kind, "items": [item_id], "answer": answer}
        return self._task(instruction, solution, outputs, meta)

    def pair(self, first: str, second: str) -> dict[str, Any]:
        solution = []
        for item_id in (first, second):
            solution.append({"name": "find_items", "arguments": {"query": self.keys[item_id]}})
            solution.append({"name": "complete_item", "arguments": {"item_id": item_id}})
        titles = " and ".join(self.items[i].title for i in (first, second))
        instruction = self.rng.choice(_TEMPLATES["pair"]).format(key=self.keys[first], key2=self.keys[second])
        meta = {"kind": "pair", "items": [first, second], "answer": f"Done: I ticked off {titles}."}
        return self._task(instruction, solution, [], meta)

    def _task(
        self, instruction: str, solution: list[dict[str, Any]], outputs: list[str], metadata: dict[str, Any]
    ) -> dict[str, Any]:
        task: dict[str, Any] = {"id": "", "env": self.env, "instruction": instruction, "solution": solution}
        if outputs:
            task["required_outputs"] = outputs
        task["metadata"] = metadata
        return task

    def _spoken(self, day: date) -> str:
        month = day.strftime("%B")
        if self.rng.random() < 0.5:
            return f"{month} {day.day}"
        return f"the {day.day}{_ORDINAL.get(day.day, 'th')} of {month}"


async def solution_rows(
    client: AsyncClient, env: str, tasks: Sequence[dict[str, Any]], concurrency: int = 16
) -> list[dict[str, Any]]:
    """SFT rows `{messages, tools}`: each task's solution run call by call in a live session
    started from the task's `initial_state` (the task itself need not be registered), then its
    reference answer. A trajectory with a failed call is left out."""
    slots = asyncio.Semaphore(concurrency)

    async def row(task: dict[str, Any]) -> dict[str, Any] | None:
        async with slots, await client.create_session(env, state=task.get("initial_state")) as session:
            session.append({"role": "user", "content": task["instruction"]})
            for n, call in enumerate(task["solution"], 1):
                function = {"name": call["name"], "arguments": json.dumps(call["arguments"])}
                await session.call({"id": f"call_{n}", "type": "function", "function": function})
                if not all(outcome.ok for outcome in session.last_outcomes):
                    return None
            session.append({"role": "assistant", "content": task["metadata"]["answer"]})
            return {"messages": session.messages, "tools": session.tools, "metadata": {"task_id": task["id"]}}

    return [r for r in await asyncio.gather(*(row(t) for t in tasks)) if r is not None]
