"""The renderer: masks equal the chat template's own assistant masks, RL appends are token-exact,
arguments are normalised per template, and prefix drift is detected."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from envfactory.trainer.render import PrefixDriftError, Renderer
from envfactory.trainer.toolcalls import ToolCallParseError

DATA = Path(__file__).parent / "data"
QWEN25 = (DATA / "qwen2_5.jinja").read_text()
QWEN25_MARKED = (DATA / "qwen2_5_generation.jinja").read_text()
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "find_items",
            "description": "Find items.",
            "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
        },
    }
]


def call(call_id: str, name: str, arguments: Any) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def rich_conversation() -> list[dict[str, Any]]:
    """Content with calls, parallel calls, grouped tool results, dict and string arguments, a follow-up
    user turn and non-ASCII text."""
    return [
        {"role": "system", "content": "You keep a to-do list."},
        {"role": "user", "content": "Tick off the tap, and the café booking."},
        {"role": "assistant", "content": None, "tool_calls": [call("c1", "find_items", '{"query": "tap"}')]},
        {"role": "tool", "tool_call_id": "c1", "content": '[{"id": "T102"}]'},
        {
            "role": "assistant",
            "content": "Found the tap; looking for the café too.",
            "tool_calls": [
                call("c2", "complete_item", {"item_id": "T102"}),
                call("c3", "find_items", '{"query": "café"}'),
            ],
        },
        {"role": "tool", "tool_call_id": "c2", "content": '{"id": "T102", "done": true}'},
        {"role": "tool", "tool_call_id": "c3", "content": "[]"},
        {"role": "assistant", "content": "The tap is done; I found no café booking."},
        {"role": "user", "content": "Thanks!"},
        {"role": "assistant", "content": "You're welcome."},
    ]


def with_template(tokenizer: Any, template: str) -> Any:
    clone = copy.deepcopy(tokenizer)
    clone.chat_template = template
    return clone


def template_mask(
    tokenizer: Any, messages: list[dict], tools: list[dict] | None
) -> tuple[list[int], list[int]]:
    """`apply_chat_template`'s own ids and `{% generation %}` mask (arguments given as objects)."""
    messages = [
        {**m, "tool_calls": [_object_args(c) for c in m["tool_calls"]]} if m.get("tool_calls") else m
        for m in messages
    ]
    out = tokenizer.apply_chat_template(
        messages, tools=tools, return_dict=True, return_assistant_tokens_mask=True
    )
    return list(out["input_ids"]), list(out["assistant_masks"])


def _object_args(c: dict[str, Any]) -> dict[str, Any]:
    arguments = c["function"]["arguments"]
    arguments = json.loads(arguments) if isinstance(arguments, str) else arguments
    return {**c, "function": {**c["function"], "arguments": arguments}}


def span_mask(tokenizer: Any, text: str) -> tuple[list[int], list[int]]:
    """An independent reference: tokens inside `<|im_start|>assistant\\n ... <|im_end|>` spans of the
    fully rendered text (found by a regular expression, mapped through character offsets)."""
    spans = [m.span(1) for m in re.finditer(r"<\|im_start\|>assistant\n(.*?<\|im_end\|>)", text, re.DOTALL)]
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    mask = [int(any(s <= a and b <= e for s, e in spans)) for a, b in encoded["offset_mapping"]]
    return list(encoded["input_ids"]), mask


def test_masks_equal_the_generation_masks_of_apply_chat_template_on_catalog_rows(tiny_tokenizer, sft_rows):
    renderer = Renderer(tiny_tokenizer)
    for row in [*sft_rows, {"messages": rich_conversation(), "tools": TOOLS}]:
        rendered = renderer.render(row["messages"], row["tools"])
        ids, mask = template_mask(tiny_tokenizer, row["messages"], row["tools"])
        assert rendered.input_ids == ids
        assert rendered.loss_mask == mask
        assert 0 < rendered.num_loss_tokens < len(rendered)


def test_masks_equal_a_qwen25_template_with_generation_markers(tiny_tokenizer):
    tokenizer = with_template(tiny_tokenizer, QWEN25_MARKED)
    rendered = Renderer(tokenizer).render(rich_conversation(), TOOLS)
    assert (rendered.input_ids, rendered.loss_mask) == template_mask(tokenizer, rich_conversation(), TOOLS)


@pytest.mark.parametrize("tools", [TOOLS, None])
def test_masks_equal_assistant_spans_of_the_unmodified_qwen25_template(tiny_tokenizer, tools):
    tokenizer = with_template(tiny_tokenizer, QWEN25)
    messages = rich_conversation()
    renderer = Renderer(tokenizer)
    text = tokenizer.apply_chat_template([_as_objects(m) for m in messages], tools=tools, tokenize=False)
    assert text == with_template(tiny_tokenizer, QWEN25_MARKED).apply_chat_template(
        [_as_objects(m) for m in messages], tools=tools, tokenize=False
    )
    rendered = renderer.render(messages, tools)
    assert (rendered.input_ids, rendered.loss_mask) == span_mask(tokenizer, text)
    trained = tokenizer.decode([t for t, m in zip(rendered.input_ids, rendered.loss_mask, strict=True) if m])
    assert trained.count("<|im_end|>") == 4 and "<|im_start|>" not in trained and "Thanks" not in trained


def _as_objects(message: dict[str, Any]) -> dict[str, Any]:
    return (
        {**message, "tool_calls": [_object_args(c) for c in message["tool_calls"]]}
        if message.get("tool_calls")
        else message
    )


def test_string_arguments_are_not_double_encoded_by_a_tojson_template(tiny_tokenizer):
    tokenizer = with_template(tiny_tokenizer, QWEN25)
    renderer = Renderer(tokenizer)
    assert renderer.arguments_as_object
    naive = tokenizer.apply_chat_template(rich_conversation(), tools=TOOLS, tokenize=False)
    assert '"arguments": "{\\"query\\": \\"tap\\"}"' in naive  # what the template does to a string
    text = tokenizer.decode(renderer.render(rich_conversation(), TOOLS).input_ids)
    assert '"arguments": {"query": "tap"}' in text and '\\"' not in text


def test_a_template_that_prints_arguments_verbatim_gets_json_strings(tiny_tokenizer):
    verbatim = QWEN25.replace("{{- tool_call.arguments | tojson }}", "{{- tool_call.arguments }}")
    renderer = Renderer(with_template(tiny_tokenizer, verbatim))
    assert not renderer.arguments_as_object
    text = tiny_tokenizer.decode(renderer.render(rich_conversation(), TOOLS).input_ids)
    assert '"arguments": {"item_id": "T102"}' in text and "'item_id'" not in text


def test_a_template_that_iterates_argument_items_gets_objects(tiny_tokenizer):
    items = QWEN25.replace(
        "{{- tool_call.arguments | tojson }}",
        "{%- for key, value in tool_call.arguments | items %}<{{ key }}={{ value }}>{%- endfor %}",
    )
    renderer = Renderer(with_template(tiny_tokenizer, items))
    assert renderer.arguments_as_object
    assert "<query=tap>" in tiny_tokenizer.decode(renderer.render(rich_conversation(), TOOLS).input_ids)


def test_rl_appends_after_sampled_tokens_rebuild_the_sft_sample_exactly(tiny_tokenizer):
    """Prompt, then per turn the sampled tokens and `continuation_ids`: the same ids as `render`."""
    for tokenizer in (tiny_tokenizer, with_template(tiny_tokenizer, QWEN25)):
        renderer = Renderer(tokenizer)
        messages = rich_conversation()
        turns = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
        ids = renderer.prompt_ids(messages[: turns[0]], TOOLS)
        for n, k in enumerate(turns):
            sampled = renderer.render(messages[: k + 1], TOOLS).input_ids[len(ids) :]
            sampled = sampled[: len(sampled) - len(renderer.encode("\n"))]  # the model stops at <|im_end|>
            assert sampled[-1:] == renderer.end_of_turn_ids
            ids += sampled
            after = messages[k + 1 : turns[n + 1]] if n + 1 < len(turns) else []
            if after:
                continuation = renderer.continuation_ids(messages[: k + 1], after, TOOLS)
                assert tokenizer.decode(continuation).startswith("\n<|im_start|>user\n")
                assert tokenizer.decode(continuation).endswith("<|im_start|>assistant\n")
                ids += continuation
        assert ids + renderer.encode("\n") == renderer.render(messages, TOOLS).input_ids


def test_continuation_never_re_renders_the_sampled_turn(tiny_tokenizer):
    """The sampled text may differ from how the template would write the parsed message (spacing);
    the continuation is the same either way."""
    renderer = Renderer(tiny_tokenizer)
    sampled = '<tool_call>{"name":"find_items","arguments":{"query":"tap"}}</tool_call><|im_end|>'
    assistant = renderer.parse(sampled)
    history = [{"role": "user", "content": "Find the tap."}, assistant]
    tool = {"role": "tool", "tool_call_id": assistant["tool_calls"][0]["id"], "content": "[]"}
    continuation = renderer.continuation_ids(history, [tool], TOOLS)
    expected = "\n<|im_start|>user\n<tool_response>\n[]\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
    assert tiny_tokenizer.decode(continuation) == expected


DRIFTING = """\
{%- set ns = namespace(last_user=-1) %}
{%- for m in messages %}
{%- if m.role == 'user' %}{%- set ns.last_user = loop.index0 %}{%- endif %}
{%- endfor %}
{%- for m in messages %}
{%- if m.role == 'assistant' %}
{{- '<|im_start|>assistant\\n' }}
{%- if loop.index0 > ns.last_user %}{{- m.content }}{%- else %}{{- m.content.split('|')[-1] }}{%- endif %}
{{- '<|im_end|>\\n' }}
{%- else %}
{{- '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}
"""


def drifting_conversation() -> list[dict[str, Any]]:
    """Like Qwen3's reasoning: the part before `|` is dropped once a later user turn exists."""
    return [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "thinking|Hello"},
        {"role": "tool", "content": "x"},
        {"role": "assistant", "content": "more|Done"},
        {"role": "user", "content": "Again"},
        {"role": "assistant", "content": "hmm|Sure"},
    ]


def test_prefix_drift_raises_and_render_all_starts_a_new_sample(tiny_tokenizer):
    renderer = Renderer(with_template(tiny_tokenizer, DRIFTING))
    messages = drifting_conversation()
    assert renderer.continuation_ids(messages[:2], messages[2:3])  # a tool turn keeps the prefix
    with pytest.raises(PrefixDriftError, match="changes the base rendering"):
        renderer.continuation_ids(messages[:4], messages[4:5])
    with pytest.raises(PrefixDriftError):
        renderer.render(messages)
    first, second = renderer.render_all(messages)
    decode = renderer.tokenizer.decode
    assert "more|Done" in decode(first.input_ids) and "Again" not in decode(first.input_ids)
    assert second.input_ids[: len(p := renderer.prompt_ids(messages[:5]))] == p
    assert "thinking|" not in decode(second.input_ids)
    assert (
        decode([t for t, m in zip(second.input_ids, second.loss_mask, strict=True) if m])
        == "hmm|Sure<|im_end|>"
    )


def test_a_suffix_that_depends_on_the_position_in_the_conversation_is_drift(tiny_tokenizer):
    """The base conversation numbers a tool turn 2, the real one 4: the fixed base is not valid."""
    numbered = DRIFTING.replace("m.role + '\\n'", "m.role + (loop.index0 | string) + '\\n'")
    renderer = Renderer(with_template(tiny_tokenizer, numbered))
    messages = [
        *drifting_conversation()[:4],
        {"role": "tool", "content": "y"},
        {"role": "assistant", "content": "ok"},
    ]
    assert renderer.continuation_ids(messages[:2], messages[2:3])  # index 2 in both
    with pytest.raises(PrefixDriftError, match="does not extend its earlier rendering"):
        renderer.continuation_ids(messages[:4], messages[4:5])
    assert len(renderer.render_all(messages)) == 2


def test_parse_ignores_the_end_of_turn_token_and_raises_on_malformed_calls(tiny_tokenizer):
    renderer = Renderer(tiny_tokenizer)
    message = renderer.parse(
        'Sure.\n<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call><|im_end|>'
    )
    assert message["content"] == "Sure."
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"a": 1}
    base_model = with_template(tiny_tokenizer, tiny_tokenizer.chat_template)
    base_model.eos_token = "<|endoftext|>"  # as in base (non-instruct) Qwen tokenizers
    text = '<tool_call>{"name": "f", "arguments": {}}</tool_call><|im_end|><|endoftext|>'
    assert Renderer(base_model).parse(text)["tool_calls"][0]["function"]["name"] == "f"
    with pytest.raises(ToolCallParseError) as caught:
        renderer.parse('<tool_call>\n{"name": "f", "arguments": {"a": }\n</tool_call><|im_end|>')
    assert caught.value.raw.startswith("<tool_call>")


def test_bad_input_is_named(tiny_tokenizer):
    renderer = Renderer(tiny_tokenizer)
    with pytest.raises(ValueError, match="no assistant message"):
        renderer.render([{"role": "user", "content": "Hi"}])
    bad = [{"role": "user", "content": "Hi"}, {"role": "assistant", "tool_calls": [call("c", "f", "{oops")]}]
    with pytest.raises(ValueError, match=r"message 1: arguments of tool call 'f' are not a JSON object"):
        renderer.render(bad)
    with pytest.raises(ValueError, match="must not contain assistant"):
        renderer.continuation_ids(rich_conversation()[:3], [{"role": "assistant", "content": "x"}])
    with pytest.raises(ValueError, match="must end with the assistant"):
        renderer.continuation_ids(rich_conversation()[:2], [{"role": "user", "content": "x"}])
    no_template = with_template(tiny_tokenizer, None)
    with pytest.raises(ValueError, match="no chat template"):
        Renderer(no_template)


def test_stop_tokens_and_end_of_turn_are_detected(tiny_tokenizer):
    renderer = Renderer(tiny_tokenizer)
    assert renderer.end_of_turn == "<|im_end|>"
    assert renderer.stop_token_ids == [tiny_tokenizer.convert_tokens_to_ids("<|im_end|>")]
