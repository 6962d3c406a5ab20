"""The TravelAPI's fixed rules as pure functions: parameter vocabularies, dates, card expiry,
distances and fares. No state: the tools in `environment.py` call these."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date
from typing import Literal

from envfactory.environments import ToolError

from . import data

TravelClass = Literal["economy", "business", "first"]
Currency = Literal["USD", "RMB", "EUR", "JPY", "GBP", "CAD", "AUD", "INR", "RUB", "BRL", "MXN"]
Location = Literal[
    "Rivermist",
    "Stonebrook",
    "Maplecrest",
    "Silverpine",
    "Shadowridge",
    "London",
    "Paris",
    "Sunset Valley",
    "Oakendale",
    "Willowbend",
    "Crescent Hollow",
    "Autumnville",
    "Pinehaven",
    "Greenfield",
    "San Francisco",
    "Los Angeles",
    "New York",
    "Chicago",
    "Boston",
    "Beijing",
    "Hong Kong",
    "Rome",
    "Tokyo",
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COORDS = {code: (lat, lon) for code, lat, lon in data.AIRPORTS.values()}


def fare(travel_from: str, travel_to: str, travel_date: str, travel_class: str, today: date) -> float:
    """The fare in USD of the day's flight (see `data` for the formula); refuses unknown or equal
    airports and malformed or past dates."""
    origin, destination = travel_from.upper(), travel_to.upper()
    for code in (origin, destination):
        if code not in _COORDS:
            raise ToolError(f"Unknown airport {code!r}; list_all_airports gives the airports served.")
    if origin == destination:
        raise ToolError("The departure and arrival airports must differ.")
    day = parse_date(travel_date)
    if day is None:
        raise ToolError(f"Invalid travel date {travel_date!r}; use YYYY-MM-DD.")
    if day < today:
        raise ToolError(f"{travel_date} is in the past.")
    amount = data.FARE_BASE + data.FARE_PER_KM * great_circle_km(origin, destination)
    amount *= data.CLASS_FACTOR[travel_class]
    if (day - today).days < data.LATE_BOOKING_DAYS:
        amount *= data.LATE_BOOKING_FACTOR
    if day.weekday() in data.PEAK_WEEKDAYS:
        amount *= data.PEAK_DAY_FACTOR
    return float(round(amount))


def traveler_problem(
    first_name: str, last_name: str, date_of_birth: str, passport: str, today: date
) -> str | None:
    """Why a traveller's details fail verification, or None when they pass."""
    born = parse_date(date_of_birth)
    if not first_name.strip() or not last_name.strip():
        return "The traveler's first and last name are required."
    if born is None or born > today:
        return f"Invalid date of birth {date_of_birth!r}; use a past date as YYYY-MM-DD."
    if age_on(born, today) < 18:
        return "The traveler must be at least 18 years old."
    if not re.fullmatch(r"(?=.*\d)[A-Za-z0-9]{6,9}", passport.strip()):
        return "Invalid passport number: it must be 6 to 9 letters and digits."
    return None


def airport_codes() -> list[str]:
    return sorted(_COORDS)


def parse_date(text: str) -> date | None:
    if not _ISO_DATE.fullmatch(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def card_expired(expiration: str, today: date) -> bool:
    """Whether a card expiring `expiration` (MM/YYYY, MM/YY, YYYY-MM or YYYY-MM-DD) is past it;
    a card is valid to the end of its month. Dates in other forms are not checked."""
    text = expiration.strip()
    if match := re.fullmatch(r"(\d{1,2})/(\d{2}|\d{4})", text):
        month, year = int(match[1]), int(match[2])
        year += 2000 if year < 100 else 0
    elif match := re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", text):
        year, month = int(match[1]), int(match[2])
    else:
        return False
    if not 1 <= month <= 12:
        return False
    return date(year, month, calendar.monthrange(year, month)[1]) < today


def great_circle_km(origin: str, destination: str) -> float:
    """Great-circle distance between two airports."""
    (lat1, lon1), (lat2, lon2) = _COORDS[origin], _COORDS[destination]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
