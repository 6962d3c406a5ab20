"""Pure business rules of the bank: money conversion, market hours, dispute windows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from envfactory.environments import ToolError

MARKET_OPEN = time(9, 30)
MARKET_CLOSE = time(16, 0)
DISPUTE_WINDOW_DAYS = 60
SCHEDULE_HORIZON_DAYS = 365
CARD_LIFETIME_YEARS = 4


def to_cents(amount: float, what: str = "amount") -> int:
    """Dollars from an agent to integer cents; refuses zero, negatives and fractions of a cent."""
    value = round(amount * 100)
    if abs(amount * 100 - value) > 1e-6:
        raise ToolError(f"The {what} {amount} has more than two decimal places; give dollars and cents.")
    if value <= 0:
        raise ToolError(f"The {what} must be positive, got {amount}.")
    return value


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def market_is_open(now: datetime) -> bool:
    """US equity market hours, Monday to Friday 09:30-16:00 (the session clock is Eastern time)."""
    return now.weekday() < 5 and MARKET_OPEN <= now.time() < MARKET_CLOSE


def market_status(now: datetime) -> str:
    state = "open" if market_is_open(now) else "closed"
    return f"The market is {state} ({now:%A %Y-%m-%d %H:%M}; regular hours are Monday-Friday 09:30-16:00 ET)."


def check_dispute_window(posted_on: str, today: date) -> None:
    age = (today - date.fromisoformat(posted_on)).days
    if age > DISPUTE_WINDOW_DAYS:
        oldest = (today - timedelta(days=DISPUTE_WINDOW_DAYS)).isoformat()
        raise ToolError(
            f"The transaction posted on {posted_on}, {age} days ago; disputes must be opened within "
            f"{DISPUTE_WINDOW_DAYS} days (transactions posted on or after {oldest})."
        )


def check_schedule_date(start: date, today: date) -> None:
    latest = today + timedelta(days=SCHEDULE_HORIZON_DAYS)
    if start <= today:
        raise ToolError(
            f"The start date {start.isoformat()} is not in the future (today is {today.isoformat()}); "
            "schedule from tomorrow on, or make an immediate transfer instead."
        )
    if start > latest:
        raise ToolError(
            f"The start date {start.isoformat()} is more than a year away; "
            f"the latest allowed is {latest.isoformat()}."
        )


def card_expiry(today: date) -> str:
    return f"{today.year + CARD_LIFETIME_YEARS}-{today.month:02d}"
