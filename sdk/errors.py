"""Errors the SDK raises, mapped from the server's problem+json answers and from httpx in one place.

    EnvFactoryError
    ├── APIConnectionError           the server could not be reached or the connection dropped
    │   └── APITimeoutError          no answer within the timeout
    └── APIStatusError               the server answered with an error status (`.status`, `.problem`)
        ├── BadRequestError          422 malformed or impossible request
        ├── AuthenticationError      401 no or unknown API key
        ├── PermissionDeniedError    403 the key's role may not do this
        ├── NotFoundError            404 unknown environment, task or session
        ├── ConflictError            409 the session is closed, or has no task
        ├── PayloadTooLargeError     413
        ├── RateLimitError           429 too many sessions for this key
        ├── ServiceUnavailableError  503 the server is shutting down or its log is unavailable
        └── InternalServerError      other 5xx

Tool failures are not errors here: they come back as tool messages, as the agent should see them.
"""

from __future__ import annotations

import json
from typing import Any

import httpx


class EnvFactoryError(Exception):
    """Base of every error the SDK raises."""


class APIConnectionError(EnvFactoryError):
    pass


class APITimeoutError(APIConnectionError):
    pass


class APIStatusError(EnvFactoryError):
    status: int = 0

    def __init__(self, message: str, status: int, problem: dict[str, Any]) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class PayloadTooLargeError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class ServiceUnavailableError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: BadRequestError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for an error response (problem+json, or whatever the server sent)."""
    try:
        problem = response.json()
    except json.JSONDecodeError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    detail = problem.get("detail") or response.text[:500] or response.reason_phrase
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    method, url = response.request.method, response.request.url.path
    return cls(f"{method} {url} -> {response.status_code}: {detail}", response.status_code, problem)


def connection_error(exc: httpx.TransportError) -> APIConnectionError:
    """httpx's transport errors, translated at the boundary."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"The server did not answer in time ({type(exc).__name__}).")
    return APIConnectionError(f"Could not talk to the server: {type(exc).__name__}: {exc}")
