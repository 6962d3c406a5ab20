"""Seed state of the VehicleControlAPI environment, in BFCL's `initial_config` shape, and the fixed
reference data the car's services read (towns and their zip codes, the road atlas, the tyre shop).

The seed car is a 2022 pickup parked on a gentle slope in San Francisco on a cool morning: parking
brake on, engine off, driver's door unlocked, the rear left tyre a little soft.
"""

from __future__ import annotations

from typing import Any

TANK_CAPACITY_GALLONS = 50.0
MILES_PER_GALLON = 20.0
LITERS_PER_GALLON = 3.78541
MAX_PEDAL_FORCE_N = 1000.0
PARKING_BRAKE_BASE_FORCE_N = 500.0
PARKING_BRAKE_FORCE_PER_DEGREE_N = 25.0
MIN_START_VOLTAGE = 10.5
HEALTHY_TIRE_PSI = (30.0, 35.0)
MAX_CRUISE_SPEED = 120.0
UNKNOWN_ZIPCODE = "00000"
NEAREST_TIRE_SHOP = "1840 Harrison Street, San Francisco, CA"

# Town -> zip code, as the navigation database knows them.
ZIPCODES: dict[str, str] = {
    "San Francisco": "94102",
    "San Jose": "95113",
    "Sacramento": "95814",
    "Monterey": "93940",
    "Fresno": "93721",
    "Bakersfield": "93301",
    "Santa Barbara": "93101",
    "Los Angeles": "90012",
    "San Diego": "92101",
    "Las Vegas": "89101",
    "Phoenix": "85004",
    "Reno": "89501",
    "Eugene": "97401",
    "Portland": "97204",
    "Seattle": "98104",
}

# (town, town, road distance in km, towns passed on the way); distances are symmetric.
ROUTES: list[tuple[str, str, float, list[str]]] = [
    ("San Francisco", "San Jose", 77.0, []),
    ("San Francisco", "Sacramento", 140.0, ["Vallejo"]),
    ("San Francisco", "Monterey", 189.0, ["San Jose", "Gilroy"]),
    ("San Francisco", "Los Angeles", 620.0, ["Modesto", "Fresno", "Bakersfield"]),
    ("San Francisco", "Santa Barbara", 530.0, ["San Jose", "Salinas", "San Luis Obispo"]),
    ("San Francisco", "Reno", 350.0, ["Sacramento", "Truckee"]),
    ("Sacramento", "Reno", 212.0, ["Auburn", "Truckee"]),
    ("Sacramento", "Portland", 930.0, ["Redding", "Medford", "Eugene"]),
    ("Fresno", "Bakersfield", 175.0, ["Tulare"]),
    ("Los Angeles", "San Diego", 195.0, ["Irvine", "Oceanside"]),
    ("Los Angeles", "Las Vegas", 435.0, ["Barstow"]),
    ("Los Angeles", "Phoenix", 600.0, ["Palm Springs", "Blythe"]),
    ("Las Vegas", "Phoenix", 480.0, ["Kingman"]),
    ("Eugene", "Portland", 180.0, ["Salem"]),
    ("Portland", "Seattle", 280.0, ["Olympia"]),
]


def seed_config() -> dict[str, Any]:
    """The seed car as a VehicleControlAPI config."""
    return {
        "fuelLevel": 18.5,
        "batteryVoltage": 12.4,
        "engineState": "stopped",
        "doorStatus": {
            "driver": "unlocked",
            "passenger": "locked",
            "rear_left": "locked",
            "rear_right": "locked",
        },
        "acTemperature": 21.0,
        "fanSpeed": 40,
        "acMode": "auto",
        "humidityLevel": 48.0,
        "headLightStatus": "off",
        "parkingBrakeStatus": "engaged",
        "parkingBrakeForce": 587.5,
        "slopeAngle": 3.5,
        "brakePedalStatus": "released",
        "brakePedalForce": 0.0,
        "distanceToNextVehicle": 40.0,
        "cruiseStatus": "inactive",
        "currentSpeed": 0.0,
        "destination": "None",
        "outsideTemperature": 11.5,
        "frontLeftTirePressure": 33.0,
        "frontRightTirePressure": 32.5,
        "rearLeftTirePressure": 28.5,
        "rearRightTirePressure": 31.0,
        "carInfo": {
            "make": "Ford",
            "model": "F-150 XLT",
            "year": 2022,
            "color": "Carbonized Gray",
            "vin": "1FTFW1E85NFA41736",
            "odometerKm": 48213,
        },
    }
