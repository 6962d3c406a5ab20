"""Reading OpenAPI 3 / Swagger 2 documents into one shape, and resolving their schemas.

`read_document` parses JSON or YAML (dates and non-string keys that YAML invents become plain
strings), rejects what is not an API description with a reason, and rewrites Swagger 2.0 into the
OpenAPI 3 layout (body and form parameters become a `requestBody`, `definitions` become
`components/schemas`, response schemas move under `content`), so the rest of the compiler reads
one shape.

`Resolver.schema` turns any schema node into a *normalized* schema: local `$ref`s followed (the
referenced name kept as `x-name`, recursion cut into an opaque object), `allOf` merged, `oneOf` /
`anyOf` folded (a `null` branch makes the schema nullable; object branches merge into one object
whose required fields are those every branch requires; otherwise the first branch wins, as most
code generators do), OpenAPI 3.1 type lists and 3.0 `nullable` / boolean `exclusiveMinimum` mapped
to one form, enum values and defaults coerced to the declared type. Only the keywords the compiler
uses survive.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from .errors import CompileError

METHODS = ("get", "post", "put", "patch", "delete")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_DEPTH = 12  # nesting of properties/items; deeper parts become free-form values
_SCALAR_KEYS = (
    "type",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "readOnly",
    "writeOnly",
)
_SWAGGER_SCHEMA_KEYS = (*_SCALAR_KEYS, "enum", "default", "items", "description", "example", "x-nullable")


@dataclass(frozen=True)
class Document:
    """A parsed API description in OpenAPI 3 layout (`spec`), with where it came from."""

    source: str
    spec: dict[str, Any]
    version: str
    sha256: str

    @property
    def title(self) -> str:
        return str(self.spec.get("info", {}).get("title") or Path(self.source).stem)


def read_document(path: str | Path) -> Document:
    """Parse the file at `path` (JSON or YAML) into a `Document`, or raise `CompileError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CompileError(f"Cannot read {path}: {exc.strerror}.") from None
    return parse_document(data, source=str(path))


def parse_document(data: bytes | str, source: str = "<document>") -> Document:
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    raw = _parse_text(text, source)
    if not isinstance(raw, dict):
        raise CompileError(f"{source}: the top level is a {type(raw).__name__}, not an object.")
    raw = _plain(raw)
    if str(raw.get("swagger", "")).startswith("2"):
        spec, version = _from_swagger2(raw), "2.0"
    elif str(raw.get("openapi", "")).startswith("3"):
        spec, version = raw, str(raw["openapi"])
    else:
        raise CompileError(
            f"{source} is not an OpenAPI 3 or Swagger 2 document: no top-level 'openapi: 3.x' or "
            "'swagger: \"2.0\"' field. Give the file that describes the API's paths."
        )
    if not isinstance(spec.get("paths"), dict) or not spec["paths"]:
        raise CompileError(f"{source} has no paths, so there are no operations to turn into tools.")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(source=source, spec=spec, version=version, sha256=digest)


_UNREADABLE = "cannot be read as an OpenAPI document"


def _parse_text(text: str, source: str) -> Any:
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CompileError(
                f"{source} {_UNREADABLE}: invalid JSON at line {exc.lineno}: {exc.msg}."
            ) from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CompileError(
            f"{source} {_UNREADABLE}: invalid YAML{where}: {getattr(exc, 'problem', exc)}."
        ) from None


def _plain(value: Any) -> Any:
    """YAML values as JSON would have them: dates become ISO strings, keys become strings."""
    if isinstance(value, dict):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return str(key).lower()
    return key if isinstance(key, str) else str(key)


# ----------------------------------------------------------------- Swagger 2 -> OpenAPI 3 layout
def _from_swagger2(doc: dict[str, Any]) -> dict[str, Any]:
    doc = _rewrite_refs(copy.deepcopy(doc))
    shared_params = doc.get("parameters", {}) or {}
    shared_responses = doc.get("responses", {}) or {}
    consumes = doc.get("consumes") or ["application/json"]
    spec: dict[str, Any] = {
        "openapi": "3.0.0",
        "info": doc.get("info", {}),
        "paths": {},
        "components": {
            "schemas": doc.get("definitions", {}) or {},
            "securitySchemes": doc.get("securityDefinitions", {}) or {},
        },
        "x-base-path": doc.get("basePath", ""),
    }

    def param(node: Any) -> dict[str, Any]:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return shared_params.get(node["$ref"].rsplit("/", 1)[-1], {})
        return node if isinstance(node, dict) else {}

    for path, item in doc["paths"].items():
        if not isinstance(item, dict):
            continue
        common = [param(p) for p in item.get("parameters", []) or []]
        new_item: dict[str, Any] = {}
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                params = _merge_params(common, [param(p) for p in op.get("parameters", []) or []])
                new_item[method] = _swagger_operation(
                    op, params, op.get("consumes") or consumes, shared_responses
                )
        spec["paths"][path] = new_item
    return spec


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                v = v.replace("#/definitions/", "#/components/schemas/")
            out[k] = _rewrite_refs(v)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def _merge_params(common: list[dict[str, Any]], own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {(p.get("name"), p.get("in")): p for p in common}
    merged.update({(p.get("name"), p.get("in")): p for p in own})
    return list(merged.values())


def _swagger_schema(p: Mapping[str, Any]) -> dict[str, Any]:
    schema = {k: p[k] for k in _SWAGGER_SCHEMA_KEYS if k in p and k != "description"}
    if schema.get("type") == "file":
        schema.update(type="string", format="binary")
    return schema


def _swagger_operation(
    op: dict[str, Any], params: list[dict[str, Any]], consumes: list[str], responses: dict[str, Any]
) -> dict[str, Any]:
    out = {k: op[k] for k in ("operationId", "summary", "description", "tags", "deprecated") if k in op}
    out["parameters"] = [
        {
            "name": p.get("name"),
            "in": p.get("in"),
            "required": bool(p.get("required")),
            "description": p.get("description", ""),
            "schema": _swagger_schema(p),
        }
        for p in params
        if p.get("in") in ("path", "query", "header", "cookie")
    ]
    body = next((p for p in params if p.get("in") == "body"), None)
    form = [p for p in params if p.get("in") == "formData"]
    if body is not None:
        media = next((c for c in consumes if "json" in c), "application/json")
        out["requestBody"] = {
            "required": bool(body.get("required")),
            "description": body.get("description", ""),
            "content": {media: {"schema": body.get("schema", {})}},
            "x-body-name": body.get("name"),
        }
    elif form:
        schema = {
            "type": "object",
            "properties": {
                p["name"]: {**_swagger_schema(p), "description": p.get("description", "")} for p in form
            },
            "required": [p["name"] for p in form if p.get("required")],
        }
        out["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": schema}},
        }
    out["responses"] = {}
    for code, resp in (op.get("responses") or {}).items():
        if isinstance(resp, dict) and isinstance(resp.get("$ref"), str):
            resp = responses.get(resp["$ref"].rsplit("/", 1)[-1], {})
        if not isinstance(resp, dict):
            continue
        converted = {"description": resp.get("description", "")}
        if "schema" in resp:
            converted["content"] = {"application/json": {"schema": resp["schema"]}}
        out["responses"][code] = converted
    return out


# ----------------------------------------------------------------- references and schemas
@dataclass
class Resolver:
    """Follows local `$ref`s and normalizes schemas of one document (results memoized per ref)."""

    spec: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    _memo: dict[str, dict[str, Any]] = field(default_factory=dict)
    _stack: list[str] = field(default_factory=list)

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            self._warn(f"external reference {ref!r} is not followed (treated as a free-form object)")
            return None
        node: Any = self.spec
        for part in ref[1:].split("/")[1:]:
            part = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                self._warn(f"reference {ref!r} points at nothing (treated as a free-form object)")
                return None
        return node

    def deref(self, node: Any) -> dict[str, Any]:
        """A non-schema object (parameter, request body, response) with its `$ref` chain followed."""
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            node = self.pointer(node["$ref"])
        return node if isinstance(node, dict) else {}

    def schema(self, node: Any, depth: int = 0) -> dict[str, Any]:
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._ref_schema(ref, node, depth)
        return self._plain_schema(node, depth)

    def _ref_schema(self, ref: str, node: dict[str, Any], depth: int) -> dict[str, Any]:
        name = ref.rsplit("/", 1)[-1]
        if ref in self._stack:
            return {"type": "object", "x-name": name, "x-recursive": True}
        if ref not in self._memo:
            self._stack.append(ref)
            try:
                target = self.pointer(ref)
                resolved = self.schema(target, depth) if target is not None else {"type": "object"}
            finally:
                self._stack.pop()
            self._memo[ref] = {**resolved, "x-name": name}
        out = dict(self._memo[ref])
        if isinstance(node.get("description"), str) and node["description"].strip():
            out["description"] = node["description"]
        return out

    def _plain_schema(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        own = {k: v for k, v in node.items() if k not in ("allOf", "oneOf", "anyOf")}
        out = self._own(own, depth)
        for part in node.get("allOf") or []:
            out = merge_schemas(out, self.schema(part, depth + 1))
        for key in ("oneOf", "anyOf"):
            if node.get(key):
                out = merge_schemas(out, self._variants([self.schema(v, depth + 1) for v in node[key]]))
        return _finish(out)

    def _own(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {k: node[k] for k in _SCALAR_KEYS if k in node}
        if "pattern" in out and not _compiles(out["pattern"]):
            self._warn(f"pattern {out.pop('pattern')!r} is not a regular expression Python reads (dropped)")
        for text in ("description", "title"):
            if isinstance(node.get(text), str) and node[text].strip():
                out[text] = node[text].strip()
        if isinstance(node.get("type"), list):
            types = [t for t in node["type"] if t != "null"]
            if len(types) < len(node["type"]):
                out["nullable"] = True
            out["type"] = types[0] if types else "string"
        if node.get("nullable") is True or node.get("x-nullable") is True:
            out["nullable"] = True
        if isinstance(node.get("enum"), list):
            out["enum"] = node["enum"]
        if "const" in node:
            out["enum"] = [node["const"]]
        for key in ("default", "example"):
            if key in node:
                out[key] = node[key]
        if "example" not in out and isinstance(node.get("examples"), list) and node["examples"]:
            out["example"] = node["examples"][0]
        if isinstance(node.get("properties"), dict):
            out["properties"] = {
                str(k): self.schema(v, depth + 1)
                for k, v in node["properties"].items()
                if isinstance(v, dict)
            }
        if isinstance(node.get("required"), list):
            out["required"] = [r for r in node["required"] if isinstance(r, str)]
        if isinstance(node.get("items"), dict):
            out["items"] = self.schema(node["items"], depth + 1)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            out["additionalProperties"] = self.schema(extra, depth + 1)
        elif extra is True:
            out["additionalProperties"] = {}
        return out

    def _variants(self, variants: list[dict[str, Any]]) -> dict[str, Any]:
        nullable = any(v.get("type") == "null" for v in variants)
        variants = [v for v in variants if v and v.get("type") != "null"]
        if not variants:
            return {"nullable": True} if nullable else {}
        if len(variants) == 1:
            chosen = variants[0]
        elif all(_kind(v) == "object" for v in variants):
            chosen = _union_objects(variants)
        else:
            chosen = variants[0]
        return {**chosen, "nullable": True} if nullable else chosen

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _compiles(pattern: Any) -> bool:
    try:
        re.compile(pattern)
    except (re.error, TypeError):
        return False
    return isinstance(pattern, str)


def _kind(schema: Mapping[str, Any]) -> str | None:
    if "type" in schema:
        return str(schema["type"])
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def _union_objects(variants: list[dict[str, Any]]) -> dict[str, Any]:
    """Object branches of a oneOf/anyOf as one object: every property of every branch, required
    only where every branch requires it."""
    props: dict[str, Any] = {}
    for v in variants:
        for name, sub in v.get("properties", {}).items():
            props.setdefault(name, sub)
    required = set(variants[0].get("required", []))
    for v in variants[1:]:
        required &= set(v.get("required", []))
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = [r for r in variants[0].get("required", []) if r in required]
    return out


def merge_schemas(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """`allOf` semantics for normalized schemas: properties and required lists unite, a
    property in both merges recursively; for other keywords the first schema keeps its value
    (descriptions, names), except that constraints of the second are added."""
    out = dict(a)
    for key, value in b.items():
        if key == "properties":
            props = dict(a.get("properties", {}))
            for name, sub in value.items():
                props[name] = merge_schemas(props[name], sub) if name in props else sub
            out["properties"] = props
        elif key == "required":
            out["required"] = list(dict.fromkeys([*a.get("required", []), *value]))
        elif key not in out:
            out[key] = value
    return out


_COERCE: dict[str, Callable[[Any], Any]] = {
    "string": lambda v: (str(v).lower() if isinstance(v, bool) else str(v)) if v is not None else None,
    "integer": lambda v: int(v) if not isinstance(v, bool) and float(v) == int(float(v)) else _no(v),
    "number": lambda v: float(v) if not isinstance(v, bool) else _no(v),
    "boolean": lambda v: (
        v if isinstance(v, bool) else {"true": True, "false": False}.get(str(v).lower(), _no(v))
    ),
}


def _no(value: Any) -> Any:
    raise ValueError(value)


def _coerce(value: Any, kind: str | None) -> tuple[bool, Any]:
    convert = _COERCE.get(kind or "")
    if convert is None:
        return True, value
    try:
        return True, convert(value)
    except (TypeError, ValueError):
        return False, None


def _finish(schema: dict[str, Any]) -> dict[str, Any]:
    """Infer a missing type, fold 3.0 boolean exclusive bounds, coerce enums and defaults."""
    kind = _kind(schema)
    if kind is None and schema.get("enum"):
        first = next((v for v in schema["enum"] if v is not None), "")
        kind = {bool: "boolean", int: "integer", float: "number"}.get(type(first), "string")
    if kind is not None:
        schema["type"] = kind
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = schema.get(bound)
        if isinstance(flag, bool):
            del schema[bound]
            if flag and limit in schema:
                schema[bound] = schema.pop(limit)
    if isinstance(schema.get("enum"), list):
        values = []
        for v in schema["enum"]:
            if v is None:
                schema["nullable"] = True
                continue
            ok, value = _coerce(v, kind)
            if ok and value not in values:
                values.append(value)
        if values:
            schema["enum"] = values
        else:
            del schema["enum"]
    for key in ("default", "example"):
        if key in schema and schema[key] is not None and kind in _COERCE:
            ok, value = _coerce(schema[key], kind)
            if ok:
                schema[key] = value
            else:
                del schema[key]
    return schema
