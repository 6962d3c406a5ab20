"""Seed state of the TravelAPI environment, in BFCL's `initial_config` shape, and the fixed
reference data the travel service reads: airports, fares, exchange rates and fiscal years.

The seed traveller is Elena Marquez, signed in with a read-write token and a $2,500 budget per
booking. She has four cards (the Amex expired at the end of February; the Discover, her husband
Tomás's, has little credit left), five bookings (one already flown) and one insurance policy.
"""

from __future__ import annotations

from typing import Any

# Location -> (nearest airport, latitude, longitude). The small towns are in the interior West.
AIRPORTS: dict[str, tuple[str, float, float]] = {
    "Rivermist": ("RMS", 44.05, -121.30),
    "Stonebrook": ("SBK", 45.52, -118.40),
    "Maplecrest": ("MPC", 43.10, -116.20),
    "Silverpine": ("SVP", 46.70, -120.50),
    "Shadowridge": ("SHD", 39.50, -119.80),
    "London": ("LHR", 51.47, -0.45),
    "Paris": ("CDG", 49.01, 2.55),
    "Sunset Valley": ("SSV", 36.80, -119.70),
    "Oakendale": ("OKD", 38.60, -121.50),
    "Willowbend": ("WLB", 47.20, -122.40),
    "Crescent Hollow": ("CRH", 41.30, -112.00),
    "Autumnville": ("ATV", 40.40, -104.70),
    "Pinehaven": ("PHV", 35.20, -111.60),
    "Greenfield": ("GFD", 39.10, -94.60),
    "San Francisco": ("SFO", 37.62, -122.38),
    "Los Angeles": ("LAX", 33.94, -118.41),
    "New York": ("JFK", 40.64, -73.78),
    "Chicago": ("ORD", 41.97, -87.91),
    "Boston": ("BOS", 42.36, -71.01),
    "Beijing": ("PEK", 40.08, 116.58),
    "Hong Kong": ("HKG", 22.31, 113.91),
    "Rome": ("FCO", 41.80, 12.25),
    "Tokyo": ("HND", 35.55, 139.78),
}

# Fares in USD: economy = base + per_km * great-circle km, times the class factor; departures
# within two weeks cost 30% more and Friday or Sunday departures 10% more; rounded to dollars.
FARE_BASE = 50.0
FARE_PER_KM = 0.11
CLASS_FACTOR = {"economy": 1.0, "business": 2.6, "first": 4.2}
LATE_BOOKING_DAYS = 14
LATE_BOOKING_FACTOR = 1.3
PEAK_DAY_FACTOR = 1.1
PEAK_WEEKDAYS = (4, 6)  # Friday, Sunday

# Units of each currency per US dollar.
RATES_PER_USD: dict[str, float] = {
    "USD": 1.0,
    "RMB": 7.1,
    "EUR": 0.92,
    "JPY": 149.5,
    "GBP": 0.79,
    "CAD": 1.36,
    "AUD": 1.52,
    "INR": 83.2,
    "RUB": 92.5,
    "BRL": 5.05,
    "MXN": 17.1,
}

# (fiscal year, last modified (UTC), removed)
FISCAL_YEARS: list[tuple[str, str, bool]] = [
    ("FY2023", "2023-09-28T17:05:00", True),
    ("FY2024", "2024-10-02T09:30:00", False),
    ("FY2025", "2025-09-30T16:45:00", False),
    ("FY2026", "2026-02-17T11:20:00", False),
]

NEW_CARD_CREDIT = 5000.0
TOKEN_LIFETIME_S = 3600
SEED_ACCESS_TOKEN = "tr-5b8e1f4c9a27d306"


def seed_config() -> dict[str, Any]:
    """The seed traveller as a TravelAPI config."""
    return {
        "access_token": SEED_ACCESS_TOKEN,
        "token_type": "Bearer",
        "token_expires_in": TOKEN_LIFETIME_S,
        "token_scope": "read_write",
        "user_first_name": "Elena",
        "user_last_name": "Marquez",
        "budget_limit": 2500.0,
        "credit_card_list": {
            "CC1001": _card("4532881209374410", "08/2028", "Elena Marquez", 417, 4820.75),
            "CC1002": _card("5425233430109903", "11/2027", "Elena Marquez", 208, 1265.40),
            "CC1003": _card("374245455400126", "02/2026", "Elena Marquez", 3318, 9300.00),
            "CC1004": _card("6011000990139424", "05/2029", "Tomás Marquez", 552, 310.00),
        },
        "booking_record": {
            "BK20451": _booking("CC1001", "2026-03-18", "SFO", "JFK", "economy", 412.0, "TX88201456"),
            "BK20452": _booking("CC1002", "2026-04-06", "SFO", "LHR", "business", 2290.0, "TX88201497"),
            "BK20453": _booking("CC1001", "2026-02-14", "LAX", "SFO", "economy", 129.0, "TX88200932"),
            "BK20454": _booking("CC1004", "2026-03-27", "RMS", "SBK", "first", 640.0, "TX88201533"),
            "BK20455": _booking("CC1001", "2026-05-12", "BOS", "FCO", "economy", 780.0, "TX88201602"),
        },
        "insurance_record": {
            "INS3301": {
                "booking_id": "BK20452",
                "insurance_type": "comprehensive",
                "insurance_cost": 185.0,
                "card_id": "CC1002",
            },
        },
    }


def _card(number: str, expires: str, holder: str, cvv: int, balance: float) -> dict[str, Any]:
    return {
        "card_number": number,
        "expiration_date": expires,
        "cardholder_name": holder,
        "card_verification_number": cvv,
        "balance": balance,
    }


def _booking(
    card_id: str, date: str, origin: str, destination: str, travel_class: str, cost: float, transaction: str
) -> dict[str, Any]:
    return {
        "card_id": card_id,
        "travel_date": date,
        "travel_from": origin,
        "travel_to": destination,
        "travel_class": travel_class,
        "travel_cost": cost,
        "transaction_id": transaction,
    }
