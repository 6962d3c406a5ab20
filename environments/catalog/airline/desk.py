"""The write operations of the reservation desk, run inside one tool call's transaction.

`AirlineEnv`'s write tools describe themselves and delegate here; the rules they enforce live in
`rules.py`, money and seat movements in `ledger.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import facts, rules, views
from .inputs import FlightRef, PassengerInfo, PaymentPart
from .ledger import Ledger
from .models import Compensation, Passenger, PaymentMethod, Reservation, ReservationFlight, User
from .rules import Leg, cents
from .store import Store


class Desk:
    def __init__(self, db: Session, now: dt.datetime, new_id: Callable[[str, int], str]) -> None:
        self.db = db
        self.now = now
        self.new_id = new_id
        self.store = Store(db)
        self.ledger = Ledger(db, now, new_id)

    # ----------------------------------------------------------------- shared
    def leg(self, flight_number: str, date: dt.date | str) -> Leg:
        instance = self.store.instance(flight_number, date)
        return self.store.flight(instance.flight_number), instance

    def legs(self, reservation: Reservation) -> list[Leg]:
        return [self.leg(r.flight_number, r.date) for r in self.store.legs(reservation.id)]

    def view(self, reservation: Reservation) -> dict[str, Any]:
        legs = [views.leg(r, *self.leg(r.flight_number, r.date)) for r in self.store.legs(reservation.id)]
        s = self.store
        return views.reservation(
            reservation,
            legs,
            s.passengers(reservation.id),
            s.payments(reservation.id),
            s.compensation(reservation.id),
        )

    def quote(
        self, user: User, cabin: str, legs: list[Leg], pax: int, bags: int, insurance: bool
    ) -> dict[str, Any]:
        rules.check_passenger_count(pax)
        rules.check_bag_count(bags, pax)
        fares = sum(getattr(i, f"price_{cabin}_cents") for _, i in legs) * pax
        free = rules.free_bags(user, cabin, pax)
        nonfree = max(0, bags - free)
        cover = facts.INSURANCE_CENTS * pax if insurance else 0
        return {
            "fares": views.dollars(fares),
            "free_baggages": free,
            "nonfree_baggages": nonfree,
            "baggage_fees": views.dollars(nonfree * facts.BAG_FEE_CENTS),
            "insurance": views.dollars(cover),
            "total": views.dollars(fares + nonfree * facts.BAG_FEE_CENTS + cover),
        }

    def passenger_count(self, reservation: Reservation) -> int:
        return len(self.store.passengers(reservation.id))

    def change_method(self, reservation: Reservation, payment_id: str, amount: int) -> PaymentMethod:
        method = self.store.method(self.store.user(reservation.user_id), payment_id)
        rules.check_change_method(method, amount)
        return method

    # ----------------------------------------------------------------- bookings
    def book(
        self,
        user: User,
        trip: tuple[str, str, str, str],
        flights: list[FlightRef],
        passengers: list[PassengerInfo],
        payments: list[PaymentPart],
        extras: tuple[int, bool],
    ) -> Reservation:
        """Book `trip` = (trip_type, origin, destination, cabin) with `extras` = (bags, insurance)."""
        trip_type, origin, destination, cabin = trip
        legs = [self.leg(ref.flight_number, ref.date) for ref in flights]
        if not legs:
            raise ToolError("A reservation needs at least one flight.")
        origin, destination = self.store.airport(origin).code, self.store.airport(destination).code
        rules.check_route(legs, origin, destination, trip_type)
        quote = self.quote(user, cabin, legs, len(passengers), *extras)
        for flight, instance in legs:
            rules.check_bookable(flight, instance, cabin, len(passengers), self.now)
        parts = [(self.store.method(user, p.payment_id), cents(p.amount)) for p in payments]
        rules.check_split(parts, cents(quote["total"]))
        reservation = self._new_reservation(user, trip_type, origin, destination, cabin)
        reservation.insurance = extras[1]
        reservation.total_baggages, reservation.nonfree_baggages = extras[0], quote["nonfree_baggages"]
        for n, (flight, instance) in enumerate(legs, 1):
            self._add_leg(reservation, n, (flight, instance), getattr(instance, f"price_{cabin}_cents"))
            Ledger.seats(instance, cabin, -len(passengers))
        self.set_passengers(reservation, passengers)
        for method, amount in parts:
            self.ledger.charge(reservation, method, "booking", amount)
        return reservation

    def cancel(self, reservation: Reservation, reason: str) -> None:
        legs = self.legs(reservation)
        rules.check_cancellable(reservation, legs, self.now, reason)
        pax = self.passenger_count(reservation)
        for _, instance in legs:
            Ledger.seats(instance, reservation.cabin, pax)
        self.ledger.refund_all(reservation, self.store.payments(reservation.id))
        reservation.status, reservation.cancel_reason = "cancelled", reason
        reservation.cancelled_at = self.now.isoformat(timespec="seconds")

    def change_flights(self, reservation: Reservation, flights: list[FlightRef], payment_id: str) -> None:
        rules.require_active(reservation)
        if reservation.cabin == "basic_economy":
            raise ToolError(
                f"Reservation {reservation.id} is basic economy; its flights cannot be changed "
                "(the cabin can be upgraded first)."
            )
        old = {(r.flight_number, r.date): r for r in self.store.legs(reservation.id)}
        legs = [self.leg(ref.flight_number, ref.date) for ref in flights]
        keys = [(f.number, i.date) for f, i in legs]
        if not legs or keys == list(old):
            raise ToolError(
                f"Those are already the flights of reservation {reservation.id}; nothing to change."
            )
        rules.check_route(legs, reservation.origin, reservation.destination, reservation.trip_type)
        current = self.legs(reservation)
        for flight, instance in current:
            if instance.status == "flown" and (flight.number, instance.date) not in keys:
                raise ToolError(
                    f"Flight {flight.number} on {instance.date} was flown; it must stay on the reservation."
                )
        pax = self.passenger_count(reservation)
        prices = [
            self._price(reservation, leg, old.get(key), pax) for leg, key in zip(legs, keys, strict=True)
        ]
        difference = (sum(prices) - sum(r.price_cents for r in old.values())) * pax
        method = self.change_method(reservation, payment_id, difference)
        for flight, instance in current:
            if (flight.number, instance.date) not in keys:
                Ledger.seats(instance, reservation.cabin, pax)
        for row in old.values():
            self.db.delete(row)
        self.db.flush()
        for n, (leg, key, price) in enumerate(zip(legs, keys, prices, strict=True), 1):
            if key not in old:
                Ledger.seats(leg[1], reservation.cabin, -pax)
            self._add_leg(reservation, n, leg, price)
        self.ledger.charge(reservation, method, "flight_change" if difference > 0 else "refund", difference)

    def change_cabin(self, reservation: Reservation, cabin: str, payment_id: str) -> None:
        rules.require_active(reservation)
        if cabin == reservation.cabin:
            raise ToolError(f"Reservation {reservation.id} is already in {cabin}.")
        legs = self.legs(reservation)
        rules.require_not_started(reservation, legs, "a cabin change")
        pax = self.passenger_count(reservation)
        for flight, instance in legs:
            if instance.status == "cancelled":
                raise ToolError(
                    f"Flight {flight.number} on {instance.date} is cancelled; change the flights first."
                )
            rules.check_seats(flight, instance, cabin, pax)
        rows = self.store.legs(reservation.id)
        new_prices = [getattr(i, f"price_{cabin}_cents") for _, i in legs]
        difference = (sum(new_prices) - sum(r.price_cents for r in rows)) * pax
        method = self.change_method(reservation, payment_id, difference)
        for row, (_, instance), price in zip(rows, legs, new_prices, strict=True):
            Ledger.seats(instance, reservation.cabin, pax)
            Ledger.seats(instance, cabin, -pax)
            row.price_cents = price
        reservation.cabin = cabin
        self.ledger.charge(reservation, method, "cabin_change" if difference > 0 else "refund", difference)

    def replace_passengers(self, reservation: Reservation, passengers: list[PassengerInfo]) -> None:
        rules.require_active(reservation)
        rules.require_not_started(reservation, self.legs(reservation), "changing passengers")
        current = self.store.passengers(reservation.id)
        if len(passengers) != len(current):
            raise ToolError(
                f"Reservation {reservation.id} has {len(current)} passenger(s); the number of passengers "
                f"cannot change (got {len(passengers)}). To add or remove people, book separately or cancel."
            )
        if [views.passenger(p) for p in current] == [p.model_dump(mode="json") for p in passengers]:
            raise ToolError("Those are already the passengers' details; nothing to change.")
        for row in current:
            self.db.delete(row)
        self.db.flush()
        self.set_passengers(reservation, passengers)

    def add_baggage(self, reservation: Reservation, total: int, payment_id: str) -> None:
        rules.require_active(reservation)
        rules.require_not_started(reservation, self.legs(reservation), "adding bags")
        if total <= reservation.total_baggages:
            raise ToolError(
                f"Reservation {reservation.id} already has {reservation.total_baggages} checked bag(s); "
                f"the new total must be higher (bags cannot be removed), not {total}."
            )
        pax = self.passenger_count(reservation)
        rules.check_bag_count(total, pax)
        user = self.store.user(reservation.user_id)
        nonfree = max(reservation.nonfree_baggages, total - rules.free_bags(user, reservation.cabin, pax))
        fee = (nonfree - reservation.nonfree_baggages) * facts.BAG_FEE_CENTS
        method = self.change_method(reservation, payment_id, fee)
        reservation.total_baggages, reservation.nonfree_baggages = total, nonfree
        self.ledger.charge(reservation, method, "baggage", fee)

    def compensate(self, reservation: Reservation, flight_number: str, date: dt.date) -> Compensation:
        _, instance = self.leg(flight_number, date)
        key = (instance.flight_number, instance.date)
        if key not in {(r.flight_number, r.date) for r in self.store.legs(reservation.id)}:
            raise ToolError(f"Flight {key[0]} on {key[1]} is not on reservation {reservation.id}.")
        reason = rules.disruption(instance)
        user = self.store.user(reservation.user_id)
        rules.check_compensation_eligible(reservation, user)
        given = self.store.compensation(reservation.id)
        if given is not None:
            raise ToolError(
                f"Reservation {reservation.id} was already compensated on {given.created_at} "
                f"({given.certificate_id}); compensation is given once per reservation."
            )
        amount = facts.COMPENSATION_CENTS[reason] * self.passenger_count(reservation)
        certificate = PaymentMethod(
            id=self.new_id("certificate_", 7),
            user_id=user.id,
            kind="certificate",
            balance_cents=amount,
            status="active",
            issued_on=self.now.date().isoformat(),
        )
        row = Compensation(
            id=self.new_id("CMP", 6),
            reservation_id=reservation.id,
            flight_number=key[0],
            date=key[1],
            reason=reason,
            amount_cents=amount,
            certificate_id=certificate.id,
            created_at=self.now.isoformat(timespec="seconds"),
        )
        self.db.add_all([certificate, row])
        return row

    # ----------------------------------------------------------------- internals
    def set_passengers(self, reservation: Reservation, passengers: list[PassengerInfo]) -> None:
        rules.check_passenger_count(len(passengers))
        for n, p in enumerate(passengers, 1):
            self.db.add(
                Passenger(
                    reservation_id=reservation.id,
                    position=n,
                    first_name=p.first_name.strip(),
                    last_name=p.last_name.strip(),
                    date_of_birth=p.date_of_birth.isoformat(),
                )
            )

    def _price(self, reservation: Reservation, leg: Leg, kept: ReservationFlight | None, pax: int) -> int:
        """A kept flight keeps the price paid; a new one must be bookable and costs today's fare."""
        if kept is not None:
            return kept.price_cents
        rules.check_bookable(*leg, reservation.cabin, pax, self.now)
        return getattr(leg[1], f"price_{reservation.cabin}_cents")

    def _add_leg(self, reservation: Reservation, n: int, leg: Leg, price: int) -> None:
        flight, instance = leg
        self.db.add(
            ReservationFlight(
                reservation_id=reservation.id,
                leg=n,
                flight_number=flight.number,
                date=instance.date,
                price_cents=price,
            )
        )

    def _new_reservation(
        self, user: User, trip_type: str, origin: str, destination: str, cabin: str
    ) -> Reservation:
        code = self.new_id("", 6)
        while self.db.get(Reservation, code) is not None:
            code = self.new_id("", 6)
        row = Reservation(
            id=code,
            user_id=user.id,
            origin=origin,
            destination=destination,
            trip_type=trip_type,
            cabin=cabin,
            status="active",
            insurance=False,
            total_baggages=0,
            nonfree_baggages=0,
            created_at=self.now.isoformat(timespec="seconds"),
        )
        self.db.add(row)
        return row
