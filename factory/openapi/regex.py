"""Strings that match a regular expression, drawn with a given RNG (for `pattern` constraints).

Walks the parse tree of Python's own regex parser; unbounded repeats are capped a few past their
minimum. Look-arounds are not honoured while generating, so callers check the result with
`re.search` and fall back when it does not match.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_p
except ImportError:  # pragma: no cover
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse as sre_p  # type: ignore[no-redef]

_CATEGORIES = {
    sre_c.CATEGORY_DIGIT: string.digits,
    sre_c.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_c.CATEGORY_NOT_WORD: "-. ",
    sre_c.CATEGORY_SPACE: " ",
    sre_c.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}
_PRINTABLE = string.ascii_letters + string.digits
_EXTRA = 3


def generate(pattern: str, rng: random.Random, attempts: int = 8) -> str | None:
    """A string matching `pattern` (search semantics, as JSON Schema has it), or None."""
    try:
        tree = sre_p.parse(pattern)
    except (re.error, RecursionError):
        return None
    for _ in range(attempts):
        groups: dict[int, str] = {}
        try:
            text = _emit(tree, rng, groups)
        except (RecursionError, ValueError, IndexError):
            return None
        if re.search(pattern, text):
            return text
    return None


def _emit(items: Any, rng: random.Random, groups: dict[int, str]) -> str:
    return "".join(_one(op, av, rng, groups) for op, av in items)


def _one(op: Any, av: Any, rng: random.Random, groups: dict[int, str]) -> str:
    if op is sre_c.LITERAL:
        return chr(av)
    if op is sre_c.NOT_LITERAL:
        return rng.choice([c for c in _PRINTABLE if ord(c) != av])
    if op is sre_c.ANY:
        return rng.choice(_PRINTABLE)
    if op is sre_c.IN:
        return _charset(av, rng)
    if op is sre_c.BRANCH:
        return _emit(rng.choice(av[1]), rng, groups)
    if op is sre_c.SUBPATTERN:
        text = _emit(av[-1], rng, groups)
        if av[0] is not None:
            groups[av[0]] = text
        return text
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        low, high, body = av
        high = low + _EXTRA if high is sre_c.MAXREPEAT else min(high, low + _EXTRA)
        return "".join(_emit(body, rng, groups) for _ in range(rng.randint(low, high)))
    if op is sre_c.GROUPREF:
        return groups.get(av, "")
    if op is getattr(sre_c, "ATOMIC_GROUP", None):
        return _emit(av, rng, groups)
    return ""  # anchors, look-arounds, conditionals: nothing to emit


def _charset(items: list[tuple[Any, Any]], rng: random.Random) -> str:
    negate = bool(items) and items[0][0] is sre_c.NEGATE
    chars: list[str] = []
    for op, av in items[1:] if negate else items:
        if op is sre_c.LITERAL:
            chars.append(chr(av))
        elif op is sre_c.RANGE:
            low, high = av
            chars.extend(chr(c) for c in range(low, min(high, low + 95) + 1))
        elif op is sre_c.CATEGORY:
            chars.extend(_CATEGORIES.get(av, _PRINTABLE))
    if negate:
        banned = set(chars)
        chars = [c for c in _PRINTABLE if c not in banned]
    if not chars:
        raise ValueError("empty character set")
    return rng.choice(chars)
