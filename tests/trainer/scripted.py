"""A scripted generation engine for rollout and GRPO tests (the one fake: the LLM).

It reads the conversation from the prompt's token ids, recognises the task by its instruction and
plays a plan: the task's solution, one tool call per turn, then an answer stating the required
outputs. A `plan` callback can choose another plan per episode (say, answering at once, which
fails a write task), so a group gets rewards that differ. The reply's tokens are the tokenizer's
encoding of the text, and their logprobs are the real model's, computed by teacher forcing, so a
GRPO step on these samples is a real step of that model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch

from envfactory.environments import Task
from envfactory.trainer.engines import Completion, Engine, EngineError
from envfactory.trainer.losses import token_logprobs

Plan = list[str]


def tool_call_text(name: str, arguments: dict[str, Any]) -> str:
    return f'<tool_call>\n{{"name": "{name}", "arguments": {json.dumps(arguments)}}}\n</tool_call>'


def solve(task: Task) -> Plan:
    answer = "Done. " + " ".join(task.required_outputs)
    return [tool_call_text(c.name, c.arguments) for c in task.solution] + [answer.strip()]


def give_up(task: Task) -> Plan:
    return ["I cannot help with that."]


class ScriptedEngine(Engine):
    """Plays plans for known tasks; records every prompt it was given and what it returned."""

    name = "scripted"

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: Any,
        tasks: Iterable[Task],
        *,
        plan: Callable[[Task, int], Plan] | None = None,
        fail_on: Callable[[Task], bool] | None = None,
        stop_token_ids: Sequence[int] | None = None,
    ) -> None:
        super().__init__(stop_token_ids or [tokenizer.convert_tokens_to_ids("<|im_end|>")])
        self.model, self.tokenizer = model, tokenizer
        self.tasks = {t.instruction: t for t in tasks}
        self.plan = plan or (lambda task, episode: solve(task))
        self.fail_on = fail_on or (lambda task: False)
        self.calls: list[tuple[list[int], Completion]] = []
        self._plans: list[tuple[str, Plan]] = []

    async def generate(
        self, prompt_ids: Sequence[int], max_new_tokens: int, greedy: bool = False
    ) -> Completion:
        text = self.tokenizer.decode(list(prompt_ids), skip_special_tokens=False)
        task = next(t for instruction, t in self.tasks.items() if instruction in text)
        if self.fail_on(task):
            raise EngineError(f"scripted failure for {task.id}")
        turn = text.count("<|im_start|>assistant") - 1
        plan = self._plan_for(task, text, turn)
        ids = self.tokenizer.encode(plan[min(turn, len(plan) - 1)] + "<|im_end|>", add_special_tokens=False)
        ids = ids[:max_new_tokens]
        finish = "stop" if ids[-1] in self.stop_token_ids else "length"
        completion = Completion(ids, self._logprobs(list(prompt_ids), ids), finish)
        self.calls.append((list(prompt_ids), completion))
        return completion

    def _plan_for(self, task: Task, text: str, turn: int) -> Plan:
        """Plans are chosen at an episode's first turn; later turns continue the plan whose earlier
        replies the conversation shows."""
        own = [p for task_id, p in self._plans if task_id == task.id]
        if turn == 0:  # numbered per task: concurrent groups of other tasks do not shift the count
            plan = self.plan(task, len(own))
            self._plans.append((task.id, plan))
            return plan
        return next((p for p in own if all(step in text for step in p[:turn])), solve(task))

    def _logprobs(self, prompt: list[int], ids: list[int]) -> list[float]:
        sequence = torch.tensor([prompt + ids])
        with torch.no_grad():
            logp = token_logprobs(self.model(input_ids=sequence).logits[:, :-1], sequence[:, 1:])
        return logp[0, len(prompt) - 1 :].tolist()

    def sync_weights(self, model: torch.nn.Module, step: int) -> None:
        self.model = model

    async def aclose(self) -> None:
        return None


def mixed(every: int = 2) -> Callable[[Task, int], Plan]:
    """Solve every `every`-th episode and give up on the others."""
    return lambda task, episode: solve(task) if episode % every == 0 else give_up(task)
