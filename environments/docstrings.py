"""Google-style docstring parsing: the summary becomes the tool description, `Args:` the
parameter descriptions. Other sections (Returns, Raises, Examples, …) are kept out of the
parameter map but `Returns:` is appended to the description, since agents need to know what
comes back."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

_SECTION = re.compile(r"^(Args|Arguments|Parameters|Returns|Return|Raises|Examples?|Notes?|Yields):\s*$")
_ARG = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


@dataclass
class Docstring:
    summary: str
    args: dict[str, str] = field(default_factory=dict)
    returns: str = ""

    @property
    def description(self) -> str:
        return f"{self.summary}\n\nReturns: {self.returns}" if self.returns else self.summary


def parse_docstring(doc: str | None) -> Docstring:
    text = inspect.cleandoc(doc or "")
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in text.splitlines():
        match = _SECTION.match(line.strip()) if not line.startswith(" ") else None
        if match:
            current = match.group(1)
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    summary = "\n".join(sections[""]).strip()
    args_lines = sections.get("Args") or sections.get("Arguments") or sections.get("Parameters") or []
    returns = " ".join(
        line.strip() for line in sections.get("Returns", sections.get("Return", [])) if line.strip()
    )
    return Docstring(summary=summary, args=_parse_args(args_lines), returns=returns)


def _parse_args(lines: list[str]) -> dict[str, str]:
    args: dict[str, str] = {}
    indent: int | None = None
    name: str | None = None
    for raw in lines:
        if not raw.strip():
            continue
        depth = len(raw) - len(raw.lstrip())
        if indent is None:
            indent = depth
        match = _ARG.match(raw.strip())
        if depth <= indent and match:
            name = match.group(1).lstrip("*")
            args[name] = match.group(2).strip()
        elif name is not None:
            args[name] = f"{args[name]} {raw.strip()}".strip()
    return args
