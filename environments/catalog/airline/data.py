"""Seed data: a route network around four hubs, five weeks of flights around the clock, users with
payment methods, and their reservations (past, upcoming, cancelled). Everything comes from `rng`
and `now`."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import facts
from .models import (
    Airport,
    Flight,
    Passenger,
    Payment,
    PaymentMethod,
    Reservation,
    ReservationFlight,
    User,
)

DAYS_BACK, DAYS_AHEAD = 14, 21
USERS = 60
DISRUPTED = 6
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Seed:
    rng: random.Random
    now: datetime
    rows: list[object] = field(default_factory=list)
    flights: dict[str, Flight] = field(default_factory=dict)
    instances: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    payment_seq: int = 0
    booked: list[tuple[Reservation, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.date()

    def dates(self) -> list[date]:
        return [self.today + timedelta(days=d) for d in range(-DAYS_BACK, DAYS_AHEAD + 1)]


def seed(rng: random.Random, now: datetime) -> tuple[list[object], list[dict[str, object]]]:
    """ORM rows, and the flight instances as plain rows (thousands of them: inserted in bulk)."""
    s = Seed(rng, now)
    s.rows.extend(Airport(code=c, name=a[0], city=a[1], country=a[2]) for c, a in facts.AIRPORTS.items())
    build_flights(s)
    build_instances(s)
    used_codes: set[str] = set()
    for n in range(USERS):
        user = build_user(s, n)
        methods = build_methods(s, user)
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
            build_reservation(s, user, methods, used_codes)
    disrupt(s)
    return s.rows, list(s.instances.values())


# ----------------------------------------------------------------- network
def miles(a: str, b: str) -> float:
    (_, _, _, lat1, lon1), (_, _, _, lat2, lon2) = facts.AIRPORTS[a], facts.AIRPORTS[b]
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 3959 * math.acos(min(1.0, cos))


def routes() -> list[tuple[str, str]]:
    pairs = [(a, b) for i, a in enumerate(facts.HUBS) for b in facts.HUBS[i + 1 :]]
    for code in facts.AIRPORTS:
        if code not in facts.HUBS:
            nearest = sorted(facts.HUBS, key=lambda hub, code=code: miles(code, hub))[:2]
            pairs.extend((hub, code) for hub in nearest)
    return pairs + list(facts.EXTRA_ROUTES)


def build_flights(s: Seed) -> None:
    number = 100
    for a, b in routes():
        daily = 2 if a in facts.HUBS and b in facts.HUBS else 1
        for origin, destination in ((a, b), (b, a)):
            for _ in range(daily):
                number += s.rng.randint(1, 9)
                duration = 5 * round((35 + miles(origin, destination) / 7.8) / 5)
                start = s.rng.randint(6 * 12, min(20 * 12, (23 * 60 + 30 - duration) // 5)) * 5
                flight = Flight(
                    number=f"BJ{number}",
                    origin=origin,
                    destination=destination,
                    departs=clock(start),
                    arrives=clock(start + duration),
                    aircraft=s.rng.choice(facts.AIRCRAFT),
                )
                s.flights[flight.number] = flight
                s.rows.append(flight)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def build_instances(s: Seed) -> None:
    for flight in s.flights.values():
        base = 70 + miles(flight.origin, flight.destination) * 0.12
        for day in s.dates():
            economy = round(base * s.rng.uniform(0.8, 1.35))
            status, delay = flight_status(s, flight, day)
            s.instances[(flight.number, day.isoformat())] = {
                "flight_number": flight.number,
                "date": day.isoformat(),
                "status": status,
                "delay_minutes": delay,
                "seats_basic_economy": s.rng.randint(0, 18),
                "seats_economy": s.rng.choice((0, 2, 4, 6, 8, 10, 12, 15, 18, 22)),
                "seats_business": s.rng.randint(0, 12),
                "price_basic_economy_cents": round(economy * 0.72) * 100,
                "price_economy_cents": economy * 100,
                "price_business_cents": round(economy * 2.6) * 100,
            }


def flight_status(s: Seed, flight: Flight, day: date) -> tuple[str, int]:
    roll = s.rng.random()
    departed = day < s.today or (day == s.today and flight.departs < s.now.strftime("%H:%M"))
    if departed:
        if roll < 0.03:
            return "cancelled", 0
        return "flown", (0 if roll < 0.8 else 5 * s.rng.randint(2, 48))
    delayed, cancelled = (
        (0.15, 0.05) if day == s.today else (0.04, 0.02) if day == s.today + timedelta(1) else (0, 0.015)
    )
    if roll < cancelled:
        return "cancelled", 0
    if roll < cancelled + delayed:
        return "delayed", 5 * s.rng.randint(6, 60)
    return "available", 0


# ----------------------------------------------------------------- people
def build_user(s: Seed, n: int) -> User:
    first, last = s.rng.choice(facts.FIRST_NAMES), s.rng.choice(facts.LAST_NAMES)
    user = User(
        id=f"U{10000 + n * 37 + s.rng.randint(0, 36)}",
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower()}{s.rng.randint(10, 99)}@{s.rng.choice(facts.EMAIL_DOMAINS)}",
        phone=f"+1-{s.rng.randint(201, 989)}-555-{s.rng.randint(1000, 9999)}",
        date_of_birth=birthday(s.rng, 1952, 2003),
        membership=s.rng.choices(facts.MEMBERSHIPS, weights=(5, 3, 2))[0],
        member_since=(s.today - timedelta(days=s.rng.randint(60, 3000))).isoformat(),
    )
    s.rows.append(user)
    return user


def birthday(rng: random.Random, first_year: int, last_year: int) -> str:
    return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28)).isoformat()


def build_methods(s: Seed, user: User) -> list[PaymentMethod]:
    methods = [
        PaymentMethod(
            id=f"card_{s.rng.randint(1000000, 9999999)}",
            user_id=user.id,
            kind="card",
            brand=s.rng.choice(facts.CARD_BRANDS),
            last4=f"{s.rng.randint(0, 9999):04d}",
        )
        for _ in range(s.rng.choice((1, 1, 2)))
    ]
    for _ in range(s.rng.choice((0, 0, 1, 1, 2))):
        methods.append(
            PaymentMethod(
                id=f"gift_card_{s.rng.randint(1000000, 9999999)}",
                user_id=user.id,
                kind="gift_card",
                balance_cents=s.rng.randint(4, 60) * 1000,
            )
        )
    for _ in range(s.rng.choice((0, 0, 0, 1, 1, 2))):
        methods.append(
            PaymentMethod(
                id=f"certificate_{s.rng.randint(1000000, 9999999)}",
                user_id=user.id,
                kind="certificate",
                balance_cents=s.rng.choice((50, 100, 150, 200, 250)) * 100,
                issued_on=(s.today - timedelta(days=s.rng.randint(5, 200))).isoformat(),
            )
        )
    s.rows.extend(methods)
    return methods


# ----------------------------------------------------------------- reservations
def build_reservation(s: Seed, user: User, methods: list[PaymentMethod], used: set[str]) -> None:
    rng = s.rng
    day = s.today + timedelta(days=rng.randint(-DAYS_BACK + 2, DAYS_AHEAD - 9))
    outbound = itinerary(s, day)
    round_trip = rng.random() < 0.55
    back_day = day + timedelta(days=rng.randint(2, 7))
    inbound = itinerary(s, back_day, outbound[-1].destination, outbound[0].origin) if round_trip else []
    if round_trip and not inbound:
        round_trip = False
    cabin = rng.choices(facts.CABINS, weights=(25, 55, 20))[0]
    pax = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    code = reservation_code(rng, used)
    created = booked_at(s, day)
    bags = rng.randint(0, 2 * pax)
    free = facts.FREE_BAGS[user.membership][cabin] * pax
    reservation = Reservation(
        id=code,
        user_id=user.id,
        origin=outbound[0].origin,
        destination=outbound[-1].destination,
        trip_type="round_trip" if round_trip else "one_way",
        cabin=cabin,
        status="active",
        insurance=rng.random() < 0.35,
        total_baggages=bags,
        nonfree_baggages=max(0, bags - free),
        created_at=created.isoformat(),
    )
    s.rows.append(reservation)
    dated = [(f, day) for f in outbound] + [(f, back_day) for f in inbound]
    total = add_legs(s, reservation, dated, pax)
    s.rows.extend(passengers(s, user, code, pax))
    total += reservation.nonfree_baggages * facts.BAG_FEE_CENTS
    total += facts.INSURANCE_CENTS * pax if reservation.insurance else 0
    pay(s, reservation, methods, total, created)
    if rng.random() < 0.1 and created + timedelta(hours=2) < s.now:
        cancelled = min(created + timedelta(hours=rng.randint(1, 20)), s.now - timedelta(hours=1))
        reservation.status, reservation.cancel_reason = "cancelled", "change of plan"
        reservation.cancelled_at = cancelled.isoformat()
        refund(s, reservation, methods, cancelled)


def add_legs(s: Seed, reservation: Reservation, dated: list[tuple[Flight, date]], pax: int) -> int:
    """Add the reservation's flights at the day's fare; returns the fares' total for all passengers."""
    s.booked.append((reservation, [(f.number, d.isoformat()) for f, d in dated]))
    total = 0
    for leg, (flight, day) in enumerate(dated, 1):
        price = int(s.instances[(flight.number, day.isoformat())][f"price_{reservation.cabin}_cents"])
        s.rows.append(
            ReservationFlight(
                reservation_id=reservation.id,
                leg=leg,
                flight_number=flight.number,
                date=day.isoformat(),
                price_cents=price,
            )
        )
        total += price * pax
    return total


def disrupt(s: Seed) -> None:
    """Cancel a few booked upcoming flights, so some travellers are hit by airline cancellations."""
    upcoming = [
        legs for r, legs in s.booked if r.status == "active" and min(d for _, d in legs) > s.today.isoformat()
    ]
    for legs in s.rng.sample(upcoming, k=min(DISRUPTED, len(upcoming))):
        s.instances[s.rng.choice(legs)] |= {"status": "cancelled", "delay_minutes": 0}


def itinerary(s: Seed, day: date, origin: str | None = None, destination: str | None = None) -> list[Flight]:
    """A direct flight or a one-stop connection on `day` (between the given airports, if any)."""
    flights = list(s.flights.values())
    if origin is None:
        first = s.rng.choice(flights)
        if s.rng.random() < 0.6:
            return [first]
        seconds = connections(s, first, day)
        return [first, s.rng.choice(seconds)] if seconds else [first]
    direct = [f for f in flights if (f.origin, f.destination) == (origin, destination)]
    if direct:
        return [s.rng.choice(direct)]
    for first in flights:
        if first.origin == origin:
            for second in connections(s, first, day):
                if second.destination == destination:
                    return [first, second]
    return []


def connections(s: Seed, first: Flight, day: date) -> list[Flight]:
    ready = minutes(first.arrives) + facts.MIN_CONNECTION_MINUTES
    return [
        f
        for f in s.flights.values()
        if f.origin == first.destination and f.destination != first.origin and minutes(f.departs) >= ready
    ]


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def reservation_code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        if code not in used:
            used.add(code)
            return code


def booked_at(s: Seed, day: date) -> datetime:
    if day > s.today and s.rng.random() < 0.12:
        return s.now - timedelta(hours=s.rng.randint(1, 20), minutes=5 * s.rng.randint(0, 11))
    start = datetime.combine(day, datetime.min.time()) - timedelta(days=s.rng.randint(2, 45))
    start = min(start, s.now - timedelta(days=2))
    return start.replace(hour=s.rng.randint(7, 22), minute=5 * s.rng.randint(0, 11))


def passengers(s: Seed, user: User, code: str, pax: int) -> list[Passenger]:
    rows = []
    for position in range(1, pax + 1):
        if position == 1 and s.rng.random() < 0.75:
            first, last, dob = user.first_name, user.last_name, user.date_of_birth
        else:
            first = s.rng.choice(facts.FIRST_NAMES)
            last = user.last_name if s.rng.random() < 0.5 else s.rng.choice(facts.LAST_NAMES)
            dob = birthday(s.rng, 1950, 2020)
        rows.append(
            Passenger(
                reservation_id=code, position=position, first_name=first, last_name=last, date_of_birth=dob
            )
        )
    return rows


def pay(s: Seed, reservation: Reservation, methods: list[PaymentMethod], total: int, when: datetime) -> None:
    cards = [m for m in methods if m.kind == "card"]
    gifts = [m for m in methods if m.kind == "gift_card"]
    if gifts and s.rng.random() < 0.3 and gifts[0].balance_cents:
        part = min(total, gifts[0].balance_cents or 0)
        gifts[0].balance_cents = (gifts[0].balance_cents or 0) - part
        add_payment(s, reservation.id, gifts[0].id, "booking", part, when)
        total -= part
    if total:
        add_payment(s, reservation.id, s.rng.choice(cards).id, "booking", total, when)


def refund(s: Seed, reservation: Reservation, methods: list[PaymentMethod], when: datetime) -> None:
    charges = [p for p in s.rows if isinstance(p, Payment) and p.reservation_id == reservation.id]
    by_id = {m.id: m for m in methods}
    for charge in charges:
        method = by_id[charge.method_id]
        if method.kind == "gift_card":
            method.balance_cents = (method.balance_cents or 0) + charge.amount_cents
        add_payment(s, reservation.id, charge.method_id, "refund", -charge.amount_cents, when)


def add_payment(s: Seed, reservation_id: str, method_id: str, kind: str, amount: int, when: datetime) -> None:
    s.payment_seq += 1
    s.rows.append(
        Payment(
            id=f"PMT{s.payment_seq:05d}",
            reservation_id=reservation_id,
            method_id=method_id,
            kind=kind,
            amount_cents=amount,
            created_at=when.isoformat(),
        )
    )
