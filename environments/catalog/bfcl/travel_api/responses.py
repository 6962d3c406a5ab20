"""Response shapes of the travel tools: the documented response fields, one TypedDict each."""

from __future__ import annotations

from typing import Any, TypedDict


class Authentication(TypedDict, total=False):
    expires_in: int
    access_token: str
    token_type: str
    scope: str


class Booking(TypedDict, total=False):
    booking_id: str
    transaction_id: str
    booking_status: bool
    booking_history: dict[str, Any]


class Cancellation(TypedDict, total=False):
    cancel_status: bool


class Exchange(TypedDict, total=False):
    exchanged_value: float


class SupportReply(TypedDict, total=False):
    customer_support_message: str


class CreditCards(TypedDict, total=False):
    credit_card_list: dict[str, dict[str, Any]]


class BookingHistory(TypedDict, total=False):
    booking_history: dict[str, dict[str, Any]]


class FiscalYears(TypedDict, total=False):
    budget_fiscal_year: str


class CardBalance(TypedDict, total=False):
    card_balance: float


class FlightCost(TypedDict, total=False):
    travel_cost_list: list[float]


class NearestAirport(TypedDict, total=False):
    nearest_airport: str


class Airports(TypedDict, total=False):
    airports: list[str]


class Insurance(TypedDict, total=False):
    insurance_id: str
    insurance_status: bool


class RegisteredCard(TypedDict, total=False):
    card_id: str


class Invoice(TypedDict, total=False):
    invoice: dict[str, Any]


class Budget(TypedDict, total=False):
    budget_limit: float


class LoginStatus(TypedDict, total=False):
    status: bool


class Verification(TypedDict, total=False):
    verification_status: bool
    verification_failure: str
