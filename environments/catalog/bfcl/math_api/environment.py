"""BFCL's MathAPI: arithmetic, statistics, rounding, roots, logarithms and unit conversions.

The API keeps no state (its `initial_config` is `{}`); the only table is the unit conversion
table the two conversion tools read. Results are floats; float noise past 15 significant digits
is dropped (`0.1 + 0.2` gives 0.3), except where the caller asks for a precision. See README.md.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, TypedDict

from sqlalchemy import Row, insert, select

from envfactory.environments import Environment, StateError, ToolError, did_you_mean, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .models import MathBase, MathUnit

_UNITS = MathUnit.__table__
MAX_PRECISION = 100


class MathResult(TypedDict, total=False):
    result: float


class MathApiTools:
    """The Math API's tools; mixed into an `Environment` (see `MathApiEnv`)."""

    # ----------------------------------------------------------------- arithmetic
    @tool()
    def add(self, a: float, b: float) -> MathResult:
        """Add two numbers.

        Args:
            a: the first addend.
            b: the second addend.
        """
        return _result(a + b)

    @tool()
    def subtract(self, a: float, b: float) -> MathResult:
        """Subtract b from a.

        Args:
            a: the number to subtract from.
            b: the number taken away.
        """
        return _result(a - b)

    @tool()
    def multiply(self, a: float, b: float) -> MathResult:
        """Multiply two numbers.

        Args:
            a: the first factor.
            b: the second factor.
        """
        return _result(a * b)

    @tool()
    def divide(self, a: float, b: float) -> MathResult:
        """Divide a by b.

        Args:
            a: the numerator.
            b: the denominator; must not be zero.
        """
        if b == 0:
            raise ToolError("Cannot divide by zero.")
        return _result(a / b)

    @tool()
    def absolute_value(self, number: float) -> MathResult:
        """The absolute value (distance from zero) of a number.

        Args:
            number: any number.
        """
        return _result(abs(number))

    @tool()
    def percentage(self, part: float, whole: float) -> MathResult:
        """What percent `part` is of `whole` (part / whole * 100).

        Args:
            part: the portion.
            whole: the total it is a portion of; must not be zero.
        """
        if whole == 0:
            raise ToolError("The whole cannot be zero when computing a percentage.")
        return _result(part / whole * 100)

    @tool()
    def power(self, base: float, exponent: float) -> MathResult:
        """Raise base to the given exponent.

        Args:
            base: the number to raise.
            exponent: the power to raise it to.
        """
        try:
            value = base**exponent
        except ZeroDivisionError:
            raise ToolError("Zero cannot be raised to a negative power.") from None
        except OverflowError:
            raise ToolError(f"{base} ** {exponent} is too large to represent.") from None
        if isinstance(value, complex):
            raise ToolError(
                f"{base} ** {exponent} is not a real number (negative base, fractional exponent)."
            )
        return _result(value)

    @tool()
    def round_number(self, number: float, decimal_places: int = 0) -> MathResult:
        """Round a number to a number of decimal places, halves away from zero (2.5 becomes 3).

        Args:
            number: the number to round.
            decimal_places: digits to keep after the point; negative values round to tens, hundreds, ...
        """
        if abs(decimal_places) > 15:
            raise ToolError("decimal_places must be between -15 and 15.")
        try:
            rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimal_places), ROUND_HALF_UP)
        except InvalidOperation:
            raise ToolError(f"{number} cannot be rounded to {decimal_places} decimal places.") from None
        return {"result": float(rounded)}

    # ----------------------------------------------------------------- roots and logarithms
    @tool()
    def square_root(self, number: float, precision: int) -> MathResult:
        """The square root of a non-negative number, computed to a number of significant digits.

        Args:
            number: the number; must not be negative.
            precision: significant digits to compute (1 to 100).
        """
        _check_precision(precision)
        if number < 0:
            raise ToolError("Cannot take the square root of a negative number.")
        with localcontext() as ctx:
            ctx.prec = precision
            return {"result": float(Decimal(number).sqrt())}

    @tool()
    def logarithm(self, value: float, base: float, precision: int) -> MathResult:
        """The logarithm of a positive number in a given base, computed to a number of significant digits.

        Args:
            value: the number; must be positive.
            base: the logarithm's base; positive and not 1.
            precision: significant digits to compute (1 to 100).
        """
        _check_precision(precision)
        if value <= 0:
            raise ToolError("The logarithm is only defined for positive numbers.")
        if base <= 0 or base == 1:
            raise ToolError("The base of a logarithm must be positive and different from 1.")
        with localcontext() as ctx:
            ctx.prec = precision + 5
            ratio = Decimal(value).ln() / Decimal(base).ln()
            ctx.prec = precision
            return {"result": float(+ratio)}

    # ----------------------------------------------------------------- lists of numbers
    @tool()
    def sum_values(self, numbers: list[float]) -> MathResult:
        """The sum of a list of numbers (0 for an empty list).

        Args:
            numbers: the numbers to add up.
        """
        return _result(math.fsum(numbers))

    @tool()
    def mean(self, numbers: list[float]) -> MathResult:
        """The arithmetic mean (average) of a list of numbers.

        Args:
            numbers: the numbers; at least one.
        """
        return _result(_of_list(numbers, "mean", statistics.fmean))

    @tool()
    def standard_deviation(self, numbers: list[float]) -> MathResult:
        """The population standard deviation of a list of numbers (divides by n).

        Args:
            numbers: the numbers; at least one.
        """
        return _result(_of_list(numbers, "standard deviation", statistics.pstdev))

    @tool()
    def max_value(self, numbers: list[float]) -> MathResult:
        """The largest number of a list.

        Args:
            numbers: the numbers; at least one.
        """
        return _result(_of_list(numbers, "maximum", max))

    @tool()
    def min_value(self, numbers: list[float]) -> MathResult:
        """The smallest number of a list.

        Args:
            numbers: the numbers; at least one.
        """
        return _result(_of_list(numbers, "minimum", min))

    # ----------------------------------------------------------------- unit conversion
    @tool()
    def si_unit_conversion(self, value: float, unit_in: str, unit_out: str) -> MathResult:
        """Convert a value between two SI units of one quantity (e.g. km to m, kg to g, celsius to kelvin).

        Args:
            value: the amount to convert.
            unit_in: the unit it is in, a symbol or name such as "km" or "kilometers".
            unit_out: the unit to convert to.
        """
        source, target = self._math_unit(unit_in), self._math_unit(unit_out)
        for unit, given in ((source, unit_in), (target, unit_out)):
            if unit.system != "si":
                raise ToolError(
                    f"{given!r} is not an SI unit; use imperial_si_conversion for imperial units."
                )
        return _result(_convert(value, source, target))

    @tool()
    def imperial_si_conversion(self, value: float, unit_in: str, unit_out: str) -> MathResult:
        """Convert a value between an imperial (US customary) unit and an SI unit, in either direction.

        Args:
            value: the amount to convert.
            unit_in: the unit it is in, e.g. "mi", "lb", "fahrenheit" or "kg".
            unit_out: the unit to convert to; one side imperial, the other SI.
        """
        source, target = self._math_unit(unit_in), self._math_unit(unit_out)
        if source.system == target.system:
            hint = "si_unit_conversion" if source.system == "si" else "an SI unit on one side"
            raise ToolError(f"{unit_in!r} and {unit_out!r} are both {source.system} units; use {hint}.")
        return _result(_convert(value, source, target))

    def _math_unit(self, name: str) -> Row[Any]:
        unit = self.db.execute(select(_UNITS).where(_UNITS.c.name == name.strip().lower())).first()
        if unit is None:
            known = self.db.execute(select(_UNITS.c.name)).scalars().all()
            raise ToolError(f"Unknown unit {name!r}.{did_you_mean(name.strip().lower(), known)}")
        return unit


def _convert(value: float, source: Row[Any], target: Row[Any]) -> float:
    if source.dimension != target.dimension:
        raise ToolError(
            f"Cannot convert {source.symbol} ({source.dimension}) to {target.symbol} ({target.dimension})."
        )
    return (value * source.factor + source.offset - target.offset) / target.factor


def _result(value: float) -> MathResult:
    if not math.isfinite(value):
        raise ToolError("The result is too large to represent.")
    return {"result": float(f"{value:.15g}")}


def _of_list(numbers: list[float], what: str, fn: Callable[[list[float]], float]) -> float:
    if not numbers:
        raise ToolError(f"Cannot compute the {what} of an empty list.")
    return fn(numbers)


def _check_precision(precision: int) -> None:
    if not 1 <= precision <= MAX_PRECISION:
        raise ToolError(f"precision must be between 1 and {MAX_PRECISION} significant digits.")


# ----------------------------------------------------------------- state shape
def seed(env: Environment) -> None:
    """Fill the seed rows: the unit conversion table."""
    env.db.execute(insert(_UNITS), data.unit_rows())


def tables_from_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A MathAPI `initial_config` (always `{}`) → rows: the fixed unit table."""
    if not isinstance(config, Mapping) or config:
        raise StateError(f"The MathAPI has no state; its config is {{}}, got {config!r}.")
    return {"math_units": data.unit_rows()}


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """Rows → the `initial_config` shape, which is empty: the unit table is reference data."""
    return {}


class MathApiEnv(MathApiTools, BfclApiEnv):
    name = "bfcl_math"
    description = (
        "BFCL MathAPI: arithmetic, statistics over lists, rounding, roots, logarithms and "
        "SI / imperial unit conversions."
    )
    metadata = MathBase.metadata
    api = BfclApi("MathAPI", seed, tables_from_config, config_from_tables)
