"""One renderer for SFT and RL: conversations to token ids and an assistant-only loss mask.

Token faithfulness is the point. An RL sample is built the way it was sampled: the prompt's tokens,
then the *sampled* assistant tokens (kept as they are, never re-tokenized), then the tokens of what
came back (tool results, a user reply) up to the next generation prompt, and so on. Those in-between
tokens come from `continuation_ids`: the new messages are rendered after a fixed base conversation
(one placeholder user turn and the last assistant turn) and the text after the assistant's
end-of-turn token is taken, separators the model never emits (the `\\n` after `<|im_end|>`) included.

SFT samples are built by the same steps from the reference messages, so a model fine-tuned by SFT
sees in RL exactly the token layout it was trained on. The mask is 1 on each assistant turn's tokens
from the end of the generation prompt through the end-of-turn token, 0 elsewhere. This works with any
chat template; `{% generation %}` markers are not needed (templates without them silently give
all-ones or all-zeros masks in `apply_chat_template`).

**Prefix invariant.** Appending messages must not change how the template renders what came before
(Qwen3's template, for one, drops earlier reasoning when a new user turn arrives). Each continuation
is checked against a full text rendering of the conversation; on a mismatch `PrefixDriftError` is
raised and the caller starts a new sample from a fresh prompt (`render_all` does that for SFT)
instead of training on drifted tokens.

**Tool-call arguments.** Conversations carry `arguments` as JSON strings (OpenAI form), but
templates differ: some `| tojson` them (a string gets double-encoded), some iterate `| items` (a
string fails), some print strings verbatim. The renderer probes the template once and converts
arguments to the form it renders correctly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError

from .toolcalls import HermesParser, ToolCallParser

Message = dict[str, Any]
_BASE_USER: Message = {"role": "user", "content": "."}
_PROBE_KEY, _PROBE_VALUE = "probe_arg", "probe_value"
_PROBE_TOOL = {
    "type": "function",
    "function": {
        "name": "probe_fn",
        "description": "Probe.",
        "parameters": {"type": "object", "properties": {_PROBE_KEY: {"type": "string"}}},
    },
}


@dataclass
class Rendered:
    """One training sample: token ids and a loss mask (1 on assistant tokens to train on)."""

    input_ids: list[int]
    loss_mask: list[int]

    def __len__(self) -> int:
        return len(self.input_ids)

    @property
    def num_loss_tokens(self) -> int:
        return sum(self.loss_mask)


class PrefixDriftError(Exception):
    """The template renders the earlier conversation differently once new messages are appended;
    tokens built incrementally would no longer match what the model sees. Start a new sample."""


class Renderer:
    """Chat-template rendering with token-exact incremental appends.

    Args:
        tokenizer: a Hugging Face tokenizer with a chat template.
        parser: how tool calls are read from model text (default: Hermes/Qwen `<tool_call>` JSON).
        end_of_turn: the text of the token that ends an assistant turn; detected from the template
            (the first special token after the assistant's content, e.g. `<|im_end|>`) when omitted.
        chat_template_kwargs: extra variables for the template (e.g. `enable_thinking=False`).
    """

    def __init__(
        self,
        tokenizer: Any,
        parser: ToolCallParser | None = None,
        *,
        end_of_turn: str | None = None,
        chat_template_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        if not getattr(tokenizer, "chat_template", None):
            raise ValueError("the tokenizer has no chat template; set tokenizer.chat_template first")
        self.tokenizer = tokenizer
        self.parser = parser or HermesParser()
        self.template_kwargs = dict(chat_template_kwargs or {})
        self.end_of_turn = end_of_turn or self._detect_end_of_turn()
        self.end_of_turn_ids = self.encode(self.end_of_turn)
        self.arguments_as_object = self._detect_arguments_form()

    # ------------------------------------------------------------------ public surface
    def render(self, messages: Sequence[Mapping[str, Any]], tools: list[dict] | None = None) -> Rendered:
        """The whole conversation as one sample (SFT). Messages after the last assistant turn carry no
        loss and are left out. Raises `PrefixDriftError` if the template cannot be rendered
        incrementally; `render_all` splits into several samples instead."""
        samples = self.render_all(messages, tools, split_on_drift=False)
        return samples[0]

    def render_all(
        self,
        messages: Sequence[Mapping[str, Any]],
        tools: list[dict] | None = None,
        *,
        split_on_drift: bool = True,
    ) -> list[Rendered]:
        """The conversation as training samples: one, or one more at every prefix drift (each new
        sample starts from a fresh rendering of the conversation up to that assistant turn)."""
        msgs = self._normalise(messages)
        if not any(m["role"] == "assistant" for m in msgs):
            raise ValueError("the conversation has no assistant message: nothing to train on")
        samples: list[Rendered] = []
        ids: list[int] = []
        mask: list[int] = []
        text = ""
        previous = -1
        separator = ""
        for k, message in enumerate(msgs):
            if message["role"] != "assistant":
                continue
            prompt, turn, separator = self._assistant_turn(msgs[: k + 1], tools)
            if ids:
                try:
                    continuation = self._continuation_text(
                        msgs[: previous + 1], msgs[previous + 1 : k], tools
                    )
                    if text + continuation != prompt:
                        raise PrefixDriftError(
                            f"assistant turn at message {k}: {_first_difference(text + continuation, prompt)}"
                        )
                except PrefixDriftError:
                    if not split_on_drift:
                        raise
                    samples.append(Rendered(ids, mask))
                    ids, mask, text = [], [], ""
                else:
                    ids += self.encode(continuation)
                    mask += [0] * (len(ids) - len(mask))
                    text += continuation
            if not ids:
                ids, text = self.encode(prompt), prompt
                mask = [0] * len(ids)
            turn_ids = self.encode(turn)
            ids += turn_ids
            mask += [1] * len(turn_ids)
            text += turn
            previous = k
        ids += self.encode(separator)
        mask += [0] * (len(ids) - len(mask))
        samples.append(Rendered(ids, mask))
        return samples

    def prompt_ids(self, messages: Sequence[Mapping[str, Any]], tools: list[dict] | None = None) -> list[int]:
        """The conversation followed by the generation prompt (what the model continues from)."""
        return self.encode(self._text(self._normalise(messages), tools, generation_prompt=True))

    def continuation_ids(
        self,
        messages: Sequence[Mapping[str, Any]],
        new_messages: Sequence[Mapping[str, Any]],
        tools: list[dict] | None = None,
    ) -> list[int]:
        """Tokens to append right after the sampled tokens of the last (assistant) message in
        `messages` (which end with the end-of-turn token) so that `new_messages` follow and the next
        generation prompt is open. Raises `PrefixDriftError` when the prefix invariant breaks."""
        return self.encode(
            self._continuation_text(self._normalise(messages), self._normalise(new_messages), tools)
        )

    def parse(self, text: str) -> dict[str, Any]:
        """Completion text (trailing end-of-turn / EOS tokens are ignored) → assistant message;
        malformed tool calls raise `ToolCallParseError` (with the raw text kept)."""
        stops = [t for t in (self.end_of_turn, getattr(self.tokenizer, "eos_token", None)) if t]
        while ending := next((t for t in stops if text.endswith(t)), None):
            text = text[: -len(ending)]
        return self.parser.parse(text)

    def encode(self, text: str) -> list[int]:
        """Token ids of a piece of rendered text (template text carries its own special tokens)."""
        return list(self.tokenizer.encode(text, add_special_tokens=False))

    @property
    def stop_token_ids(self) -> list[int]:
        """Ids that end generation: the end-of-turn token (if it is a single token) and EOS."""
        stops = list(self.end_of_turn_ids) if len(self.end_of_turn_ids) == 1 else []
        eos = getattr(self.tokenizer, "eos_token_id", None)
        if isinstance(eos, int) and eos not in stops:
            stops.append(eos)
        return stops

    # ------------------------------------------------------------------ internals
    def _text(self, messages: list[Message], tools: list[dict] | None, *, generation_prompt: bool) -> str:
        return self.tokenizer.apply_chat_template(
            messages,
            tools=tools or None,
            tokenize=False,
            add_generation_prompt=generation_prompt,
            **self.template_kwargs,
        )

    def _assistant_turn(self, messages: list[Message], tools: list[dict] | None) -> tuple[str, str, str]:
        """(prompt text with generation prompt, the assistant turn through its end-of-turn token, the
        separator the template writes after it) for a conversation ending in an assistant message."""
        prompt = self._text(messages[:-1], tools, generation_prompt=True)
        full = self._text(messages, tools, generation_prompt=False)
        if not full.startswith(prompt):
            raise PrefixDriftError(
                f"the template renders the assistant turn differently from its generation prompt: "
                f"{_first_difference(prompt, full)}"
            )
        tail = full[len(prompt) :]
        end = tail.rfind(self.end_of_turn)
        if end < 0:
            raise ValueError(
                f"the rendered assistant turn does not contain the end-of-turn token {self.end_of_turn!r}: "
                f"{tail[-120:]!r}; pass end_of_turn= to Renderer"
            )
        end += len(self.end_of_turn)
        return prompt, tail[:end], tail[end:]

    def _continuation_text(
        self, messages: list[Message], new: list[Message], tools: list[dict] | None
    ) -> str:
        if not messages or messages[-1]["role"] != "assistant":
            raise ValueError("messages must end with the assistant message whose tokens were sampled")
        if any(m["role"] == "assistant" for m in new):
            raise ValueError("new_messages must not contain assistant messages: assistant turns are sampled")
        base = [dict(_BASE_USER), messages[-1]]
        base_prompt, base_turn, _ = self._assistant_turn(base, tools)
        base_full = self._text(base + new, tools, generation_prompt=True)
        if not base_full.startswith(base_prompt + base_turn):
            raise PrefixDriftError(
                f"appending {len(new)} message(s) changes the base rendering: "
                f"{_first_difference(base_prompt + base_turn, base_full)}"
            )
        suffix = base_full[len(base_prompt + base_turn) :]
        prompt, turn, _ = self._assistant_turn(messages, tools)
        full = self._text(messages + new, tools, generation_prompt=True)
        if full != prompt + turn + suffix:
            raise PrefixDriftError(
                f"the conversation with the new messages does not extend its earlier rendering: "
                f"{_first_difference(prompt + turn + suffix, full)}"
            )
        return suffix

    def _normalise(self, messages: Sequence[Mapping[str, Any]]) -> list[Message]:
        return [self._normalise_message(i, m) for i, m in enumerate(messages)]

    def _normalise_message(self, index: int, message: Mapping[str, Any]) -> Message:
        if not isinstance(message, Mapping) or "role" not in message:
            raise ValueError(f"message {index} is not a chat message with a 'role': {message!r:.120}")
        out = dict(message)
        if out.get("content") is None:
            out["content"] = ""
        calls = out.pop("tool_calls", None) or []
        if calls:
            out["tool_calls"] = [self._normalise_call(index, call) for call in calls]
        return out

    def _normalise_call(self, index: int, call: Mapping[str, Any]) -> dict[str, Any]:
        if self.arguments_as_object is None:
            raise ValueError(
                f"message {index} has tool calls but the chat template renders tool-call arguments neither "
                "from objects nor from JSON strings; use a template with tool support"
            )
        function = call.get("function", call)
        name, arguments = function.get("name"), function.get("arguments", {})
        if isinstance(arguments, str):
            try:
                parsed = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, dict):
                raise ValueError(
                    f"message {index}: arguments of tool call {name!r} are not a JSON object: "
                    f"{arguments!r:.120}"
                )
            arguments = parsed
        form = arguments if self.arguments_as_object else json.dumps(arguments, ensure_ascii=False)
        out = {"type": "function", "function": {"name": name, "arguments": form}}
        if call.get("id") is not None:
            out["id"] = call["id"]
        return out

    def _detect_end_of_turn(self) -> str:
        probe = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
        prompt = self._text(probe[:1], None, generation_prompt=True)
        full = self._text(probe, None, generation_prompt=False)
        after = full[len(prompt) :]
        after = after[after.rfind("Hello") + len("Hello") :]
        candidates = {str(t) for t in getattr(self.tokenizer, "all_special_tokens", [])}
        candidates |= {str(t.content) for t in getattr(self.tokenizer, "added_tokens_decoder", {}).values()}
        found = sorted((after.find(t), -len(t), t) for t in candidates if t and t in after)
        if not found:
            raise ValueError(
                f"cannot tell which token ends an assistant turn (after the content the template writes "
                f"{after!r}); pass end_of_turn= to Renderer"
            )
        return found[0][2]

    def _detect_arguments_form(self) -> bool | None:
        """True when the template renders arguments given as objects, False when it needs strings,
        None when it renders tool calls from neither (a template without tool support)."""
        arguments = {_PROBE_KEY: _PROBE_VALUE}
        for as_object in (True, False):
            form = arguments if as_object else json.dumps(arguments)
            call = {
                "id": "call_probe",
                "type": "function",
                "function": {"name": "probe_fn", "arguments": form},
            }
            probe = [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "", "tool_calls": [call]},
            ]
            try:
                text = self._text(probe, [_PROBE_TOOL], generation_prompt=False)
            except (TemplateError, TypeError, ValueError, AttributeError):
                continue
            clean = _PROBE_VALUE in text.split("probe_fn")[-1]
            escaped = f'\\"{_PROBE_KEY}\\"' in text or f"'{_PROBE_KEY}'" in text
            if clean and not escaped:
                return as_object
        return None


def _first_difference(expected: str, actual: str) -> str:
    i = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    start = max(0, i - 30)
    return f"at char {i}: expected {expected[start : i + 40]!r}, got {actual[start : i + 40]!r}"
