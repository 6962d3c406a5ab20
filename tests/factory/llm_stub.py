"""A recorded-response OpenAI-compatible chat endpoint for factory tests: real HTTP on 127.0.0.1,
no model.

    with LLMStub(["first answer", "second answer"]) as stub:
        llm = LLM(base_url=stub.url)
        ...
    stub.requests  # every request body, in order

Replies are chosen per request: the first `Rule` whose `match` fits the request (a substring or
regex of the last user message, or a predicate on the whole body) and still has uses left;
otherwise the next scripted reply in order. When nothing is left the stub answers HTTP 400 with a
message saying so, so a test that asks more than it scripted fails loudly instead of hanging
(the `openai` client does not retry 4xx).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Matcher = str | re.Pattern[str] | Callable[[dict[str, Any]], bool]


@dataclass
class Rule:
    """Answer `reply` to requests that `match`, at most `times` times (None: every time)."""

    match: Matcher
    reply: str
    times: int | None = None

    def fits(self, body: dict[str, Any]) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if callable(self.match) and not isinstance(self.match, re.Pattern):
            return bool(self.match(body))
        text = last_user_message(body)
        if isinstance(self.match, re.Pattern):
            return self.match.search(text) is not None
        return self.match in text


def last_user_message(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1].get("content", "") if users else ""
    if isinstance(content, list):  # content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


Responder = Callable[[dict[str, Any]], dict[str, Any]]


class LLMStub:
    """Replies from `script` and `rules`, or, with `respond`, the assistant message it returns for
    each request body (for stubs that compute their answers)."""

    def __init__(
        self, script: Iterable[str] = (), rules: Iterable[Rule] = (), respond: Responder | None = None
    ) -> None:
        self.script: deque[str] = deque(script)
        self.rules = list(rules)
        self.respond = respond
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> LLMStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def reply_for(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The assistant message for a request (None when nothing scripted is left)."""
        with self._lock:
            self.requests.append(body)
            if self.respond is not None:
                return self.respond(body)
            for rule in self.rules:
                if rule.fits(body):
                    if rule.times is not None:
                        rule.times -= 1
                    return {"role": "assistant", "content": rule.reply}
            return {"role": "assistant", "content": self.script.popleft()} if self.script else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": f"no route {self.path}"}})
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                reply = stub.reply_for(body)
                if reply is None:
                    message = f"LLMStub: no scripted reply left for request {len(stub.requests)}"
                    return self._send(400, {"error": {"message": message, "type": "invalid_request_error"}})
                return self._send(200, completion(body, reply, len(stub.requests)))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler


def completion(body: dict[str, Any], message: dict[str, Any], n: int) -> dict[str, Any]:
    """A chat.completion answering `body` with the assistant `message`."""
    prompt = sum(len(json.dumps(m)) for m in body.get("messages", [])) // 4
    done = len(json.dumps(message)) // 4
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return {
        "id": f"chatcmpl-stub-{n}",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
    }
