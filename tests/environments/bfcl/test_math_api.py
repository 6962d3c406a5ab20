"""BFCL MathAPI (`bfcl_math`): docs match, config round trip, conformance, documented behaviour.
The API is stateless; its one table is the unit conversion table."""

from __future__ import annotations

import pytest

from envfactory.environments import StateError
from envfactory.environments.catalog.bfcl.math_api import MathApiEnv
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused

Env = MathApiEnv


@pytest.fixture
def env() -> MathApiEnv:
    return Env.create()


def result(env: MathApiEnv, tool: str, **args: object) -> float:
    return ok(env, tool, args)["result"]


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(Env, "math_api.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("MathAPI")
    assert config == {}
    env = Env.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config and set(exported) == {"_meta"}
    copy = Env.from_state(exported)
    assert copy.export_state() == exported and copy.state_hash() == env.state_hash()
    assert result(copy, "si_unit_conversion", value=1, unit_in="km", unit_out="m") == 1000.0
    with pytest.raises(StateError, match="no state"):
        Env.create(state={"precision": 3})


def test_the_environment_conforms() -> None:
    # No Math API tool writes: fork isolation holds trivially, every other check runs as usual.
    assert not any(spec.write for spec in Env.tools.values())
    assert [r for r in check_environment(Env) if not r.ok] == []


def test_arithmetic_drops_float_noise(env: MathApiEnv) -> None:
    assert result(env, "add", a=0.1, b=0.2) == 0.3
    assert result(env, "subtract", a=250, b=87.6) == 162.4
    assert result(env, "multiply", a=12.5, b=48) == 600.0
    assert result(env, "divide", a=7500, b=12) == 625.0
    assert result(env, "absolute_value", number=-273.15) == 273.15


def test_impossible_arithmetic_is_an_error(env: MathApiEnv) -> None:
    assert refused(env, "divide", a=1, b=0) == "Cannot divide by zero."
    assert "whole cannot be zero" in refused(env, "percentage", part=3, whole=0)
    assert "not a real number" in refused(env, "power", base=-8, exponent=0.5)
    assert "negative power" in refused(env, "power", base=0, exponent=-1)
    assert "too large" in refused(env, "power", base=10, exponent=400)
    assert env.call("divide", {"a": 1, "b": 0}).content == '{"error":"Cannot divide by zero."}'


def test_round_number_rounds_halves_away_from_zero(env: MathApiEnv) -> None:
    assert result(env, "round_number", number=2.5) == 3.0
    assert result(env, "round_number", number=-2.5) == -3.0
    assert result(env, "round_number", number=2.675, decimal_places=2) == 2.68
    assert result(env, "round_number", number=1234.5, decimal_places=-2) == 1200.0
    assert "between -15 and 15" in refused(env, "round_number", number=1.0, decimal_places=20)


def test_roots_and_logarithms_honour_the_precision(env: MathApiEnv) -> None:
    assert result(env, "square_root", number=2, precision=5) == 1.4142
    assert result(env, "square_root", number=2, precision=12) == 1.41421356237
    assert result(env, "logarithm", value=1024, base=2, precision=10) == 10.0
    assert result(env, "logarithm", value=10, base=3, precision=4) == 2.096
    assert "negative" in refused(env, "square_root", number=-16, precision=5)
    assert "positive" in refused(env, "logarithm", value=0, base=10, precision=5)
    assert "different from 1" in refused(env, "logarithm", value=5, base=1, precision=5)
    assert "between 1 and 100" in refused(env, "square_root", number=4, precision=0)


def test_statistics_over_lists(env: MathApiEnv) -> None:
    numbers = [2, 4, 4, 4, 5, 5, 7, 9]
    assert result(env, "mean", numbers=numbers) == 5.0
    assert result(env, "standard_deviation", numbers=numbers) == 2.0  # population, divides by n
    assert result(env, "max_value", numbers=numbers) == 9.0
    assert result(env, "min_value", numbers=numbers) == 2.0
    assert result(env, "sum_values", numbers=[45.2, 12.99, 130.0, 8.75]) == 196.94
    assert result(env, "sum_values", numbers=[]) == 0.0
    for tool in ("mean", "standard_deviation", "max_value", "min_value"):
        assert "empty list" in refused(env, tool, numbers=[])


def test_si_conversion_takes_symbols_or_names_between_si_units(env: MathApiEnv) -> None:
    assert result(env, "si_unit_conversion", value=5.5, unit_in="Kilometres", unit_out="m") == 5500.0
    assert result(env, "si_unit_conversion", value=3.5, unit_in="h", unit_out="s") == 12600.0
    assert result(env, "si_unit_conversion", value=25, unit_in="celsius", unit_out="kelvin") == 298.15
    assert "not an SI unit" in refused(env, "si_unit_conversion", value=1, unit_in="mi", unit_out="km")
    assert "Cannot convert kg (mass) to m (length)" in refused(
        env, "si_unit_conversion", value=10, unit_in="kg", unit_out="m"
    )
    assert "Did you mean" in refused(env, "si_unit_conversion", value=1, unit_in="kilogrm", unit_out="g")


def test_imperial_si_conversion_needs_one_imperial_and_one_si_unit(env: MathApiEnv) -> None:
    assert result(env, "imperial_si_conversion", value=26.2, unit_in="mi", unit_out="km") == 42.1648128
    assert result(env, "imperial_si_conversion", value=212, unit_in="F", unit_out="C") == 100.0
    assert result(env, "imperial_si_conversion", value=100, unit_in="celsius", unit_out="fahrenheit") == 212.0
    assert result(env, "imperial_si_conversion", value=2, unit_in="gallons", unit_out="l") == 7.570823568
    assert result(env, "imperial_si_conversion", value=1, unit_in="kg", unit_out="lb") == 2.20462262184878
    assert "both si units" in refused(env, "imperial_si_conversion", value=1, unit_in="km", unit_out="m")
    assert "both imperial units" in refused(
        env, "imperial_si_conversion", value=1, unit_in="ft", unit_out="in"
    )


def test_percentages_and_powers(env: MathApiEnv) -> None:
    assert result(env, "percentage", part=45, whole=60) == 75.0
    assert result(env, "percentage", part=12000, whole=80000) == 15.0
    assert result(env, "power", base=2, exponent=16) == 65536.0
    assert result(env, "power", base=3375, exponent=1 / 3) == 15.0
    assert result(env, "power", base=2, exponent=-2) == 0.25
