"""`@tool`: marks an Environment method as a tool. The JSON Schema and the description are
derived from the signature and the docstring by pydantic; nothing is written by hand.

The decorator only tags the function (it returns it unchanged); `Environment.__init_subclass__`
turns tagged methods into `ToolSpec`s, so every definition mistake surfaces when the class is
created, naming the method.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .docstrings import parse_docstring
from .errors import DefinitionError, ToolArgumentError

F = TypeVar("F", bound=Callable[..., Any])

_TAG = "__envfactory_tool__"


@dataclass(frozen=True)
class ToolMark:
    write: bool
    name: str | None
    trace_ignore: frozenset[str]


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    write: bool = False,
    name: str | None = None,
    trace_ignore: Iterable[str] = (),
) -> Callable[[F], F]:
    """Mark an Environment method as a tool.

    Args:
        write: True when the tool may change state. Read tools run under a SQLite authorizer
            that refuses writes, so a mislabelled tool fails loudly instead of silently.
        name: the tool name agents see (default: the method name).
        trace_ignore: parameters that do not matter when comparing calls for the trace reward
            (pagination, formatting, limits).
    """
    if fn is not None:
        raise DefinitionError(
            f"@tool was used without parentheses on {getattr(fn, '__qualname__', fn)!r}. "
            "Did you forget to call it? Use @tool() for a read tool or @tool(write=True)."
        )
    mark = ToolMark(write=write, name=name, trace_ignore=frozenset(trace_ignore))

    def decorate(func: F) -> F:
        setattr(func, _TAG, mark)
        return func

    return decorate


def tool_mark(obj: Any) -> ToolMark | None:
    return getattr(obj, _TAG, None)


_ARGS_CONFIG = ConfigDict(extra="forbid", arbitrary_types_allowed=False)


@dataclass(frozen=True)
class ToolSpec:
    """A tool of an environment class: its name, description, derived schema and validator."""

    name: str
    method_name: str
    description: str
    write: bool
    trace_ignore: frozenset[str]
    parameters: dict[str, Any]
    args_model: type[BaseModel]

    def validate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Validate raw arguments; returns the values the method is called with.

        Raises ToolArgumentError naming every bad parameter.
        """
        try:
            return dict(self.args_model.model_validate(arguments).__dict__)
        except ValidationError as exc:
            raise ToolArgumentError(_describe_validation(self.name, exc)) from None

    def normalize(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Arguments as JSON values with defaults filled: used to compare calls."""
        model = self.args_model.model_validate(arguments)
        return model.model_dump(mode="json")

    def openai(self) -> dict[str, Any]:
        """The tool in OpenAI chat-completions form."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


def build_spec(owner: str, method_name: str, func: Callable[..., Any], mark: ToolMark) -> ToolSpec:
    where = f"{owner}.{method_name}"
    doc = parse_docstring(func.__doc__)
    if not doc.summary:
        raise DefinitionError(f"Tool {where} has no docstring; agents need a description.")
    if inspect.iscoroutinefunction(func):
        raise DefinitionError(
            f"Tool {where} is async; tools are plain methods (the server runs them off-loop)."
        )
    signature = inspect.signature(func)
    try:
        hints = get_type_hints(func, include_extras=True)
    except NameError as exc:
        raise DefinitionError(f"Tool {where} has an annotation that cannot be resolved: {exc}") from None
    params = list(signature.parameters.values())
    if not params or params[0].name != "self":
        raise DefinitionError(f"Tool {where} must be an instance method (first parameter self).")
    fields: dict[str, Any] = {}
    for param in params[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise DefinitionError(
                f"Tool {where}: parameter {param.name!r} must be a plain keyword parameter "
                "(no *args, **kwargs or positional-only)."
            )
        if param.name not in hints:
            raise DefinitionError(f"Tool {where}: parameter {param.name!r} has no type annotation.")
        if param.name not in doc.args:
            raise DefinitionError(
                f"Tool {where}: parameter {param.name!r} is not described in the docstring's Args section."
            )
        default = ... if param.default is param.empty else param.default
        annotated = Annotated[hints[param.name], Field(description=doc.args[param.name])]
        fields[param.name] = (annotated, default)
    unknown = set(doc.args) - set(fields)
    if unknown:
        raise DefinitionError(
            f"Tool {where}: the docstring describes parameters that do not exist: {sorted(unknown)}."
        )
    bad_ignore = mark.trace_ignore - set(fields)
    if bad_ignore:
        raise DefinitionError(f"Tool {where}: trace_ignore names unknown parameters {sorted(bad_ignore)}.")
    model = create_model(f"{owner}_{method_name}_args", __config__=_ARGS_CONFIG, **fields)
    return ToolSpec(
        name=mark.name or method_name,
        method_name=method_name,
        description=doc.description,
        write=mark.write,
        trace_ignore=mark.trace_ignore,
        parameters=clean_schema(model.model_json_schema()),
        args_model=model,
    )


def clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Inline `$defs` and drop pydantic's generated titles: the plain JSON Schema that
    OpenAI-style function calling and chat templates handle best."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = walk(defs[node["$ref"].rsplit("/", 1)[-1]])
                extra = {k: walk(v) for k, v in node.items() if k != "$ref"}
                return {**target, **extra}
            return {
                k: (walk_props(v) if k == "properties" else walk(v))
                for k, v in node.items()
                if k not in ("title", "$defs")
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    def walk_props(props: dict[str, Any]) -> dict[str, Any]:
        return {name: walk(sub) for name, sub in props.items()}

    cleaned = walk(schema)
    cleaned.setdefault("properties", {})
    cleaned["additionalProperties"] = False
    return cleaned


def _describe_validation(tool_name: str, exc: ValidationError) -> str:
    problems = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(arguments)"
        if err["type"] == "extra_forbidden":
            problems.append(f"unexpected parameter {loc!r}")
        elif err["type"] == "missing":
            problems.append(f"missing required parameter {loc!r}")
        else:
            problems.append(f"parameter {loc!r}: {err['msg']} (got {err.get('input')!r})")
    return f"Invalid arguments for {tool_name}: " + "; ".join(problems) + "."
