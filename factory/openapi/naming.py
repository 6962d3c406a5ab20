"""Names and text: snake_case, singular/plural, identifiers that pydantic and Python accept,
tool names OpenAI accepts (`^[a-zA-Z0-9_-]{1,64}$`), and documentation text without HTML."""

from __future__ import annotations

import html
import keyword
import re

from pydantic import BaseModel

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")  # HTML tags, not `<id@example.com>`
_MODEL_MEMBERS = frozenset(dir(BaseModel))
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data"}
_UNCOUNTABLE = frozenset({"data", "info", "metadata", "status", "news", "series", "analytics"})


def words(name: str) -> list[str]:
    """`shippingAddress_v2` -> ['shipping', 'address', 'v2']."""
    return [w.lower() for w in _NON_WORD.split(_CAMEL.sub(" ", name)) if w]


def snake(name: str) -> str:
    return "_".join(words(name))


def singular(word: str) -> str:
    """English singular of the last word of a snake_case name (rules, not a dictionary)."""
    head, _, last = word.rpartition("_")
    if last in _IRREGULAR:
        last = _IRREGULAR[last]
    elif last in _UNCOUNTABLE or len(last) <= 3 or last.endswith(("ss", "us", "is")):
        pass
    elif last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes", "zes")):
        last = last[:-2]
    elif last.endswith("s"):
        last = last[:-1]
    return f"{head}_{last}" if head else last


def plural(word: str) -> str:
    head, _, last = word.rpartition("_")
    if last in _UNCOUNTABLE or singular(last) != last:
        pass
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh", "z")):
        last += "es"
    else:
        last += "s"
    return f"{head}_{last}" if head else last


def identifier(name: str, taken: set[str] | None = None) -> str:
    """A parameter/column name for the API name `name`: the name itself when Python and pydantic
    accept it (agents then see the API's own names), else a snake_case rewrite; unique in `taken`
    ignoring case (SQLite column names are case-insensitive), which holds lowercased names."""
    ident = name if name.isidentifier() and not name.startswith("_") else snake(name)
    if not ident or ident[0].isdigit():
        ident = f"p_{ident}" if ident else "value"
    if (
        (ident in _MODEL_MEMBERS and ident.startswith("model_"))
        or ident == "self"
        or keyword.iskeyword(ident)
    ):
        ident += "_"
    if taken is not None:
        base, n = ident, 2
        while ident.lower() in taken:
            ident, n = f"{base}_{n}", n + 1
        taken.add(ident.lower())
    return ident


def tool_name(name: str, taken: set[str]) -> str:
    """A snake_case tool name (at most 64 characters), unique in `taken`."""
    base = snake(name)[:60].strip("_") or "call"
    if base[0].isdigit():
        base = f"op_{base}"[:60]
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def label(name: str) -> str:
    """Words for people: `shipping_address` -> 'shipping address'."""
    return " ".join(words(name))


def clean_text(text: object, limit: int = 600) -> str:
    """Documentation text as one plain paragraph: HTML tags and entities removed, whitespace
    collapsed, cut at a sentence end near `limit` characters."""
    if not isinstance(text, str):
        return ""
    plain = " ".join(html.unescape(_TAG.sub("", text)).split())
    if len(plain) <= limit:
        return plain
    cut = plain[:limit]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > limit // 2 else cut.rstrip() + "…"
