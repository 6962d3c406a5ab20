"""Normalized schemas -> annotated Python types, so that the framework's derived tool schema
carries the document's constraints and pydantic enforces them before a tool runs.

`enum` becomes `Literal`; bounds, lengths, item counts and `multipleOf` become `Field`
constraints; `date`, `date-time` and `uuid` formats become `date`, `datetime` and `UUID`; `email`,
`uri`, `ipv4`/`ipv6` and `pattern` are checked by validators (Python's `re`, so patterns with
look-arounds work too, which pydantic's Rust engine refuses) and stay in the schema as `format` /
`pattern`. Objects with properties become nested pydantic models (unknown keys refused unless the
schema allows extra properties), three levels deep; deeper or free-form objects are plain dicts.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
)

from .naming import clean_text, identifier

_MAX_DEPTH = 3
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _check(kind: str, value: str) -> str:
    ok = {
        "email": lambda v: bool(_EMAIL.match(v)),
        "uri": lambda v: bool(_URI.match(v)),
        "ipv4": lambda v: _ip(v, 4),
        "ipv6": lambda v: _ip(v, 6),
    }[kind](value)
    if not ok:
        raise ValueError(f"not a valid {kind}")
    return value


def _ip(value: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(value).version == version
    except ValueError:
        return False


def _one_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Problems inside an object or list argument, reported against the argument itself (so the
    agent reads `parameter 'address': ...` and then where inside it)."""
    try:
        return handler(value)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"])
            what = "unexpected field" if err["type"] == "extra_forbidden" else err["msg"].lower()
            problems.append(f"{where}: {what}" if where else what)
        raise ValueError("; ".join(problems)) from None


def _match(pattern: str, value: str) -> str:
    if re.search(pattern, value) is None:
        raise ValueError(f"must match the pattern {pattern!r}")
    return value


_FORMAT_ALIASES = {"url": "uri", "uri-reference": "uri", "iri": "uri", "ip-address": "ipv4"}


class TypeBuilder:
    """Builds annotations for one tool; nested models get names unique within it."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._models = 0

    def annotation(self, spec: dict[str, Any], depth: int = 0) -> Any:
        base = self._base(spec, depth)
        if depth == 0 and spec.get("type") in ("object", "array"):
            base = Annotated[base, WrapValidator(_one_error)]
        return base | None if spec.get("nullable") else base

    def _base(self, spec: dict[str, Any], depth: int) -> Any:
        kind = spec.get("type")
        if spec.get("enum"):
            return Literal[tuple(spec["enum"])]  # type: ignore[misc]
        if kind == "string":
            return self._string(spec)
        if kind in ("integer", "number"):
            number: type = int if kind == "integer" else float
            return Annotated[number, Field(**_numeric(spec))]
        if kind == "boolean":
            return bool
        if kind == "array":
            item = self.annotation(spec.get("items") or {}, depth + 1)
            return Annotated[list[item], Field(**_sizes(spec, "minItems", "maxItems"))]  # type: ignore[valid-type]
        if kind == "object":
            return self._object(spec, depth)
        return Any

    def _string(self, spec: dict[str, Any]) -> Any:
        fmt = _FORMAT_ALIASES.get(spec.get("format", ""), spec.get("format", ""))
        if fmt in ("date", "date-time", "uuid"):
            return {"date": date, "date-time": datetime, "uuid": UUID}[fmt]
        meta: list[Any] = [Field(**_sizes(spec, "minLength", "maxLength"))]
        extra: dict[str, Any] = {}
        if fmt in ("email", "uri", "ipv4", "ipv6"):
            meta.append(AfterValidator(partial(_check, fmt)))
            extra["format"] = fmt
        if isinstance(spec.get("pattern"), str):
            meta.append(AfterValidator(partial(_match, spec["pattern"])))
            extra["pattern"] = spec["pattern"]
        if extra:
            meta.append(Field(json_schema_extra=extra))
        return Annotated[(str, *meta)]  # type: ignore[return-value]

    def _object(self, spec: dict[str, Any], depth: int) -> Any:
        props = {k: v for k, v in (spec.get("properties") or {}).items() if not v.get("readOnly")}
        if not props or depth >= _MAX_DEPTH:
            extra = spec.get("additionalProperties")
            if isinstance(extra, dict) and extra and depth < _MAX_DEPTH:
                return dict[str, self.annotation(extra, depth + 1)]  # type: ignore[misc]
            return dict[str, Any]
        self._models += 1
        required = set(spec.get("required", []))
        taken: set[str] = set()
        fields: dict[str, Any] = {}
        for api, sub in props.items():
            name = identifier(api, taken)
            ann = self.annotation(sub, depth + 1)
            info = Field(
                alias=api if name != api else None,
                description=clean_text(sub.get("description"), 200) or None,
            )
            if api in required:
                fields[name] = (Annotated[ann, info], ...)
            else:
                fields[name] = (Annotated[ann | None, info], None)
        allow = "allow" if spec.get("additionalProperties") is not None else "forbid"
        config = ConfigDict(extra=allow, populate_by_name=True)
        return create_model(f"{self.prefix}_{self._models}", __config__=config, **fields)


def _numeric(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, arg in (
        ("minimum", "ge"),
        ("maximum", "le"),
        ("exclusiveMinimum", "gt"),
        ("exclusiveMaximum", "lt"),
    ):
        if isinstance(spec.get(key), int | float) and not isinstance(spec.get(key), bool):
            out[arg] = spec[key]
    low, high = out.get("ge", out.get("gt")), out.get("le", out.get("lt"))
    if low is not None and high is not None and low > high:
        return {}
    if isinstance(spec.get("multipleOf"), int | float) and spec["multipleOf"] > 0:
        out["multiple_of"] = spec["multipleOf"]
    return out


def _sizes(spec: dict[str, Any], low: str, high: str) -> dict[str, Any]:
    out = {}
    if isinstance(spec.get(low), int) and spec[low] > 0:
        out["min_length"] = spec[low]
    if isinstance(spec.get(high), int) and spec[high] >= 0:
        out["max_length"] = spec[high]
    if out.get("min_length", 0) > out.get("max_length", 1 << 30):
        return {}
    return out


def valid_default(annotation: Any, value: Any) -> bool:
    """Whether a document's default fits the parameter (some documents give `'false'` for a
    boolean or `6` for an enum of strings; those defaults are dropped)."""
    try:
        TypeAdapter(annotation).validate_python(value, strict=True)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


def dump(value: Any) -> Any:
    """A validated argument as JSON: nested models under the API's own field names."""
    if isinstance(value, BaseModel):
        return {
            k: dump(v) for k, v in value.model_dump(mode="json", by_alias=True, exclude_none=True).items()
        }
    if isinstance(value, list):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value
