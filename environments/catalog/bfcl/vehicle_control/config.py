"""VehicleControlAPI state in BFCL's `initial_config` shape ↔ the `vc_` tables.

A config replaces the whole car; keys it leaves out take the defaults in `DEFAULTS` (doors it
leaves out are unlocked). `remainingUnlockedDoors` is derived from `doorStatus`: accepted, not
stored, and exported again as the count. Keys the API does not model are kept verbatim in
`vc_extras`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from envfactory.environments import StateError

DOORS = ("driver", "passenger", "rear_left", "rear_right")
LOCK_STATES = ("locked", "unlocked")

# Config key -> allowed values (None: any number; int: an integer; str: any text).
_ENUMS: dict[str, tuple[str, ...]] = {
    "engineState": ("running", "stopped"),
    "acMode": ("auto", "cool", "heat", "defrost"),
    "headLightStatus": ("on", "off"),
    "parkingBrakeStatus": ("engaged", "released"),
    "brakePedalStatus": ("pressed", "released"),
    "cruiseStatus": ("active", "inactive"),
}

DEFAULTS: dict[str, Any] = {
    "fuelLevel": 0.0,
    "batteryVoltage": 12.6,
    "engineState": "stopped",
    "acTemperature": 25.0,
    "fanSpeed": 50,
    "acMode": "auto",
    "humidityLevel": 50.0,
    "headLightStatus": "off",
    "parkingBrakeStatus": "released",
    "parkingBrakeForce": 0.0,
    "slopeAngle": 0.0,
    "brakePedalStatus": "released",
    "brakePedalForce": 0.0,
    "distanceToNextVehicle": 50.0,
    "cruiseStatus": "inactive",
    "currentSpeed": 0.0,
    "destination": "None",
    "outsideTemperature": 15.0,
    "frontLeftTirePressure": 32.0,
    "frontRightTirePressure": 32.0,
    "rearLeftTirePressure": 32.0,
    "rearRightTirePressure": 32.0,
}
_DERIVED = {"remainingUnlockedDoors"}
_MODELLED = {*DEFAULTS, "doorStatus", "carInfo", "_meta", *_DERIVED}


def _scalar(key: str, value: Any) -> Any:
    if key in _ENUMS:
        if value not in _ENUMS[key]:
            raise StateError(
                f"VehicleControlAPI {key!r} must be one of {', '.join(_ENUMS[key])}; got {value!r}."
            )
        return value
    if key == "destination":
        return "None" if value is None else str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StateError(f"VehicleControlAPI {key!r} must be a number; got {value!r}.")
    if key == "fanSpeed":
        if value != int(value):
            raise StateError(f"VehicleControlAPI 'fanSpeed' must be a whole number; got {value!r}.")
        return int(value)
    return float(value)


def _doors(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, Mapping):
        raise StateError("VehicleControlAPI 'doorStatus' must be an object of door -> locked/unlocked.")
    unknown = set(value) - set(DOORS)
    if unknown:
        raise StateError(f"VehicleControlAPI 'doorStatus' names unknown doors {sorted(unknown)}.")
    rows = []
    for door in DOORS:
        status = value.get(door, "unlocked")
        if status not in LOCK_STATES:
            raise StateError(f"VehicleControlAPI door {door!r} must be locked or unlocked; got {status!r}.")
        rows.append({"door": door, "status": status})
    return rows


def tables_from_config(config: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A VehicleControlAPI `initial_config` → rows of every `vc_` table (`_meta` is left to the caller)."""
    if not isinstance(config, Mapping):
        raise StateError(f"The VehicleControlAPI config must be an object, got {type(config).__name__}.")
    car_info = config.get("carInfo", {})
    if not isinstance(car_info, Mapping):
        raise StateError("VehicleControlAPI 'carInfo' must be an object.")
    vehicle = {"id": 1} | {key: _scalar(key, config.get(key, default)) for key, default in DEFAULTS.items()}
    vehicle["carInfo"] = json.dumps(car_info, sort_keys=True)
    extras = [
        {"key": key, "value": json.dumps(value, sort_keys=True)}
        for key, value in config.items()
        if key not in _MODELLED
    ]
    return {
        "vc_vehicle": [vehicle],
        "vc_doors": _doors(config.get("doorStatus", {})),
        "vc_extras": extras,
    }


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """The `vc_` tables (as `export_tables` gives them) → a complete VehicleControlAPI config."""
    vehicle = dict(tables["vc_vehicle"][0])
    doors = {row["door"]: row["status"] for row in tables["vc_doors"]}
    config = {key: vehicle[key] for key in DEFAULTS}
    config["doorStatus"] = {door: doors[door] for door in DOORS}
    config["remainingUnlockedDoors"] = sum(status == "unlocked" for status in doors.values())
    config["carInfo"] = json.loads(vehicle["carInfo"])
    return config | {row["key"]: json.loads(row["value"]) for row in tables["vc_extras"]}
