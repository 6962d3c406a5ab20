"""Bluejay Air's reservation desk: flights, bookings, changes, cancellations, bags, compensation.

Business rules: cancellation only within 24 hours of booking, with insurance, in business or when
the airline cancelled a flight, and never once a segment has flown; basic economy flights cannot be
changed; the passenger count is fixed; travel certificates pay only new bookings, one per
reservation; compensation once per reservation for eligible travellers. The write tools delegate
to `desk.Desk`; the rules themselves are in `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from sqlalchemy import insert, select

from envfactory.environments import Environment, ToolError, tool

from . import data, facts, rules, views
from .desk import Desk
from .inputs import Cabin, CancelReason, FlightRef, PassengerInfo, PaymentPart, TripType
from .models import Airport, Base, FlightInstance, Reservation, User
from .rules import Leg
from .store import Store


class AirlineEnv(Environment):
    name = "airline"
    domain = "travel"
    description = (
        "Bluejay Air's reservation desk: search flights, book, change, cancel, bags and compensation."
    )
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-05-15T10:00:00"

    def seed_data(self) -> None:
        rows, instances = data.seed(self.rng, self.now())
        self.db.add_all(rows)
        self.db.execute(insert(FlightInstance), instances)

    @property
    def _store(self) -> Store:
        return Store(self.db)

    @property
    def _desk(self) -> Desk:
        return Desk(self.db, self.now(), self.new_id)

    # ----------------------------------------------------------------- flights
    @tool()
    def list_airports(self, country: str | None = None) -> list[dict]:
        """List the airports Bluejay Air flies to, with their codes and cities.

        Args:
            country: only airports in this country, e.g. Canada.
        """
        rows = self.db.scalars(select(Airport).order_by(Airport.code))
        wanted = None if country is None else country.strip().lower()
        return [views.airport(a) for a in rows if wanted is None or a.country.lower() == wanted]

    @tool()
    def search_direct_flights(self, origin: str, destination: str, date: dt.date) -> list[dict]:
        """Find nonstop flights between two airports on a date, with status, seats left and fares.

        Args:
            origin: departure airport code, e.g. JFK.
            destination: arrival airport code, e.g. LAX.
            date: departure date, YYYY-MM-DD.
        """
        origin, destination = self._store.airport(origin).code, self._store.airport(destination).code
        return [views.flight(f, i) for f, i in self._store.departures(origin, date, destination)]

    @tool()
    def search_onestop_flights(self, origin: str, destination: str, date: dt.date) -> list[dict]:
        """Find one-stop connections between two airports on a date (at least 60 minutes to connect).
        Only flights still open for booking are combined.

        Args:
            origin: departure airport code, e.g. BOS.
            destination: final arrival airport code, e.g. PHX.
            date: departure date of the first flight, YYYY-MM-DD.
        """
        origin, destination = self._store.airport(origin).code, self._store.airport(destination).code
        found = []
        for first in self._store.departures(origin, date):
            if first[0].destination == destination or first[1].status != "available":
                continue
            ready = rules.departure(*first, arrival=True) + dt.timedelta(minutes=facts.MIN_CONNECTION_MINUTES)
            for second in self._store.departures(first[0].destination, date, destination):
                if second[1].status == "available" and rules.departure(*second) >= ready:
                    found.append(_connection(first, second))
        return found

    @tool()
    def get_flight_status(self, flight_number: str, date: dt.date) -> dict:
        """Get the status of a flight on a date: available, delayed (with minutes), cancelled or flown.

        Args:
            flight_number: the flight number, e.g. BJ214.
            date: the departure date, YYYY-MM-DD.
        """
        return views.status(*self._desk.leg(flight_number, date))

    # ----------------------------------------------------------------- users
    @tool()
    def find_user_by_email(self, email: str) -> dict:
        """Find a user's id from the email address on their profile.

        Args:
            email: the email address (case-insensitive).
        """
        row = self.db.scalar(select(User).where(User.email == email.strip().lower()))
        if row is None:
            raise ToolError(f"No user has the email {email!r}; check the spelling or ask for their user id.")
        return {"user_id": row.id, "name": f"{row.first_name} {row.last_name}"}

    @tool()
    def get_user_details(self, user_id: str) -> dict:
        """Get a user's profile: membership tier, saved payment methods with balances, reservation codes.

        Args:
            user_id: the user's id, e.g. U10342.
        """
        user = self._store.user(user_id)
        codes = [r.id for r in self._store.reservations(user.id)]
        return views.user(user, self._store.methods(user.id), codes)

    @tool()
    def list_user_reservations(
        self, user_id: str, status: Literal["active", "cancelled"] | None = None
    ) -> list[dict]:
        """List a user's reservations, oldest booking first, with route, dates and flight numbers.

        Args:
            user_id: the user's id.
            status: only reservations in this status.
        """
        rows = self._store.reservations(self._store.user(user_id).id)
        return [
            views.summary(r, self._store.legs(r.id)) for r in rows if status is None or r.status == status
        ]

    @tool()
    def get_reservation(self, reservation_id: str) -> dict:
        """Get a reservation: flights with their current status, passengers, cabin, bags, insurance
        and payments.

        Args:
            reservation_id: the 6-character reservation code, e.g. K7PQ2M.
        """
        return self._desk.view(self._store.reservation(reservation_id))

    @tool()
    def price_itinerary(
        self,
        user_id: str,
        cabin: Cabin,
        flights: list[FlightRef],
        passenger_count: int,
        total_baggages: int = 0,
        insurance: bool = False,
    ) -> dict:
        """Quote what a new booking would cost: fares at today's prices, bag fees after the user's free
        allowance ($50 per extra bag), and travel insurance ($30 per passenger).

        Args:
            user_id: the user who would book (their tier sets the free bag allowance).
            cabin: the cabin for every flight.
            flights: the flights of the itinerary, in travel order.
            passenger_count: how many passengers (1 to 5).
            total_baggages: checked bags for the whole reservation.
            insurance: whether to add travel insurance.
        """
        desk = self._desk
        legs = [desk.leg(ref.flight_number, ref.date) for ref in flights]
        return desk.quote(self._store.user(user_id), cabin, legs, passenger_count, total_baggages, insurance)

    # ----------------------------------------------------------------- writes
    @tool(write=True)
    def book_reservation(
        self,
        user_id: str,
        trip_type: TripType,
        origin: str,
        destination: str,
        cabin: Cabin,
        flights: list[FlightRef],
        passengers: list[PassengerInfo],
        payments: list[PaymentPart],
        total_baggages: int = 0,
        insurance: bool = False,
    ) -> dict:
        """Book a new reservation. The payments must add up exactly to the price (see price_itinerary);
        at most one travel certificate, and gift cards and certificates only up to their balance.

        Args:
            user_id: the user the reservation belongs to.
            trip_type: one_way, or round_trip (back to the origin).
            origin: airport code where the trip starts.
            destination: airport code of the trip's destination.
            cabin: the cabin for every flight.
            flights: every flight of the trip in travel order (outbound, then return).
            passengers: 1 to 5 passengers.
            payments: how the total is split over the user's payment methods.
            total_baggages: checked bags for the whole reservation.
            insurance: add travel insurance ($30 per passenger).
        """
        desk = self._desk
        trip = (trip_type, origin, destination, cabin)
        user = self._store.user(user_id)
        reservation = desk.book(user, trip, flights, passengers, payments, (total_baggages, insurance))
        return desk.view(reservation)

    @tool(write=True)
    def cancel_reservation(self, reservation_id: str, reason: CancelReason) -> dict:
        """Cancel a whole reservation and refund every payment to the method it came from.
        Allowed within 24 hours of booking, with travel insurance, in business, or when the airline
        cancelled one of its flights; never once a flight of it has been flown.

        Args:
            reservation_id: the reservation code.
            reason: why the customer is cancelling.
        """
        return self._write(reservation_id, lambda d, r: d.cancel(r, reason))

    @tool(write=True)
    def change_flights(self, reservation_id: str, flights: list[FlightRef], payment_id: str) -> dict:
        """Replace a reservation's flights, keeping its origin, destination, trip type and cabin.
        Flights kept keep their price; new ones cost today's fare. Not possible for basic economy;
        flown flights must stay. The fare difference is charged or refunded to one card or gift card.

        Args:
            reservation_id: the reservation code.
            flights: the complete new list of flights in travel order, including unchanged ones.
            payment_id: the card or gift card that pays or receives the difference.
        """
        return self._write(reservation_id, lambda d, r: d.change_flights(r, flights, payment_id))

    @tool(write=True)
    def change_cabin(self, reservation_id: str, cabin: Cabin, payment_id: str) -> dict:
        """Move every flight of a reservation to another cabin at today's fares, before travel starts.
        The difference from what was paid is charged or refunded to one card or gift card; bag counts
        and bag fees already paid stay as they are.

        Args:
            reservation_id: the reservation code.
            cabin: the new cabin.
            payment_id: the card or gift card that pays or receives the difference.
        """
        return self._write(reservation_id, lambda d, r: d.change_cabin(r, cabin, payment_id))

    @tool(write=True)
    def update_passengers(self, reservation_id: str, passengers: list[PassengerInfo]) -> dict:
        """Correct or replace the passengers' details before travel; the number of passengers
        cannot change.

        Args:
            reservation_id: the reservation code.
            passengers: every passenger in order, with the corrected details.
        """
        return self._write(reservation_id, lambda d, r: d.replace_passengers(r, passengers))

    @tool(write=True)
    def add_baggage(self, reservation_id: str, total_baggages: int, payment_id: str) -> dict:
        """Raise the number of checked bags on a reservation before travel. Bags within the free
        allowance (by membership tier and cabin, per passenger) cost nothing, others $50 each.
        Bags cannot be removed.

        Args:
            reservation_id: the reservation code.
            total_baggages: the new total number of checked bags for the whole reservation.
            payment_id: the card or gift card that pays for the extra bags.
        """
        return self._write(reservation_id, lambda d, r: d.add_baggage(r, total_baggages, payment_id))

    @tool(write=True)
    def issue_compensation(self, reservation_id: str, flight_number: str, date: dt.date) -> dict:
        """Give a travel certificate for a cancelled flight ($100 per passenger) or one delayed 60
        minutes or more ($50 per passenger). Only for silver or gold members, insured reservations
        or business cabin; at most once per reservation. The flight must still be on the reservation,
        so compensate before rebooking the customer onto another flight.

        Args:
            reservation_id: the reservation code.
            flight_number: the affected flight on the reservation.
            date: that flight's date, YYYY-MM-DD.
        """
        row = self._desk.compensate(self._store.reservation(reservation_id), flight_number, date)
        return {
            "certificate_id": row.certificate_id,
            "amount": views.dollars(row.amount_cents),
            "reason": row.reason,
            "reservation_id": row.reservation_id,
        }

    def _write(self, reservation_id: str, change: Callable[[Desk, Reservation], None]) -> dict:
        desk = self._desk
        reservation = self._store.reservation(reservation_id)
        change(desk, reservation)
        return desk.view(reservation)


def _connection(first: Leg, second: Leg) -> dict:
    return {
        "connection_at": first[0].destination,
        "flights": [views.flight(*first), views.flight(*second)],
        "total_prices": {
            c: views.dollars(getattr(first[1], f"price_{c}_cents") + getattr(second[1], f"price_{c}_cents"))
            for c in views.CABIN_FIELDS
        },
    }
