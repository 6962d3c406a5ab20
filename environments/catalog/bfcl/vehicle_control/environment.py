"""BFCL VehicleControlAPI: one car — engine, doors, brakes, climate, lights, cruise control,
navigation, fuel and tyres — plus the small services a car's dashboard offers (distances between
towns, zip codes, unit conversions, the outside temperature).

`VehicleControlTools` holds the tools (documented BFCL names) and is a plain mixin, so a combined
BFCL environment can host it next to the other APIs; `VehicleControlEnv` is the stand-alone
environment. Its state is BFCL's `initial_config` shape (see `config.py` and the README).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from sqlalchemy import insert, select

from envfactory.environments import Environment, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .config import DOORS, config_from_tables, tables_from_config
from .models import VcDoor, VcVehicle, VehicleBase
from .responses import (
    BrakePedal,
    CarStatus,
    Climate,
    Cruise,
    Distance,
    DriveFeasibility,
    Engine,
    FuelLevel,
    Gallons,
    Headlights,
    Liters,
    Locks,
    Log,
    Navigation,
    OutsideTemperature,
    ParkingBrake,
    Speed,
    TirePressure,
    TireShop,
    Zipcode,
)

__all__ = ["VehicleControlEnv", "VehicleControlTools", "config_from_tables", "seed", "tables_from_config"]

Door = Literal["driver", "passenger", "rear_left", "rear_right"]
StatusOption = Literal[
    "fuel", "battery", "doors", "climate", "headlights", "parkingBrake", "brakePedal", "engine"
]


def seed(env: Environment) -> None:
    """Fill the `vc_` tables with the seed car (see `data.py`)."""
    for table, rows in tables_from_config(data.seed_config()).items():
        if rows:
            env.db.execute(insert(VehicleBase.metadata.tables[table]), rows)


class VehicleControlTools:
    """The VehicleControlAPI tools. Mix into an `Environment` whose metadata holds the `vc_` tables."""

    db: Any
    now: Any

    # ------------------------------------------------------------------ engine and brakes
    @tool(write=True)
    def startEngine(self, ignitionMode: Literal["START", "STOP"]) -> Engine:
        """Start or stop the engine. Starting needs every door locked, the brake pedal pressed,
        fuel in the tank and a healthy battery; stopping needs cruise control off. Asking for the
        state the engine is already in changes nothing.

        Args:
            ignitionMode: START to start the engine, STOP to stop it.

        Returns:
            engineState, fuelLevel (gallons) and batteryVoltage (volts) afterwards.
        """
        car = self._vc_car()
        if ignitionMode == "START" and car.engine_state != "running":
            unlocked = [d.door for d in self._vc_doors() if d.status == "unlocked"]
            if unlocked:
                raise ToolError(
                    f"All doors must be locked before starting the engine; unlocked: {', '.join(unlocked)}."
                )
            if car.brake_pedal_status != "pressed":
                raise ToolError("The brake pedal must be pressed when starting the engine.")
            if car.fuel_level <= 0:
                raise ToolError("The fuel tank is empty; fill it before starting the engine.")
            if car.battery_voltage < data.MIN_START_VOLTAGE:
                raise ToolError(
                    f"The battery is too weak to start the engine ({car.battery_voltage:g} V; "
                    f"at least {data.MIN_START_VOLTAGE:g} V needed)."
                )
            car.engine_state = "running"
        elif ignitionMode == "STOP" and car.engine_state != "stopped":
            if car.cruise_status == "active":
                raise ToolError("Turn cruise control off before stopping the engine.")
            car.engine_state = "stopped"
            car.current_speed = 0.0
        return {
            "engineState": car.engine_state,
            "fuelLevel": car.fuel_level,
            "batteryVoltage": car.battery_voltage,
        }

    @tool(write=True)
    def activateParkingBrake(self, mode: Literal["engage", "release"]) -> ParkingBrake:
        """Engage or release the parking brake. It holds with 500 N plus 25 N per degree of slope,
        and cannot be engaged while the car is moving.

        Args:
            mode: engage or release.

        Returns:
            parkingBrakeStatus, the holding force in newtons and the slope angle in degrees.
        """
        car = self._vc_car()
        if mode == "engage":
            if car.parking_brake_status == "engaged":
                raise ToolError("The parking brake is already engaged.")
            if car.current_speed > 0:
                raise ToolError("The parking brake cannot be engaged while the vehicle is moving.")
            car.parking_brake_status = "engaged"
            car.parking_brake_force = (
                data.PARKING_BRAKE_BASE_FORCE_N + data.PARKING_BRAKE_FORCE_PER_DEGREE_N * abs(car.slope_angle)
            )
        else:
            if car.parking_brake_status == "released":
                raise ToolError("The parking brake is already released.")
            car.parking_brake_status = "released"
            car.parking_brake_force = 0.0
        return {
            "parkingBrakeStatus": car.parking_brake_status,
            "_parkingBrakeForce": car.parking_brake_force,
            "_slopeAngle": car.slope_angle,
        }

    @tool(write=True)
    def pressBrakePedal(self, pedalPosition: float) -> BrakePedal:
        """Press the brake pedal to a position; it stays there until released. A full press is
        1000 N; pressing it while cruise control is on turns cruise control off.

        Args:
            pedalPosition: how far the pedal is pressed, from 0 (not at all) to 1 (fully).

        Returns:
            brakePedalStatus and brakePedalForce (newtons).
        """
        if not 0 <= pedalPosition <= 1:
            raise ToolError(f"Pedal position must be between 0 and 1; got {pedalPosition:g}.")
        car = self._vc_car()
        car.brake_pedal_force = round(pedalPosition * data.MAX_PEDAL_FORCE_N, 2)
        car.brake_pedal_status = "pressed" if pedalPosition > 0 else "released"
        if pedalPosition > 0 and car.cruise_status == "active":
            car.cruise_status = "inactive"
        return {"brakePedalStatus": car.brake_pedal_status, "brakePedalForce": car.brake_pedal_force}

    @tool(write=True)
    def releaseBrakePedal(self) -> BrakePedal:
        """Take the foot off the brake pedal.

        Returns:
            brakePedalStatus ("released") and brakePedalForce (0).
        """
        car = self._vc_car()
        car.brake_pedal_status = "released"
        car.brake_pedal_force = 0.0
        return {"brakePedalStatus": "released", "brakePedalForce": 0.0}

    # ------------------------------------------------------------------ driving
    @tool(write=True)
    def setCruiseControl(self, speed: float, activate: bool, distanceToNextVehicle: float) -> Cruise:
        """Set the driving speed and following distance, and switch cruise control on or off.
        Needs the engine running and the parking brake released.

        Args:
            speed: the speed to hold, 0 to 120 in steps of 5.
            activate: true to switch cruise control on, false to switch it off.
            distanceToNextVehicle: the gap to keep to the vehicle ahead, in meters.

        Returns:
            cruiseStatus, currentSpeed and distanceToNextVehicle afterwards.
        """
        car = self._vc_car()
        if car.engine_state != "running":
            raise ToolError("Start the engine before using cruise control.")
        if car.parking_brake_status == "engaged":
            raise ToolError("Release the parking brake before using cruise control.")
        if not 0 <= speed <= data.MAX_CRUISE_SPEED or speed % 5 != 0:
            raise ToolError(f"Speed must be between 0 and 120 and a multiple of 5; got {speed:g}.")
        if distanceToNextVehicle <= 0:
            raise ToolError("The distance to the next vehicle must be positive.")
        car.cruise_status = "active" if activate else "inactive"
        car.current_speed = float(speed)
        car.distance_to_next_vehicle = float(distanceToNextVehicle)
        return {
            "cruiseStatus": car.cruise_status,
            "currentSpeed": car.current_speed,
            "distanceToNextVehicle": car.distance_to_next_vehicle,
        }

    @tool()
    def get_current_speed(self) -> Speed:
        """The car's current speed.

        Returns:
            currentSpeed (0 while the engine is off).
        """
        return {"currentSpeed": self._vc_car().current_speed}

    @tool(write=True)
    def set_navigation(self, destination: str) -> Navigation:
        """Start route guidance to an address.

        Args:
            destination: the address as "street, city, state".

        Returns:
            status: a message naming the destination.
        """
        parts = [part.strip() for part in destination.split(",")]
        if len(parts) < 3 or not all(parts):
            raise ToolError(f"Give the destination as 'street, city, state'; got {destination!r}.")
        self._vc_car().destination = destination.strip()
        return {"status": f"Navigating to {destination.strip()}"}

    # ------------------------------------------------------------------ doors, climate, lights
    @tool(write=True)
    def lockDoors(self, unlock: bool, door: list[Door]) -> Locks:
        """Lock or unlock some of the doors.

        Args:
            unlock: true to unlock the doors, false to lock them.
            door: the doors: driver, passenger, rear_left, rear_right.

        Returns:
            lockStatus (what was done to them) and how many doors are unlocked afterwards.
        """
        if not door:
            raise ToolError("Name at least one door to lock or unlock.")
        status = "unlocked" if unlock else "locked"
        doors = self._vc_doors()
        for row in doors:
            if row.door in door:
                row.status = status
        remaining = sum(row.status == "unlocked" for row in doors)
        return {"lockStatus": status, "remainingUnlockedDoors": remaining}

    @tool(write=True)
    def adjustClimateControl(
        self,
        temperature: float,
        unit: Literal["celsius", "fahrenheit"] = "celsius",
        fanSpeed: int = 50,
        mode: Literal["auto", "cool", "heat", "defrost"] = "auto",
    ) -> Climate:
        """Set the cabin temperature, fan speed and climate mode. Fahrenheit is converted to
        Celsius (to one decimal), which is what the car keeps.

        Args:
            temperature: the temperature to set.
            unit: celsius (the default) or fahrenheit.
            fanSpeed: fan speed from 0 to 100; 50 by default.
            mode: auto (the default), cool, heat or defrost.

        Returns:
            currentTemperature (°C), climateMode and humidityLevel (%).
        """
        if not 0 <= fanSpeed <= 100:
            raise ToolError(f"Fan speed must be between 0 and 100; got {fanSpeed}.")
        celsius = (temperature - 32) * 5 / 9 if unit == "fahrenheit" else temperature
        car = self._vc_car()
        car.ac_temperature = round(celsius, 1)
        car.fan_speed = fanSpeed
        car.ac_mode = mode
        return {
            "currentTemperature": car.ac_temperature,
            "climateMode": mode,
            "humidityLevel": car.humidity_level,
        }

    @tool(write=True)
    def setHeadlights(self, mode: Literal["on", "off", "auto"]) -> Headlights:
        """Turn the headlights on or off, or let the car decide (auto: on from 19:00 to 07:00).

        Args:
            mode: on, off or auto.

        Returns:
            headlightStatus: on or off.
        """
        if mode == "auto":
            hour = self.now().hour
            mode = "on" if hour >= 19 or hour < 7 else "off"
        self._vc_car().headlight_status = mode
        return {"headlightStatus": mode}

    # ------------------------------------------------------------------ status
    @tool()
    def displayCarStatus(self, option: StatusOption) -> CarStatus:
        """Show one part of the car's status.

        Args:
            option: fuel, battery, doors, climate, headlights, parkingBrake, brakePedal or engine.

        Returns:
            status: the readings of that part.
        """
        car = self._vc_car()
        views: dict[str, dict[str, Any]] = {
            "fuel": {"fuelLevel": car.fuel_level},
            "battery": {"batteryVoltage": car.battery_voltage},
            "doors": {"doorStatus": {row.door: row.status for row in self._vc_doors()}},
            "climate": {
                "currentACTemperature": car.ac_temperature,
                "fanSpeed": car.fan_speed,
                "climateMode": car.ac_mode,
                "humidityLevel": car.humidity_level,
            },
            "headlights": {"headlightStatus": car.headlight_status},
            "parkingBrake": {
                "parkingBrakeStatus": car.parking_brake_status,
                "parkingBrakeForce": car.parking_brake_force,
                "slopeAngle": car.slope_angle,
            },
            "brakePedal": {
                "brakePedalStatus": car.brake_pedal_status,
                "brakePedalForce": car.brake_pedal_force,
            },
            "engine": {"engineState": car.engine_state},
        }
        return {"status": views[option]}

    @tool()
    def check_tire_pressure(self) -> TirePressure:
        """Read the four tyre pressures; they are healthy when each is between 30 and 35 psi.

        Returns:
            tirePressure: the four pressures (psi), healthy_tire_pressure and car_info.
        """
        car = self._vc_car()
        pressures = {
            "frontLeftTirePressure": car.front_left_tire_pressure,
            "frontRightTirePressure": car.front_right_tire_pressure,
            "rearLeftTirePressure": car.rear_left_tire_pressure,
            "rearRightTirePressure": car.rear_right_tire_pressure,
        }
        low, high = data.HEALTHY_TIRE_PSI
        healthy = all(low <= psi <= high for psi in pressures.values())
        return {
            "tirePressure": pressures
            | {"healthy_tire_pressure": healthy, "car_info": json.loads(car.car_info)}
        }

    @tool()
    def find_nearest_tire_shop(self) -> TireShop:
        """Find the tyre shop nearest to the car.

        Returns:
            shopLocation: its address as "street, city, state".
        """
        return {"shopLocation": data.NEAREST_TIRE_SHOP}

    @tool()
    def display_log(self, messages: list[str]) -> Log:
        """Show messages on the dashboard.

        Args:
            messages: the lines to show.

        Returns:
            log: the lines shown.
        """
        return {"log": list(messages)}

    # ------------------------------------------------------------------ fuel
    @tool(write=True)
    def fillFuelTank(self, fuelAmount: float) -> FuelLevel:
        """Add fuel to the tank, which holds 50 gallons. The engine must be off.

        Args:
            fuelAmount: gallons to add (on top of what is in the tank).

        Returns:
            fuelLevel: gallons in the tank afterwards.
        """
        if fuelAmount <= 0:
            raise ToolError(f"The fuel amount must be positive; got {fuelAmount:g}.")
        car = self._vc_car()
        if car.engine_state == "running":
            raise ToolError("Stop the engine before refuelling.")
        level = round(car.fuel_level + fuelAmount, 4)
        if level > data.TANK_CAPACITY_GALLONS:
            raise ToolError(
                f"Cannot add {fuelAmount:g} gallons: the tank holds 50 gallons and has "
                f"{car.fuel_level:g}, so at most {data.TANK_CAPACITY_GALLONS - car.fuel_level:g} more fit."
            )
        car.fuel_level = level
        return {"fuelLevel": level}

    @tool()
    def estimate_drive_feasibility_by_mileage(self, distance: float) -> DriveFeasibility:
        """Whether the fuel in the tank is enough for a distance, at 20 miles per gallon.

        Args:
            distance: the distance to drive, in miles.

        Returns:
            canDrive: true when the tank's fuel covers the distance.
        """
        if distance < 0:
            raise ToolError(f"The distance cannot be negative; got {distance:g}.")
        return {"canDrive": self._vc_car().fuel_level * data.MILES_PER_GALLON >= distance}

    @tool()
    def gallon_to_liter(self, gallon: float) -> Liters:
        """Convert US gallons to liters (to four decimals).

        Args:
            gallon: the amount in gallons.

        Returns:
            liter: the same amount in liters.
        """
        if gallon < 0:
            raise ToolError(f"The amount cannot be negative; got {gallon:g}.")
        return {"liter": round(gallon * data.LITERS_PER_GALLON, 4)}

    @tool()
    def liter_to_gallon(self, liter: float) -> Gallons:
        """Convert liters to US gallons (to four decimals).

        Args:
            liter: the amount in liters.

        Returns:
            gallon: the same amount in gallons.
        """
        if liter < 0:
            raise ToolError(f"The amount cannot be negative; got {liter:g}.")
        return {"gallon": round(liter / data.LITERS_PER_GALLON, 4)}

    # ------------------------------------------------------------------ services
    @tool()
    def get_zipcode_based_on_city(self, city: str) -> Zipcode:
        """Look up a town's zip code in the navigation database.

        Args:
            city: the town's name, e.g. Sacramento.

        Returns:
            zipcode: the zip code, or "00000" for a town the database does not know.
        """
        wanted = city.strip().lower()
        found = next((z for name, z in data.ZIPCODES.items() if name.lower() == wanted), None)
        return {"zipcode": found or data.UNKNOWN_ZIPCODE}

    @tool()
    def estimate_distance(self, cityA: str, cityB: str) -> Distance:
        """The road distance between two towns, given by zip code, and the towns on the way.

        Args:
            cityA: the zip code of one town.
            cityB: the zip code of the other town.

        Returns:
            distance (km) and intermediaryCities, in driving order from cityA.
        """
        if cityA == cityB:
            raise ToolError("Both zip codes are the same town.")
        towns = {z: name for name, z in data.ZIPCODES.items()}
        a, b = towns.get(cityA), towns.get(cityB)
        for first, second, km, via in data.ROUTES:
            if (first, second) == (a, b):
                return {"distance": km, "intermediaryCities": list(via)}
            if (first, second) == (b, a):
                return {"distance": km, "intermediaryCities": list(reversed(via))}
        raise ToolError(f"No route between {cityA} and {cityB} is in the navigation database.")

    @tool()
    def get_outside_temperature_from_google(self) -> OutsideTemperature:
        """The outside temperature, as Google reports it.

        Returns:
            outsideTemperature in °C.
        """
        return {"outsideTemperature": self._vc_car().outside_temperature}

    @tool()
    def get_outside_temperature_from_weather_com(self) -> OutsideTemperature:
        """The outside temperature, as weather.com reports it.

        Returns:
            outsideTemperature in °C.
        """
        return {"outsideTemperature": self._vc_car().outside_temperature}

    # ------------------------------------------------------------------ helpers
    def _vc_car(self) -> VcVehicle:
        return self.db.get(VcVehicle, 1)

    def _vc_doors(self) -> list[VcDoor]:
        rows = {row.door: row for row in self.db.scalars(select(VcDoor))}
        return [rows[door] for door in DOORS]


class VehicleControlEnv(VehicleControlTools, BfclApiEnv):
    name = "bfcl_vehicle"
    description = (
        "BFCL's VehicleControlAPI: one car's engine, doors, brakes, climate, lights, cruise control, "
        "navigation, fuel and tyres; state in BFCL's initial_config shape."
    )
    metadata = VehicleBase.metadata
    api = BfclApi("VehicleControlAPI", seed, tables_from_config, config_from_tables)
