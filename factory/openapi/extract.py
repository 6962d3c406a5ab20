"""Operations as the compiler sees them: parameters, request body and success response, with
schemas normalized and the payload of the response unwrapped.

Transport parameters (OAuth tokens, `prettyPrint`, `alt`, API keys declared as security schemes,
headers and cookies) are left out: they configure the HTTP exchange, not the operation, and a
simulated service has no use for them.

Unwrapping finds the entity inside a response: `[Pet]` or `{"messages": [Message], "nextPageToken":
...}` is a list of items; `{"data": {...}}` (JSON:API) or a single-property object is opened; an
object with an id-like field is an item itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .loader import METHODS, Document, Resolver
from .naming import clean_text, singular, snake, words
from .paths import Shape

_TRANSPORT = frozenset(
    {
        "access_token",
        "oauth_token",
        "upload_protocol",
        "uploadType",
        "prettyPrint",
        "quotaUser",
        "$.xgafv",
        "_.xgafv",
        "alt",
        "callback",
    }
)
_WRAPPER_KEYS = ("data", "result", "results", "response", "payload")
_LIST_KEYS = frozenset(
    {
        "data",
        "items",
        "results",
        "records",
        "values",
        "list",
        "content",
        "entries",
        "elements",
        "rows",
        "hits",
        "objects",
        "resources",
        "collection",
    }
)
_BATCH_EXTRAS = frozenset({"pagination", "meta", "paging", "links", "options"})
_ID_WORDS = frozenset({"id", "key", "uuid", "guid"})
_NAME_NOISE = frozenset(
    {"response", "dto", "model", "resource", "object", "entity", "schema", "body", "result"}
)


@dataclass
class RawParam:
    name: str
    location: str
    required: bool
    description: str
    spec: dict[str, Any]


@dataclass
class RawOp:
    method: str
    path: str
    operation_id: str
    description: str
    params: list[RawParam]
    body: dict[str, Any] | None
    response: dict[str, Any] | None
    payload: str | None = None  # "list" | "object" | "other" | None (no response schema)
    item: dict[str, Any] | None = None
    #: A request body that carries several items: (wrapper property or None for a bare array, item).
    batch: tuple[str | None, dict[str, Any]] | None = None
    shape: Shape = field(default_factory=lambda: Shape(anchor=None, prefix="/"))

    @property
    def where(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(doc: Document, resolver: Resolver) -> list[RawOp]:
    spec = doc.spec
    dropped = _security_params(spec)
    out = []
    for path, item in spec["paths"].items():
        item = resolver.deref(item)
        shared = [resolver.deref(p) for p in item.get("parameters", []) or []]
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params = _params(
                shared, [resolver.deref(p) for p in op.get("parameters", []) or []], resolver, dropped
            )
            summary = clean_text(op.get("summary"), 300)
            detail = clean_text(op.get("description"))
            stop = "" if not summary or summary.endswith((".", "!", "?", ":")) else "."
            text = summary if not detail or detail == summary else f"{summary}{stop} {detail}".strip()
            raw = RawOp(
                method=method,
                path=path,
                operation_id=str(op.get("operationId") or ""),
                description=text,
                params=params,
                body=_body(op, resolver),
                response=_response(op, resolver),
            )
            raw.payload, raw.item = unwrap(raw.response)
            raw.batch = batch(raw.body)
            out.append(raw)
    return out


def _security_params(spec: dict[str, Any]) -> set[str]:
    schemes = spec.get("components", {}).get("securitySchemes", {}) or {}
    return {
        s["name"]
        for s in schemes.values()
        if isinstance(s, dict) and s.get("type") == "apiKey" and "name" in s
    }


def _params(
    shared: list[dict[str, Any]], own: list[dict[str, Any]], resolver: Resolver, dropped: set[str]
) -> list[RawParam]:
    merged = {(p.get("name"), p.get("in")): p for p in shared if p}
    merged.update({(p.get("name"), p.get("in")): p for p in own if p})
    out = []
    for (name, where), p in merged.items():
        if where not in ("path", "query") or not isinstance(name, str) or _is_transport(name, p, dropped):
            continue
        schema = p.get("schema")
        if schema is None and isinstance(p.get("content"), dict) and p["content"]:
            schema = next(iter(p["content"].values())).get("schema")
        spec = resolver.schema(schema or {"type": "string"})
        spec.setdefault("type", "string")
        out.append(
            RawParam(
                name=name,
                location=where,
                required=bool(p.get("required")) or where == "path",
                description=clean_text(p.get("description") or spec.get("description"), 300),
                spec=spec,
            )
        )
    return out


def _is_transport(name: str, p: dict[str, Any], dropped: set[str]) -> bool:
    text = str(p.get("description", "")).lower()
    return (
        name in _TRANSPORT
        or name in dropped
        or (name == "key" and "api key" in text)
        or (name == "fields" and "partial response" in text)
    )


def _media_schema(content: Any) -> dict[str, Any] | None:
    if not isinstance(content, dict) or not content:
        return None
    ranked = sorted(
        content.items(),
        key=lambda kv: 0 if "json" in kv[0] else 1 if "form" in kv[0] else 2 if kv[0] == "*/*" else 3,
    )
    for _, media in ranked:
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            return media["schema"]
    return None


def _body(op: dict[str, Any], resolver: Resolver) -> dict[str, Any] | None:
    body = resolver.deref(op.get("requestBody"))
    schema = _media_schema(body.get("content"))
    return resolver.schema(schema) if schema is not None else None


def _response(op: dict[str, Any], resolver: Resolver) -> dict[str, Any] | None:
    responses = op.get("responses") or {}
    codes = sorted((c for c in responses if str(c).startswith("2")), key=lambda c: (c != "200", c))
    for code in codes:
        schema = _media_schema(resolver.deref(responses[code]).get("content"))
        if schema is not None:
            return resolver.schema(schema)
    return None


# ----------------------------------------------------------------- response payloads
def is_object(schema: dict[str, Any] | None) -> bool:
    return bool(schema) and schema.get("type") == "object" and bool(schema.get("properties"))


def id_like(name: str) -> bool:
    parts = words(name)
    return bool(parts) and parts[-1] in _ID_WORDS


def unwrap(schema: dict[str, Any] | None) -> tuple[str | None, dict[str, Any] | None]:
    """(payload kind, item schema) of a response: see the module docstring."""
    for _ in range(4):
        if not schema:
            return None, None
        if schema.get("type") == "array":
            items = schema.get("items") or {}
            return ("list", items) if is_object(items) else ("other", schema)
        if not is_object(schema):
            return "other", schema
        props = schema["properties"]
        inner = _wrapped(props)
        if inner is not None:
            schema = inner
            continue
        listed = _listed(props, schema)
        if listed is not None:
            return "list", listed[1]
        return "object", schema
    return "object", schema


def _wrapped(props: dict[str, Any]) -> dict[str, Any] | None:
    if len(props) == 1:
        only = next(iter(props.values()))
        return (
            only if only.get("type") in ("object", "array") and (is_object(only) or "items" in only) else None
        )
    for key in _WRAPPER_KEYS:
        sub = props.get(key)
        if sub and (is_object(sub) or (sub.get("type") == "array" and is_object(sub.get("items")))):
            others = [k for k in props if k != key]
            if all(k in ("meta", "links", "included", "paging", "pagination", "errors") for k in others):
                return sub
    return None


def _listed(props: dict[str, Any], schema: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(property, item schema) when an object wraps a list of items."""
    arrays = {k: v for k, v in props.items() if v.get("type") == "array" and is_object(v.get("items"))}
    if not arrays:
        return None
    named = [k for k in arrays if k.lower() in _LIST_KEYS]
    if named:
        return named[0], arrays[named[0]]["items"]
    hint = schema.get("x-name", "")
    for key, sub in arrays.items():
        if hint and singular(snake(key)) in snake(hint):
            return key, sub["items"]
    if len(arrays) == 1 and not any(id_like(k) for k, v in props.items() if v.get("type") != "array"):
        key = next(iter(arrays))
        return key, arrays[key]["items"]
    return None


def batch(body: dict[str, Any] | None) -> tuple[str | None, dict[str, Any]] | None:
    """A body that sends several items at once: `[Pet]`, or `{"items": [FeedConnection]}`."""
    if not body:
        return None
    if body.get("type") == "array":
        return (None, body["items"]) if is_object(body.get("items")) else None
    listed = _listed(body["properties"], body) if is_object(body) else None
    if listed is None or not set(body["properties"]) - {listed[0]} <= _BATCH_EXTRAS:
        return None
    return listed


def label_of(schema: dict[str, Any] | None) -> str | None:
    """An entity label from a schema's `$ref` name: `V3.DepartureResponse` -> 'departure'."""
    name = (schema or {}).get("x-name")
    if not isinstance(name, str):
        return None
    parts = words(name)
    while len(parts) > 1 and (
        parts[0] in ("api", "schema") or (parts[0][1:].isdigit() and parts[0][0] == "v")
    ):
        parts = parts[1:]
    while len(parts) > 1 and parts[-1] in _NAME_NOISE:
        parts = parts[:-1]
    return singular("_".join(parts)) if parts else None
