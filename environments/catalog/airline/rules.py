"""Business rules shared by the write tools. Each check raises ToolError naming the bad value and
what would be allowed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise

from envfactory.environments import ToolError

from . import facts
from .models import Flight, FlightInstance, PaymentMethod, Reservation, User
from .views import dollars

Leg = tuple[Flight, FlightInstance]


def cents(amount: float) -> int:
    return round(amount * 100)


def money(amount_cents: int) -> str:
    return f"${dollars(amount_cents):,.2f}"


def free_bags(user: User, cabin: str, passengers: int) -> int:
    return facts.FREE_BAGS[user.membership][cabin] * passengers


def require_active(reservation: Reservation) -> None:
    if reservation.status != "active":
        raise ToolError(
            f"Reservation {reservation.id} was cancelled on {reservation.cancelled_at}; it cannot be changed."
        )


def require_not_started(reservation: Reservation, legs: Sequence[Leg], action: str) -> None:
    flown = [f"{f.number} on {i.date}" for f, i in legs if i.status == "flown"]
    if flown:
        raise ToolError(
            f"Reservation {reservation.id} has already flown {', '.join(flown)}; {action} is only possible "
            "before the first flight departs."
        )


def check_cancellable(reservation: Reservation, legs: Sequence[Leg], now: datetime, reason: str) -> None:
    require_active(reservation)
    flown = [f"{f.number} on {i.date}" for f, i in legs if i.status == "flown"]
    if flown:
        raise ToolError(
            f"Reservation {reservation.id} cannot be cancelled: {', '.join(flown)} has already been flown. "
            "Only reservations with no flown segment can be cancelled."
        )
    airline_cancelled = any(i.status == "cancelled" for _, i in legs)
    if reason == "airline cancelled flight" and not airline_cancelled:
        raise ToolError(f"None of the flights of reservation {reservation.id} was cancelled by the airline.")
    booked = datetime.fromisoformat(reservation.created_at)
    if now - booked <= timedelta(hours=facts.FREE_CANCEL_HOURS):
        return
    if reservation.insurance or reservation.cabin == "business" or airline_cancelled:
        return
    raise ToolError(
        f"Reservation {reservation.id} cannot be cancelled: it was booked on {reservation.created_at} "
        f"(more than {facts.FREE_CANCEL_HOURS} hours ago), has no travel insurance, "
        f"is in {reservation.cabin} and none of its flights was cancelled by the airline. "
        "It may still be changed (except basic economy)."
    )


def check_route(legs: Sequence[Leg], origin: str, destination: str, trip_type: str) -> None:
    """The legs form one journey origin -> destination (and back, for a round trip), in order."""
    stops = [legs[0][0].origin]
    for (prev, prev_i), (nxt, nxt_i) in pairwise(legs):
        if nxt.origin != prev.destination:
            raise ToolError(
                f"Flight {nxt.number} leaves from {nxt.origin}, "
                f"but {prev.number} arrives at {prev.destination}."
            )
        ready = departure(prev, prev_i, arrival=True) + timedelta(minutes=facts.MIN_CONNECTION_MINUTES)
        if departure(nxt, nxt_i) < ready:
            raise ToolError(
                f"Flight {nxt.number} on {nxt_i.date} departs at {nxt.departs}, too soon after {prev.number} "
                f"arrives ({prev_i.date} {prev.arrives}); "
                f"allow at least {facts.MIN_CONNECTION_MINUTES} minutes."
            )
    stops.extend(f.destination for f, _ in legs)
    if trip_type == "one_way":
        fits = stops[0] == origin and stops[-1] == destination
        wanted = f"{origin} to {destination}"
    else:
        fits = stops[0] == origin == stops[-1] and destination in stops[1:-1]
        wanted = f"{origin} to {destination} and back"
    if not fits:
        raise ToolError(f"Flights {' -> '.join(stops)} do not make a {trip_type} trip {wanted}.")


def departure(flight: Flight, instance: FlightInstance, arrival: bool = False) -> datetime:
    return datetime.fromisoformat(f"{instance.date}T{flight.arrives if arrival else flight.departs}")


def check_bookable(
    flight: Flight, instance: FlightInstance, cabin: str, passengers: int, now: datetime
) -> None:
    if instance.status != "available":
        raise ToolError(
            f"Flight {flight.number} on {instance.date} is {instance.status}; "
            "only available flights can be booked."
        )
    if departure(flight, instance) <= now:
        raise ToolError(f"Flight {flight.number} on {instance.date} has already departed.")
    check_seats(flight, instance, cabin, passengers)


def check_seats(flight: Flight, instance: FlightInstance, cabin: str, passengers: int) -> None:
    left = getattr(instance, f"seats_{cabin}")
    if left < passengers:
        raise ToolError(
            f"Flight {flight.number} on {instance.date} has {left} {cabin} seat(s) left; {passengers} needed."
        )


def check_passenger_count(count: int) -> None:
    if not 1 <= count <= facts.MAX_PASSENGERS:
        raise ToolError(f"A reservation holds 1 to {facts.MAX_PASSENGERS} passengers, not {count}.")


def check_bag_count(total: int, passengers: int) -> None:
    most = facts.MAX_BAGS_PER_PASSENGER * passengers
    if not 0 <= total <= most:
        raise ToolError(
            f"{total} checked bags is not allowed; {passengers} passenger(s) may check 0 to {most}."
        )


def check_split(methods: Sequence[tuple[PaymentMethod, int]], total: int) -> None:
    """A new booking's payment: adds up to the total, balances suffice, at most one certificate."""
    ids = [m.id for m, _ in methods]
    if len(set(ids)) != len(ids):
        raise ToolError("Each payment method may appear only once in a payment.")
    certificates = [m.id for m, _ in methods if m.kind == "certificate"]
    if len(certificates) > 1:
        raise ToolError(
            f"Only one travel certificate can be used per reservation; got {', '.join(certificates)}."
        )
    for method, amount in methods:
        if amount <= 0:
            raise ToolError(f"The amount for {method.id} must be positive, not {money(amount)}.")
        check_balance(method, amount)
    paid = sum(amount for _, amount in methods)
    if paid != total:
        raise ToolError(f"The payments add up to {money(paid)} but the reservation costs {money(total)}.")


def check_balance(method: PaymentMethod, amount: int) -> None:
    if method.kind == "certificate" and method.status != "active":
        raise ToolError(f"Travel certificate {method.id} has already been redeemed.")
    if method.kind != "card" and amount > (method.balance_cents or 0):
        raise ToolError(
            f"{method.id} has a balance of {money(method.balance_cents or 0)}, less than {money(amount)}."
        )


def check_change_method(method: PaymentMethod, amount: int) -> None:
    """Changes are paid (or refunded) with one card or gift card; certificates only pay new bookings."""
    if method.kind == "certificate":
        raise ToolError(
            f"{method.id} is a travel certificate; certificates only pay for new bookings. "
            "Use a card or gift card on file."
        )
    if amount > 0:
        check_balance(method, amount)


def disruption(instance: FlightInstance) -> str:
    """Why a flight qualifies for compensation: "cancelled" or "delayed"."""
    if instance.status == "cancelled":
        return "cancelled"
    if instance.delay_minutes >= facts.COMPENSATION_MIN_DELAY:
        return "delayed"
    late = f"delayed {instance.delay_minutes} minutes" if instance.delay_minutes else "on time"
    raise ToolError(
        f"Flight {instance.flight_number} on {instance.date} is {instance.status} and {late}; "
        "compensation is only for cancelled flights or delays of "
        f"{facts.COMPENSATION_MIN_DELAY} minutes or more."
    )


def check_compensation_eligible(reservation: Reservation, user: User) -> None:
    if user.membership != "regular" or reservation.insurance or reservation.cabin == "business":
        return
    raise ToolError(
        f"Reservation {reservation.id} does not qualify for compensation: {user.id} is a regular member, "
        f"it has no travel insurance and is in {reservation.cabin} (silver/gold membership, insurance or "
        "business cabin needed)."
    )
