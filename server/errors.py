"""Protocol errors of the server and the one table that maps every error to problem+json.

    ServerError            (500)
    ├── BadRequest         (422) the body is well-formed JSON but says something impossible
    ├── Unauthorized       (401) no or unknown API key
    ├── Forbidden          (403) the key's role may not do this
    ├── NotFound           (404) unknown session (or one that belongs to another key)
    ├── Conflict           (409) the session is closed, or has no task to evaluate against
    ├── PayloadTooLarge    (413)
    ├── TooManySessions    (429)
    └── Unavailable        (503) shutting down

Errors of the environment layer are translated here too (`ERROR_STATUS`), so no other module
decides a status code. Tool failures are never HTTP errors: they are tool messages.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from envfactory.environments import (
    ResetOnlyError,
    StateError,
    TaskFormatError,
    UnknownEnvironmentError,
    UnknownTaskError,
)

PROBLEM_JSON = "application/problem+json"


class ServerError(Exception):
    status = 500

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class BadRequest(ServerError):
    status = 422


class Unauthorized(ServerError):
    status = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ServerError):
    status = 403


class NotFound(ServerError):
    status = 404


class Conflict(ServerError):
    status = 409


class PayloadTooLarge(ServerError):
    status = 413


class TooManySessions(ServerError):
    status = 429


class Unavailable(ServerError):
    status = 503


ERROR_STATUS: dict[type[Exception], int] = {
    UnknownEnvironmentError: 404,
    UnknownTaskError: 404,
    StateError: 422,
    ResetOnlyError: 409,
    TaskFormatError: 422,
}


def problem(status: int, detail: str, instance: str | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def problem_for(exc: Exception, instance: str | None) -> JSONResponse | None:
    """The problem+json response for a protocol error (None: not one of ours, a real crash)."""
    if isinstance(exc, ServerError):
        response = problem(exc.status, exc.detail, instance)
        response.headers.update(exc.headers or {})
        return response
    if type(exc) in ERROR_STATUS:
        return problem(ERROR_STATUS[type(exc)], str(exc), instance)
    if isinstance(exc, RequestValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return problem(422, f"Invalid request: {where}: {first['msg']}", instance, errors=errors)
    if isinstance(exc, StarletteHTTPException):
        return problem(exc.status_code, str(exc.detail), instance)
    return None


def install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        response = problem_for(exc, request.url.path)
        assert response is not None  # registered only for the types problem_for knows
        return response

    for exc_type in (ServerError, *ERROR_STATUS, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(exc_type, handle)
