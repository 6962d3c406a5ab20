"""Time zones and the stored time format.

Times are stored as naive UTC text; people's working hours are in their own zones, resolved with
the IANA database through `zoneinfo` (the `tzdata` package is a dependency, so the result is the
same on hosts without a system tz database).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

HOME_ZONE = "Europe/London"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STORED = "%Y-%m-%dT%H:%MZ"


def utc_offset(zone: str, at_utc: datetime) -> timedelta:
    return at_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)


def to_local(zone: str, at_utc: datetime) -> datetime:
    return at_utc + utc_offset(zone, at_utc)


def to_utc(zone: str, local: datetime) -> datetime:
    """A naive local wall-clock time in `zone` as naive UTC (aware values are converted)."""
    if local.tzinfo is not None:
        offset = local.utcoffset() or timedelta(0)
        return local.replace(tzinfo=None) - offset
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def store(at_utc: datetime) -> str:
    return at_utc.strftime(STORED)


def load(text: str) -> datetime:
    return datetime.strptime(text, STORED)


def fmt(at_utc: datetime, zone: str = HOME_ZONE) -> str:
    """A UTC time as local wall-clock text, e.g. 2026-03-10T14:00."""
    return to_local(zone, at_utc).strftime("%Y-%m-%dT%H:%M")


def show(text_utc: str, zone: str = HOME_ZONE) -> str:
    """A stored UTC time as local wall-clock text."""
    return fmt(load(text_utc), zone)
