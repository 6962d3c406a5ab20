"""The two hot routes, `tool_calls` and `responses`, served straight from ASGI.

Under RL load these two routes are nearly every request, and a cheap tool call costs less than
FastAPI's generic path around it (seven middleware layers, routing, request and response
wrappers, dependency solving): profiling the server under the benchmark put about half of its
CPU there. So the outermost layer of the app answers exactly these requests itself, with the same
handler functions the FastAPI routes call (one behaviour, still documented in /openapi.json), the
same error table and the same metrics, and hands every other request to FastAPI untouched.
A request it is not sure about (no Content-Length, a body over the limit) also goes the normal way,
where the body limit answers 413.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .auth import KeyRing
from .errors import problem, problem_for
from .metrics import Metrics
from .sessions import Principal, SessionManager

log = logging.getLogger("envfactory.server")

#: handler(manager, principal, session_id, raw body) -> JSON bytes of the response
Handler = Callable[[SessionManager, Principal, str, bytes], Awaitable[bytes]]

_PATH = re.compile(r"/v1/sessions/([^/]+)/(tool_calls|responses)")
_JSON_HEADERS = [(b"content-type", b"application/json")]


class HotPath:
    def __init__(
        self, app: ASGIApp, state: Any, handlers: dict[str, Handler], metrics: Metrics, max_bytes: int
    ) -> None:
        self.app = app
        self.state = state  # the FastAPI app's state: keys now, the session manager once started
        self.handlers = handlers
        self.metrics = metrics
        self.max_bytes = max_bytes
        self._observers: dict[tuple[str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = (
            _PATH.fullmatch(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        )
        if match is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        session_id, kind = match.groups()
        status, payload, extra = 200, b"", []
        try:
            keys: KeyRing = self.state.keys
            authorization = headers.get(b"authorization")
            principal = keys.authenticate(authorization.decode("latin-1") if authorization else None)
            payload = await self.handlers[kind](self.state.manager, principal, session_id, bytes(body))
        except Exception as exc:
            response = problem_for(exc, scope["path"])
            if response is None:
                log.exception("unhandled error in %s", scope["path"])
                response = problem(500, "Internal server error.", scope["path"])
            status, payload = response.status_code, response.body
            extra = [(k, v) for k, v in response.raw_headers if k != b"content-length"]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": (extra or _JSON_HEADERS) + [(b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})
        self._observe(kind, status, time.perf_counter() - start)

    def _observe(self, kind: str, status: int, seconds: float) -> None:
        observers = self._observers.get((kind, status))
        if observers is None:
            route = f"/v1/sessions/{{session_id}}/{kind}"
            observers = (
                self.metrics.requests.labels("POST", route, str(status)),
                self.metrics.latency.labels("POST", route),
            )
            self._observers[(kind, status)] = observers
        observers[0].inc()
        observers[1].observe(seconds)
