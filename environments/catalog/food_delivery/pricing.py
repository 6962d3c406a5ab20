"""Money and time rules shared by the seed and the tools. Amounts are integer cents."""

from __future__ import annotations

from datetime import datetime

from .models import OpeningHours, PromoCode

CANCELLATION_FEE_PERCENT = 50
REFUND_WINDOW_HOURS = 48
MAX_QUANTITY = 20


def money(cents: int) -> float:
    """Cents as dollars, for tool output."""
    return round(cents / 100, 2)


def discount_cents(promo: PromoCode, subtotal: int, delivery_fee: int) -> int:
    """What a promo takes off an order with this food subtotal and delivery fee."""
    if promo.kind == "percent":
        return percent_of(subtotal, promo.value)
    if promo.kind == "free_delivery":
        return delivery_fee
    return min(promo.value, subtotal)


def cancellation_fee_cents(status: str, subtotal: int) -> int:
    """Free while the restaurant has not accepted; half the food once it has."""
    return 0 if status == "placed" else percent_of(subtotal, CANCELLATION_FEE_PERCENT)


def percent_of(cents: int, percent: int) -> int:
    """A percentage of an amount, rounded half up to the cent (as a receipt would)."""
    return (cents * percent + 50) // 100


def is_open(hours: OpeningHours | None, when: datetime) -> bool:
    """Whether opening hours (of `when`'s weekday) include the time of `when`."""
    return hours is not None and hours.opens <= when.strftime("%H:%M") < hours.closes
