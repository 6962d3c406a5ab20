"""Response shapes of the vehicle tools: the documented response fields, one TypedDict each."""

from __future__ import annotations

from typing import Any, TypedDict


class ParkingBrake(TypedDict, total=False):
    parkingBrakeStatus: str
    _parkingBrakeForce: float  # the documented names start with "_"
    _slopeAngle: float


class Climate(TypedDict, total=False):
    currentTemperature: float
    climateMode: str
    humidityLevel: float


class TirePressure(TypedDict, total=False):
    tirePressure: dict[str, Any]


class CarStatus(TypedDict, total=False):
    status: dict[str, Any]


class Log(TypedDict, total=False):
    log: list[str]


class Distance(TypedDict, total=False):
    distance: float
    intermediaryCities: list[str]


class DriveFeasibility(TypedDict, total=False):
    canDrive: bool


class FuelLevel(TypedDict, total=False):
    fuelLevel: float


class TireShop(TypedDict, total=False):
    shopLocation: str


class Liters(TypedDict, total=False):
    liter: float


class Gallons(TypedDict, total=False):
    gallon: float


class Speed(TypedDict, total=False):
    currentSpeed: float


class OutsideTemperature(TypedDict, total=False):
    outsideTemperature: float


class Zipcode(TypedDict, total=False):
    zipcode: str


class Locks(TypedDict, total=False):
    lockStatus: str
    remainingUnlockedDoors: int


class BrakePedal(TypedDict, total=False):
    brakePedalStatus: str
    brakePedalForce: float


class Cruise(TypedDict, total=False):
    cruiseStatus: str
    currentSpeed: float
    distanceToNextVehicle: float


class Headlights(TypedDict, total=False):
    headlightStatus: str


class Navigation(TypedDict, total=False):
    status: str


class Engine(TypedDict, total=False):
    engineState: str
    fuelLevel: float
    batteryVoltage: float
