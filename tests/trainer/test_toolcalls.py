"""Hermes/Qwen `<tool_call>` parsing: what models write, and every way it goes wrong."""

from __future__ import annotations

import json

import pytest

from envfactory.trainer.toolcalls import (
    HermesParser,
    ToolCallParseError,
    get_parser,
    parser_names,
    register_parser,
    tool_call,
)


def arguments(message: dict, i: int = 0) -> dict:
    return json.loads(message["tool_calls"][i]["function"]["arguments"])


def test_plain_text_is_an_answer_without_tool_calls():
    assert HermesParser().parse("  The tap is fixed.\n") == {
        "role": "assistant",
        "content": "The tap is fixed.",
        "tool_calls": [],
    }


def test_calls_with_content_in_front_and_parallel_calls():
    text = (
        "Let me look.\n<tool_call>\n"
        '{"name": "find_items", "arguments": {"query": "tap"}}\n</tool_call>\n'
        '<tool_call>{"name": "list_lists", "arguments": {}}</tool_call>\n'
    )
    message = HermesParser().parse(text)
    assert message["content"] == "Let me look."
    assert [c["function"]["name"] for c in message["tool_calls"]] == ["find_items", "list_lists"]
    assert arguments(message) == {"query": "tap"} and arguments(message, 1) == {}
    assert all(c["type"] == "function" and c["id"].startswith("call_") for c in message["tool_calls"])
    assert len({c["id"] for c in message["tool_calls"]}) == 2


def test_arguments_given_as_a_json_string_or_missing_are_accepted():
    message = HermesParser().parse('<tool_call>{"name": "f", "arguments": "{\\"a\\": [1, 2]}"}</tool_call>')
    assert message["content"] is None and arguments(message) == {"a": [1, 2]}
    assert arguments(HermesParser().parse('<tool_call>{"name": "g"}</tool_call>')) == {}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('<tool_call>{"name": "f", "arguments": {"a": }}</tool_call>', "not valid JSON"),
        ('<tool_call>{"arguments": {}}</tool_call>', '"name": <function-name>'),
        ('<tool_call>["f"]</tool_call>', "must be a JSON object"),
        ('<tool_call>{"name": "f", "arguments": [1]}</tool_call>', "arguments of 'f' must be a JSON object"),
        ('<tool_call>{"name": "f", "arguments": "a=1"}</tool_call>', "string that is not JSON"),
        ('<tool_call>{"name": "f", "arguments": {}}', "never closed"),
        ('<tool_call>{"name": "f"}</tool_call> and then prose', "unexpected text after a tool call"),
        ('{"name": "f"}</tool_call>', "without a matching"),
    ],
)
def test_malformed_calls_raise_with_the_raw_text_kept(text, reason):
    with pytest.raises(ToolCallParseError, match=reason) as caught:
        HermesParser().parse(text)
    assert caught.value.raw == text
    assert caught.value.message == {"role": "assistant", "content": text, "tool_calls": []}


def test_tool_call_helper_encodes_arguments():
    call = tool_call("f", {"é": 1}, "call_1")
    assert call == {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"é": 1}'}}


def test_parsers_are_pluggable_by_name():
    class Upper(HermesParser):
        name = "upper"

        def parse(self, text: str) -> dict:
            return super().parse(text.upper())

    register_parser("upper-test", Upper)
    assert "upper-test" in parser_names()
    assert get_parser("upper-test").parse("hi")["content"] == "HI"
    with pytest.raises(ValueError, match="already registered"):
        register_parser("upper-test", Upper)
    register_parser("upper-test", HermesParser, replace=True)
    assert isinstance(get_parser("hermes"), HermesParser)
    with pytest.raises(ValueError, match="Did you mean 'hermes'"):
        get_parser("hermez")
