"""How records look to the agent: compact dicts, money in dollars."""

from __future__ import annotations

from typing import Any

from .models import (
    Airport,
    Compensation,
    Flight,
    FlightInstance,
    Passenger,
    Payment,
    PaymentMethod,
    Reservation,
    ReservationFlight,
    User,
)

CABIN_FIELDS = ("basic_economy", "economy", "business")


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def airport(row: Airport) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "city": row.city, "country": row.country}


def flight(row: Flight, instance: FlightInstance) -> dict[str, Any]:
    view: dict[str, Any] = {
        "flight_number": row.number,
        "date": instance.date,
        "origin": row.origin,
        "destination": row.destination,
        "departs": row.departs,
        "arrives": row.arrives,
        "status": instance.status,
    }
    if instance.delay_minutes:
        view["delay_minutes"] = instance.delay_minutes
    if instance.status in ("available", "delayed"):
        view["seats_left"] = {c: getattr(instance, f"seats_{c}") for c in CABIN_FIELDS}
        view["prices"] = {c: dollars(getattr(instance, f"price_{c}_cents")) for c in CABIN_FIELDS}
    return view


def status(row: Flight, instance: FlightInstance) -> dict[str, Any]:
    return {
        "flight_number": row.number,
        "date": instance.date,
        "origin": row.origin,
        "destination": row.destination,
        "scheduled_departure": row.departs,
        "scheduled_arrival": row.arrives,
        "aircraft": row.aircraft,
        "status": instance.status,
        "delay_minutes": instance.delay_minutes,
    }


def method(row: PaymentMethod) -> dict[str, Any]:
    view: dict[str, Any] = {"payment_id": row.id, "kind": row.kind}
    if row.kind == "card":
        view |= {"brand": row.brand, "last4": row.last4}
    else:
        view["balance"] = dollars(row.balance_cents or 0)
    if row.kind == "certificate":
        view |= {"status": row.status, "issued_on": row.issued_on}
    return view


def user(row: User, methods: list[PaymentMethod], reservations: list[str]) -> dict[str, Any]:
    return {
        "user_id": row.id,
        "name": f"{row.first_name} {row.last_name}",
        "email": row.email,
        "phone": row.phone,
        "date_of_birth": row.date_of_birth,
        "membership": row.membership,
        "member_since": row.member_since,
        "payment_methods": [method(m) for m in methods],
        "reservations": reservations,
    }


def passenger(row: Passenger) -> dict[str, Any]:
    return {"first_name": row.first_name, "last_name": row.last_name, "date_of_birth": row.date_of_birth}


def leg(row: ReservationFlight, flight_row: Flight, instance: FlightInstance) -> dict[str, Any]:
    return {
        "flight_number": row.flight_number,
        "date": row.date,
        "origin": flight_row.origin,
        "destination": flight_row.destination,
        "departs": flight_row.departs,
        "arrives": flight_row.arrives,
        "status": instance.status,
        "price": dollars(row.price_cents),
    }


def payment(row: Payment) -> dict[str, Any]:
    return {
        "payment_id": row.method_id,
        "kind": row.kind,
        "amount": dollars(row.amount_cents),
        "at": row.created_at,
    }


def reservation(
    row: Reservation,
    legs: list[dict[str, Any]],
    people: list[Passenger],
    payments: list[Payment],
    compensation: Compensation | None,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "reservation_id": row.id,
        "user_id": row.user_id,
        "status": row.status,
        "origin": row.origin,
        "destination": row.destination,
        "trip_type": row.trip_type,
        "cabin": row.cabin,
        "flights": legs,
        "passengers": [passenger(p) for p in people],
        "insurance": row.insurance,
        "total_baggages": row.total_baggages,
        "nonfree_baggages": row.nonfree_baggages,
        "created_at": row.created_at,
        "payments": [payment(p) for p in payments],
        "total_paid": dollars(sum(p.amount_cents for p in payments)),
    }
    if row.status == "cancelled":
        view |= {"cancelled_at": row.cancelled_at, "cancel_reason": row.cancel_reason}
    if compensation is not None:
        view["compensation"] = {
            "certificate_id": compensation.certificate_id,
            "amount": dollars(compensation.amount_cents),
            "reason": compensation.reason,
        }
    return view


def summary(row: Reservation, legs: list[ReservationFlight]) -> dict[str, Any]:
    return {
        "reservation_id": row.id,
        "status": row.status,
        "route": f"{row.origin}-{row.destination}",
        "trip_type": row.trip_type,
        "cabin": row.cabin,
        "dates": sorted({leg.date for leg in legs}),
        "flights": [leg.flight_number for leg in legs],
    }
