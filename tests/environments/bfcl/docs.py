"""BFCL's published function docs (`../shared/resources/bfcl/`), and the comparison of an
environment's derived tool schemas against them."""

from __future__ import annotations

import json
import typing
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from envfactory.environments import Environment
from tests.conftest import SHARED

BFCL = SHARED / "resources" / "bfcl"

# BFCL writes Python-ish type names; JSON Schema spells them differently.
_JSON_TYPE = {"dict": "object", "float": "number", "tuple": "array", "any": None}


def docs_path(file: str) -> Path:
    path = BFCL / file
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared resources are not checked out)")
    return path


@cache
def load_docs(file: str) -> dict[str, dict[str, Any]]:
    """Function docs of one API file, by function name."""
    lines = docs_path(file).read_text(encoding="utf-8").splitlines()
    return {doc["name"]: doc for doc in map(json.loads, filter(None, lines))}


@cache
def initial_config(api_class: str) -> dict[str, Any]:
    examples = json.loads(docs_path("initial_config_examples.json").read_text(encoding="utf-8"))
    return examples[api_class]["initial_config"]


def json_type(doc_type: str | None) -> str | None:
    return _JSON_TYPE.get(doc_type, doc_type) if doc_type else None


def _schema_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a (derived) parameter schema allows, `null` left out."""
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {t for t in types if t != "null"}
    found: set[str] = set()
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        found |= _schema_types(option)
    return found


def schema_mismatches(env_cls: type[Environment], file: str) -> list[str]:
    """Everything in which the environment's tools differ from the docs (empty when they match):
    function names, parameter names, types (item types too), required, defaults, response fields."""
    docs = load_docs(file)
    problems: list[str] = []
    if set(env_cls.tools) != set(docs):
        problems.append(
            f"tools differ: missing {sorted(set(docs) - set(env_cls.tools))}, "
            f"extra {sorted(set(env_cls.tools) - set(docs))}"
        )
    for name in sorted(set(docs) & set(env_cls.tools)):
        doc, spec = docs[name], env_cls.tools[name]
        doc_props = doc["parameters"].get("properties", {})
        props = spec.parameters.get("properties", {})
        if set(props) != set(doc_props):
            problems.append(f"{name}: parameters {sorted(props)} != documented {sorted(doc_props)}")
        if set(spec.parameters.get("required", [])) != set(doc["parameters"].get("required", [])):
            problems.append(
                f"{name}: required {sorted(spec.parameters.get('required', []))} "
                f"!= documented {sorted(doc['parameters'].get('required', []))}"
            )
        for pname in sorted(set(props) & set(doc_props)):
            want, got = doc_props[pname], props[pname]
            wanted_type = json_type(want.get("type"))
            if wanted_type and _schema_types(got) != {wanted_type}:
                problems.append(
                    f"{name}.{pname}: type {sorted(_schema_types(got))} != documented {wanted_type}"
                )
            if "items" in want and json_type(want["items"].get("type")):
                items = got.get("items") or next(
                    (o.get("items") for o in got.get("anyOf", []) if "items" in o), {}
                )
                if _schema_types(items) != {json_type(want["items"]["type"])}:
                    problems.append(
                        f"{name}.{pname}: item type differs from documented {want['items']['type']}"
                    )
            if "default" in want and got.get("default") != want["default"]:
                problems.append(
                    f"{name}.{pname}: default {got.get('default')!r} != documented {want['default']!r}"
                )
        method = getattr(env_cls, spec.method_name)
        returned = typing.get_type_hints(method).get("return")
        doc_fields = set(doc.get("response", {}).get("properties", {}))
        fields = set(typing.get_type_hints(returned)) if typing.is_typeddict(returned) else None
        if fields is None:
            problems.append(
                f"{name}: return annotation must be a TypedDict of the documented response fields"
            )
        elif fields != doc_fields:
            problems.append(f"{name}: response fields {sorted(fields)} != documented {sorted(doc_fields)}")
    return problems
