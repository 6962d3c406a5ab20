"""Seed data: the conversion table. Every factor is the unit's size in its dimension's base unit
(m, kg, s, L, K, m2, m/s, Pa, J, W); imperial volumes are US customary measures. Values are exact
definitions where one exists (the inch is 0.0254 m, the pound 0.45359237 kg)."""

from __future__ import annotations

from typing import Any

# symbol, dimension, system, factor, offset, other names
UNITS: list[tuple[str, str, str, float, float, tuple[str, ...]]] = [
    ("m", "length", "si", 1.0, 0.0, ("meter", "meters", "metre", "metres")),
    ("km", "length", "si", 1000.0, 0.0, ("kilometer", "kilometers", "kilometre", "kilometres")),
    ("cm", "length", "si", 0.01, 0.0, ("centimeter", "centimeters", "centimetre", "centimetres")),
    ("mm", "length", "si", 0.001, 0.0, ("millimeter", "millimeters", "millimetre", "millimetres")),
    ("in", "length", "imperial", 0.0254, 0.0, ("inch", "inches")),
    ("ft", "length", "imperial", 0.3048, 0.0, ("foot", "feet")),
    ("yd", "length", "imperial", 0.9144, 0.0, ("yard", "yards")),
    ("mi", "length", "imperial", 1609.344, 0.0, ("mile", "miles")),
    ("kg", "mass", "si", 1.0, 0.0, ("kilogram", "kilograms")),
    ("g", "mass", "si", 0.001, 0.0, ("gram", "grams")),
    ("mg", "mass", "si", 1e-6, 0.0, ("milligram", "milligrams")),
    ("t", "mass", "si", 1000.0, 0.0, ("tonne", "tonnes", "metric_ton")),
    ("oz", "mass", "imperial", 0.028349523125, 0.0, ("ounce", "ounces")),
    ("lb", "mass", "imperial", 0.45359237, 0.0, ("lbs", "pound", "pounds")),
    ("st", "mass", "imperial", 6.35029318, 0.0, ("stone", "stones")),
    ("s", "time", "si", 1.0, 0.0, ("second", "seconds", "sec")),
    ("ms", "time", "si", 0.001, 0.0, ("millisecond", "milliseconds")),
    ("min", "time", "si", 60.0, 0.0, ("minute", "minutes")),
    ("h", "time", "si", 3600.0, 0.0, ("hr", "hour", "hours")),
    ("l", "volume", "si", 1.0, 0.0, ("liter", "liters", "litre", "litres")),
    ("ml", "volume", "si", 0.001, 0.0, ("milliliter", "milliliters", "millilitre", "millilitres")),
    ("m3", "volume", "si", 1000.0, 0.0, ("cubic_meter", "cubic_meters", "cubic_metre")),
    ("fl_oz", "volume", "imperial", 0.0295735295625, 0.0, ("fluid_ounce", "fluid_ounces")),
    ("cup", "volume", "imperial", 0.2365882365, 0.0, ("cups",)),
    ("pt", "volume", "imperial", 0.473176473, 0.0, ("pint", "pints")),
    ("qt", "volume", "imperial", 0.946352946, 0.0, ("quart", "quarts")),
    ("gal", "volume", "imperial", 3.785411784, 0.0, ("gallon", "gallons")),
    ("k", "temperature", "si", 1.0, 0.0, ("kelvin",)),
    ("c", "temperature", "si", 1.0, 273.15, ("celsius", "degc")),
    ("f", "temperature", "imperial", 5 / 9, 459.67 * 5 / 9, ("fahrenheit", "degf")),
    ("m2", "area", "si", 1.0, 0.0, ("square_meter", "square_meters", "sq_m")),
    ("km2", "area", "si", 1e6, 0.0, ("square_kilometer", "square_kilometers", "sq_km")),
    ("ha", "area", "si", 1e4, 0.0, ("hectare", "hectares")),
    ("ft2", "area", "imperial", 0.09290304, 0.0, ("square_foot", "square_feet", "sq_ft")),
    ("acre", "area", "imperial", 4046.8564224, 0.0, ("acres",)),
    ("mi2", "area", "imperial", 2589988.110336, 0.0, ("square_mile", "square_miles", "sq_mi")),
    ("m/s", "speed", "si", 1.0, 0.0, ("mps", "meters_per_second")),
    ("km/h", "speed", "si", 1 / 3.6, 0.0, ("kph", "kmh", "kilometers_per_hour")),
    ("mph", "speed", "imperial", 0.44704, 0.0, ("miles_per_hour",)),
    ("ft/s", "speed", "imperial", 0.3048, 0.0, ("fps", "feet_per_second")),
    ("pa", "pressure", "si", 1.0, 0.0, ("pascal", "pascals")),
    ("kpa", "pressure", "si", 1000.0, 0.0, ("kilopascal", "kilopascals")),
    ("bar", "pressure", "si", 1e5, 0.0, ("bars",)),
    ("psi", "pressure", "imperial", 6894.757293168, 0.0, ("pounds_per_square_inch",)),
    ("j", "energy", "si", 1.0, 0.0, ("joule", "joules")),
    ("kj", "energy", "si", 1000.0, 0.0, ("kilojoule", "kilojoules")),
    ("kwh", "energy", "si", 3.6e6, 0.0, ("kilowatt_hour", "kilowatt_hours")),
    ("btu", "energy", "imperial", 1055.05585262, 0.0, ("british_thermal_unit",)),
    ("w", "power", "si", 1.0, 0.0, ("watt", "watts")),
    ("kw", "power", "si", 1000.0, 0.0, ("kilowatt", "kilowatts")),
    ("hp", "power", "imperial", 745.69987158227, 0.0, ("horsepower",)),
]


def unit_rows() -> list[dict[str, Any]]:
    """One row per name a unit may be given by."""
    rows = []
    for symbol, dimension, system, factor, offset, names in UNITS:
        for name in (symbol, *names):
            rows.append(
                {
                    "name": name,
                    "symbol": symbol,
                    "dimension": dimension,
                    "system": system,
                    "factor": factor,
                    "offset": offset,
                }
            )
    return sorted(rows, key=lambda r: r["name"])
