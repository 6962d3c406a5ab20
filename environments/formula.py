"""A tiny, safe arithmetic evaluator for reward formulas such as
`tau * trace + (1 - tau) * state - penalties`: numbers, names, + - * /, unary minus, min, max."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCS: dict[str, Callable[..., float]] = {"min": min, "max": max}


class FormulaError(ValueError):
    pass


def evaluate_formula(formula: str, names: Mapping[str, float]) -> float:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"Reward formula {formula!r} is not valid: {exc.msg}.") from None
    return float(_eval(tree.body, names, formula))


def _eval(node: ast.AST, names: Mapping[str, float], formula: str) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise FormulaError(
                f"Reward formula {formula!r} uses unknown name {node.id!r}; "
                f"known: {', '.join(sorted(names))}."
            )
        return names[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, names, formula), _eval(node.right, names, formula))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand, names, formula)
        return -value if isinstance(node.op, ast.USub) else value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCS
        and not node.keywords
    ):
        return _FUNCS[node.func.id](*(_eval(a, names, formula) for a in node.args))
    raise FormulaError(f"Reward formula {formula!r}: {ast.unparse(node)!r} is not allowed.")
