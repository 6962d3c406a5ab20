"""Row lookups for the airline's tools: each raises ToolError naming the unknown value."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

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


class Store:
    """The airline's records as seen through one ORM session."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def user(self, user_id: str) -> User:
        row = self.db.get(User, user_id.strip().upper())
        if row is None:
            raise ToolError(f"No user with id {user_id!r}; user ids look like U10342 (find them by email).")
        return row

    def airport(self, code: str) -> Airport:
        row = self.db.get(Airport, code.strip().upper())
        if row is None:
            codes = ", ".join(self.db.scalars(select(Airport.code).order_by(Airport.code)))
            raise ToolError(f"No airport with code {code!r}; airports served: {codes}.")
        return row

    def flight(self, number: str) -> Flight:
        row = self.db.get(Flight, number.strip().upper())
        if row is None:
            raise ToolError(f"No flight number {number!r}; flight numbers look like BJ214.")
        return row

    def instance(self, number: str, date: dt.date | str) -> FlightInstance:
        day = date if isinstance(date, str) else date.isoformat()
        flight = self.flight(number)
        row = self.db.get(FlightInstance, (flight.number, day))
        if row is None:
            raise ToolError(
                f"Flight {flight.number} is not scheduled on {day}; schedules are published five weeks out."
            )
        return row

    def reservation(self, reservation_id: str) -> Reservation:
        row = self.db.get(Reservation, reservation_id.strip().upper())
        if row is None:
            raise ToolError(f"No reservation {reservation_id!r}; reservation codes are 6 letters and digits.")
        return row

    def method(self, user: User, payment_id: str) -> PaymentMethod:
        row = self.db.get(PaymentMethod, payment_id.strip())
        if row is None or row.user_id != user.id:
            known = ", ".join(m.id for m in self.methods(user.id))
            raise ToolError(f"Payment method {payment_id!r} is not on file for {user.id}; on file: {known}.")
        return row

    def methods(self, user_id: str) -> list[PaymentMethod]:
        stmt = select(PaymentMethod).where(PaymentMethod.user_id == user_id).order_by(PaymentMethod.id)
        return list(self.db.scalars(stmt))

    def legs(self, reservation_id: str) -> list[ReservationFlight]:
        stmt = select(ReservationFlight).where(ReservationFlight.reservation_id == reservation_id)
        return list(self.db.scalars(stmt.order_by(ReservationFlight.leg)))

    def passengers(self, reservation_id: str) -> list[Passenger]:
        stmt = select(Passenger).where(Passenger.reservation_id == reservation_id)
        return list(self.db.scalars(stmt.order_by(Passenger.position)))

    def payments(self, reservation_id: str) -> list[Payment]:
        stmt = select(Payment).where(Payment.reservation_id == reservation_id)
        return list(self.db.scalars(stmt.order_by(Payment.created_at, Payment.id)))

    def compensation(self, reservation_id: str) -> Compensation | None:
        return self.db.scalar(select(Compensation).where(Compensation.reservation_id == reservation_id))

    def reservations(self, user_id: str) -> list[Reservation]:
        stmt = select(Reservation).where(Reservation.user_id == user_id).order_by(Reservation.created_at)
        return list(self.db.scalars(stmt))

    def departures(
        self, origin: str, day: dt.date, destination: str | None = None
    ) -> list[tuple[Flight, FlightInstance]]:
        stmt = (
            select(Flight, FlightInstance)
            .join(FlightInstance, FlightInstance.flight_number == Flight.number)
            .where(Flight.origin == origin, FlightInstance.date == day.isoformat())
            .order_by(Flight.departs, Flight.number)
        )
        if destination is not None:
            stmt = stmt.where(Flight.destination == destination)
        return [(f, i) for f, i in self.db.execute(stmt).all()]
