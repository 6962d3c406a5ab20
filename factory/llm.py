"""The factory's LLM: any OpenAI-compatible chat endpoint, configured from the environment.

`ENVFACTORY_LLM_BASE_URL` (required for LLM mode), `ENVFACTORY_LLM_MODEL` (default `gpt-4o-mini`),
`ENVFACTORY_LLM_API_KEY` (falls back to `OPENAI_API_KEY`; local servers accept any). Synthesis
prompts ask for text or JSON; `complete_json` extracts the first JSON value from the answer (models
wrap it in prose or code fences) and asks once more, with the parse error, when there is none.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from envfactory.sdk.agent import ChatModel

_FENCE = re.compile(r"```(?:json|python|py)?\s*\n(.*?)```", re.DOTALL)


class LLMError(RuntimeError):
    """The LLM endpoint could not be reached, or its answer could not be used."""


@dataclass
class LLM:
    """One OpenAI-compatible chat endpoint used by synthesis (queries, refinement, environment code)."""

    base_url: str
    model: str = "gpt-4o-mini"
    api_key: str = "EMPTY"
    temperature: float = 0.7
    max_tokens: int | None = None
    timeout: float = 120.0
    _client: Any = field(default=None, init=False, repr=False)

    @classmethod
    def from_env(cls, **overrides: Any) -> LLM:
        """The endpoint named by `ENVFACTORY_LLM_*`; raises `LLMError` when no base URL is set."""
        base_url = overrides.pop("base_url", None) or os.environ.get("ENVFACTORY_LLM_BASE_URL")
        if not base_url:
            raise LLMError("no LLM configured: set ENVFACTORY_LLM_BASE_URL (any OpenAI-compatible endpoint)")
        model = overrides.pop("model", None) or os.environ.get("ENVFACTORY_LLM_MODEL") or cls.model
        key = os.environ.get("ENVFACTORY_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY") or "EMPTY"
        return cls(base_url=base_url, model=model, api_key=overrides.pop("api_key", None) or key, **overrides)

    @classmethod
    def configured(cls) -> bool:
        return bool(os.environ.get("ENVFACTORY_LLM_BASE_URL"))

    @property
    def client(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.base_url, api_key=self.api_key, timeout=self.timeout, max_retries=2
            )
        return self._client

    def complete(self, messages: list[dict[str, Any]], **params: Any) -> str:
        """The assistant's text for `messages`; `params` override sampling (temperature, seed, …)."""
        import openai

        request = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.max_tokens is not None:
            request["max_tokens"] = self.max_tokens
        request.update(params)
        try:
            response = self.client.chat.completions.create(**request)
        except openai.OpenAIError as error:
            raise LLMError(f"LLM request to {self.base_url} failed: {error}") from error
        content = response.choices[0].message.content
        if content is None:
            raise LLMError("the LLM answered without text")
        return content

    def complete_json(self, messages: list[dict[str, Any]], **params: Any) -> Any:
        """The first JSON value in the answer; one follow-up request when the answer holds none."""
        text = self.complete(messages, **params)
        try:
            return extract_json(text)
        except ValueError as error:
            retry = [
                *messages,
                {"role": "assistant", "content": text},
                {"role": "user", "content": f"That was not valid JSON ({error}). Answer with JSON only."},
            ]
            try:
                return extract_json(self.complete(retry, **params))
            except ValueError as again:
                raise LLMError(f"the LLM did not answer with JSON: {again}") from again

    def chat_model(self, **sampling: Any) -> ChatModel:
        """The same endpoint as an SDK `ChatModel`, for solver agents run with `run_episode`."""
        return ChatModel(model=self.model, base_url=self.base_url, api_key=self.api_key, **sampling)


def extract_json(text: str) -> Any:
    """The JSON value in `text`: the whole text, a fenced block, or the first `{`/`[` that parses."""
    candidates = [text.strip(), *(block.strip() for block in _FENCE.findall(text))]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            pass
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char in "{[":
            try:
                return decoder.raw_decode(text, index)[0]
            except json.JSONDecodeError:
                continue
    raise ValueError("no JSON value found in the answer")


def extract_code(text: str) -> str:
    """The Python source in `text`: the longest fenced block, else the whole text."""
    blocks = _FENCE.findall(text)
    return max(blocks, key=len) if blocks else text
