"""Tables of the airline environment. Money is stored as integer cents; dates and times as ISO
strings."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Airport(Base):
    __tablename__ = "airports"

    code: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    city: Mapped[str]
    country: Mapped[str]


class Flight(Base):
    """A flight number: the same route at the same time every day."""

    __tablename__ = "flights"

    number: Mapped[str] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    departs: Mapped[str]  # HH:MM
    arrives: Mapped[str]  # HH:MM, same day
    aircraft: Mapped[str]


class FlightInstance(Base):
    """One flight number on one date, with its status, seats left and prices per cabin."""

    __tablename__ = "flight_instances"

    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.number"), primary_key=True)
    date: Mapped[str] = mapped_column(primary_key=True)
    status: Mapped[str]  # available | delayed | cancelled | flown
    delay_minutes: Mapped[int] = mapped_column(default=0)
    seats_basic_economy: Mapped[int]
    seats_economy: Mapped[int]
    seats_business: Mapped[int]
    price_basic_economy_cents: Mapped[int]
    price_economy_cents: Mapped[int]
    price_business_cents: Mapped[int]


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(primary_key=True)
    first_name: Mapped[str]
    last_name: Mapped[str]
    email: Mapped[str] = mapped_column(unique=True)
    phone: Mapped[str]
    date_of_birth: Mapped[str]
    membership: Mapped[str]  # regular | silver | gold
    member_since: Mapped[str]


class PaymentMethod(Base):
    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str]  # card | gift_card | certificate
    brand: Mapped[str | None]  # cards only
    last4: Mapped[str | None]  # cards only
    balance_cents: Mapped[int | None]  # gift cards and certificates
    status: Mapped[str] = mapped_column(default="active")  # active | redeemed (certificates)
    issued_on: Mapped[str | None]


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    origin: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.code"))
    trip_type: Mapped[str]  # one_way | round_trip
    cabin: Mapped[str]  # basic_economy | economy | business
    status: Mapped[str]  # active | cancelled
    insurance: Mapped[bool]
    total_baggages: Mapped[int]
    nonfree_baggages: Mapped[int]
    created_at: Mapped[str]
    cancelled_at: Mapped[str | None]
    cancel_reason: Mapped[str | None]


class ReservationFlight(Base):
    """One leg of a reservation, at the price per passenger paid for it."""

    __tablename__ = "reservation_flights"

    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id"), primary_key=True)
    leg: Mapped[int] = mapped_column(primary_key=True)
    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.number"))
    date: Mapped[str]
    price_cents: Mapped[int]


class Passenger(Base):
    __tablename__ = "passengers"

    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str]
    last_name: Mapped[str]
    date_of_birth: Mapped[str]


class Payment(Base):
    """A charge (positive) or refund (negative) on a reservation."""

    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(primary_key=True)
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id"))
    method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.id"))
    kind: Mapped[str]  # booking | flight_change | cabin_change | baggage | refund
    amount_cents: Mapped[int]
    created_at: Mapped[str]


class Compensation(Base):
    """A travel certificate given for a cancelled or late flight (one per reservation)."""

    __tablename__ = "compensations"

    id: Mapped[str] = mapped_column(primary_key=True)
    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id"), unique=True)
    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.number"))
    date: Mapped[str]
    reason: Mapped[str]  # cancelled | delayed
    amount_cents: Mapped[int]
    certificate_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.id"))
    created_at: Mapped[str]
