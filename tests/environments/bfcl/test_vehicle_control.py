"""BFCL VehicleControlAPI (`bfcl_vehicle`): docs match, config round trip, conformance, documented
behaviour. Seed facts: engine off, driver's door unlocked, parking brake engaged on a 3.5° slope
(587.5 N), 18.5 gallons, rear left tyre at 28.5 psi, clock 2026-03-02 09:00."""

from __future__ import annotations

import pytest

from envfactory.environments import StateError
from envfactory.environments.catalog.bfcl.vehicle_control import VehicleControlEnv
from envfactory.environments.catalog.bfcl.vehicle_control.data import seed_config
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused

ALL_DOORS = ["driver", "passenger", "rear_left", "rear_right"]
LOCKED = dict.fromkeys(ALL_DOORS, "locked")
RUNNING = seed_config() | {
    "engineState": "running",
    "doorStatus": LOCKED,
    "parkingBrakeStatus": "released",
    "parkingBrakeForce": 0.0,
}


@pytest.fixture
def env() -> VehicleControlEnv:
    return VehicleControlEnv.create()


@pytest.fixture
def running() -> VehicleControlEnv:
    return VehicleControlEnv.create(state=RUNNING)


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(VehicleControlEnv, "vehicle_control.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("VehicleControlAPI")
    env = VehicleControlEnv.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert exported["remainingUnlockedDoors"] == 0 and exported["brakePedalStatus"] == "released"
    assert VehicleControlEnv.from_state(exported).export_state() == exported
    assert ok(env, "displayCarStatus", option="fuel") == {"status": {"fuelLevel": 10.5}}


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(VehicleControlEnv) if not r.ok] == []


def test_a_partial_config_fills_documented_defaults_and_a_bad_one_is_refused() -> None:
    env = VehicleControlEnv.create(state={"fuelLevel": 7, "doorStatus": {"driver": "locked"}, "note": [1]})
    state = env.export_state()
    assert state["fuelLevel"] == 7.0 and state["fanSpeed"] == 50 and state["destination"] == "None"
    assert state["doorStatus"] == {"driver": "locked"} | dict.fromkeys(ALL_DOORS[1:], "unlocked")
    assert state["remainingUnlockedDoors"] == 3 and state["note"] == [1]
    with pytest.raises(StateError, match="engineState"):
        VehicleControlEnv.create(state={"engineState": "idling"})


def test_the_engine_starts_only_with_doors_locked_and_the_brake_pressed(env: VehicleControlEnv) -> None:
    assert refused(env, "startEngine", ignitionMode="START") == (
        "All doors must be locked before starting the engine; unlocked: driver."
    )
    assert ok(env, "lockDoors", unlock=False, door=["driver"]) == {
        "lockStatus": "locked",
        "remainingUnlockedDoors": 0,
    }
    assert "brake pedal must be pressed" in refused(env, "startEngine", ignitionMode="START")
    assert ok(env, "pressBrakePedal", pedalPosition=0.4) == {
        "brakePedalStatus": "pressed",
        "brakePedalForce": 400.0,
    }
    assert ok(env, "startEngine", ignitionMode="START") == {
        "engineState": "running",
        "fuelLevel": 18.5,
        "batteryVoltage": 12.4,
    }


def test_an_empty_tank_or_a_flat_battery_keeps_the_engine_off() -> None:
    ready = seed_config() | {"doorStatus": LOCKED, "brakePedalStatus": "pressed", "brakePedalForce": 1000.0}
    empty = VehicleControlEnv.create(state=ready | {"fuelLevel": 0.0})
    assert "fuel tank is empty" in refused(empty, "startEngine", ignitionMode="START")
    flat = VehicleControlEnv.create(state=ready | {"batteryVoltage": 9.8})
    assert "battery is too weak" in refused(flat, "startEngine", ignitionMode="START")


def test_the_parking_brake_force_follows_the_slope_and_it_cannot_be_set_twice(env: VehicleControlEnv) -> None:
    assert refused(env, "activateParkingBrake", mode="engage") == "The parking brake is already engaged."
    assert ok(env, "activateParkingBrake", mode="release") == {
        "parkingBrakeStatus": "released",
        "_parkingBrakeForce": 0.0,
        "_slopeAngle": 3.5,
    }
    assert refused(env, "activateParkingBrake", mode="release") == "The parking brake is already released."
    assert ok(env, "activateParkingBrake", mode="engage")["_parkingBrakeForce"] == 587.5


def test_cruise_control_rules_and_the_brake_pedal_cancels_it(running: VehicleControlEnv) -> None:
    assert "multiple of 5" in refused(
        running, "setCruiseControl", speed=63.0, activate=True, distanceToNextVehicle=50.0
    )
    assert ok(running, "setCruiseControl", speed=65.0, activate=True, distanceToNextVehicle=50.0) == {
        "cruiseStatus": "active",
        "currentSpeed": 65.0,
        "distanceToNextVehicle": 50.0,
    }
    assert "while the vehicle is moving" in refused(running, "activateParkingBrake", mode="engage")
    assert "cruise control off" in refused(running, "startEngine", ignitionMode="STOP")
    ok(running, "pressBrakePedal", pedalPosition=0.2)
    assert ok(running, "displayCarStatus", option="brakePedal") == {
        "status": {"brakePedalStatus": "pressed", "brakePedalForce": 200.0}
    }
    assert running.export_state()["cruiseStatus"] == "inactive"
    ok(running, "startEngine", ignitionMode="STOP")
    assert ok(running, "get_current_speed") == {"currentSpeed": 0.0}
    assert "Start the engine" in refused(
        running, "setCruiseControl", speed=50.0, activate=True, distanceToNextVehicle=40.0
    )


def test_the_tank_holds_fifty_gallons_and_fills_only_with_the_engine_off(
    env: VehicleControlEnv, running: VehicleControlEnv
) -> None:
    assert refused(env, "fillFuelTank", fuelAmount=40.0) == (
        "Cannot add 40 gallons: the tank holds 50 gallons and has 18.5, so at most 31.5 more fit."
    )
    assert ok(env, "fillFuelTank", fuelAmount=31.5) == {"fuelLevel": 50.0}
    assert refused(running, "fillFuelTank", fuelAmount=1.0) == "Stop the engine before refuelling."
    assert ok(env, "estimate_drive_feasibility_by_mileage", distance=1000.0) == {"canDrive": True}
    assert ok(env, "estimate_drive_feasibility_by_mileage", distance=1000.5) == {"canDrive": False}


def test_climate_converts_fahrenheit_and_checks_the_fan_speed(env: VehicleControlEnv) -> None:
    assert ok(env, "adjustClimateControl", temperature=72.0, unit="fahrenheit", fanSpeed=30) == {
        "currentTemperature": 22.2,
        "climateMode": "auto",
        "humidityLevel": 48.0,
    }
    assert ok(env, "displayCarStatus", option="climate")["status"]["fanSpeed"] == 30
    assert "between 0 and 100" in refused(env, "adjustClimateControl", temperature=20.0, fanSpeed=120)


def test_auto_headlights_follow_the_session_clock() -> None:
    morning = VehicleControlEnv.create()
    assert ok(morning, "setHeadlights", mode="auto") == {"headlightStatus": "off"}
    evening = VehicleControlEnv.create(state=seed_config() | {"_meta": {"clock": "2026-03-02T20:30:00"}})
    assert ok(evening, "setHeadlights", mode="auto") == {"headlightStatus": "on"}
    assert evening.export_state()["headLightStatus"] == "on"


def test_routes_zip_codes_and_navigation(env: VehicleControlEnv) -> None:
    assert ok(env, "get_zipcode_based_on_city", city="los angeles") == {"zipcode": "90012"}
    assert ok(env, "get_zipcode_based_on_city", city="Atlantis") == {"zipcode": "00000"}
    assert ok(env, "estimate_distance", cityA="90012", cityB="94102") == {
        "distance": 620.0,
        "intermediaryCities": ["Bakersfield", "Fresno", "Modesto"],
    }
    assert "No route" in refused(env, "estimate_distance", cityA="98104", cityB="00000")
    assert "street, city, state" in refused(env, "set_navigation", destination="Monterey")
    ok(env, "set_navigation", destination="886 Cannery Row, Monterey, CA")
    assert env.export_state()["destination"] == "886 Cannery Row, Monterey, CA"


def test_tyres_are_unhealthy_when_one_is_outside_30_to_35_psi(env: VehicleControlEnv) -> None:
    report = ok(env, "check_tire_pressure")["tirePressure"]
    assert report["rearLeftTirePressure"] == 28.5 and report["healthy_tire_pressure"] is False
    assert report["car_info"]["model"] == "F-150 XLT"
    healthy = VehicleControlEnv.create(state={"rearLeftTirePressure": 30.0})
    assert ok(healthy, "check_tire_pressure")["tirePressure"]["healthy_tire_pressure"] is True
    assert ok(env, "gallon_to_liter", gallon=10.0) == {"liter": 37.8541}
    assert env.call("liter_to_gallon", {"liter": -1.0}).content == (
        '{"error":"The amount cannot be negative; got -1."}'
    )
