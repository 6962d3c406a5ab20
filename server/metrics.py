"""Prometheus metrics: requests, latency, tool calls by environment/tool/outcome, live sessions.

Each app gets its own CollectorRegistry, so several apps in one process (tests) never collide.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from envfactory.sdk.types import CallOutcome


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "envfactory_http_requests",
            "HTTP requests.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "envfactory_http_request_seconds",
            "HTTP request latency.",
            ["method", "route"],
            buckets=(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
            registry=self.registry,
        )
        self.tool_calls = Counter(
            "envfactory_tool_calls",
            "Tool calls executed.",
            ["env", "tool", "outcome"],
            registry=self.registry,
        )
        self.live_sessions = Gauge(
            "envfactory_live_sessions", "Sessions held in memory.", registry=self.registry
        )

    def record_calls(self, env: str, outcomes: list[CallOutcome]) -> None:
        for o in outcomes:
            if not o.replayed:
                self.tool_calls.labels(env, o.name, "ok" if o.ok else o.error_kind or "error").inc()

    def response(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            route = _route(scope)
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - start)


def _route(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"
