"""Business rules of the airline environment, on its seed data (clock: 2026-05-15 10:00)."""

from __future__ import annotations

import pytest

from envfactory.environments import Environment, registry
from tests.environments.helpers import ok, refused, row


@pytest.fixture
def env() -> Environment:
    return registry.get("airline").create()


def test_a_reservation_with_a_flown_flight_cannot_be_cancelled_even_when_insured(env: Environment) -> None:
    message = refused(env, "cancel_reservation", {"reservation_id": "B7L765", "reason": "other"})
    assert "BJ376 on 2026-05-14 has already been flown" in message


def test_an_old_uninsured_economy_booking_cannot_be_cancelled_but_one_made_yesterday_can(
    env: Environment,
) -> None:
    message = refused(env, "cancel_reservation", {"reservation_id": "9FJEQE", "reason": "change of plan"})
    assert "more than 24 hours ago" in message and "no travel insurance" in message
    view = ok(env, "cancel_reservation", {"reservation_id": "X7E4HN", "reason": "change of plan"})
    assert view["status"] == "cancelled" and view["payments"][-1] == {
        "payment_id": "card_5622771",
        "kind": "refund",
        "amount": -580.0,
        "at": "2026-05-15T10:00:00",
    }


def test_cancelling_refunds_gift_cards_at_once_and_gives_the_seats_back(env: Environment) -> None:
    seats = row(env, "flight_instances", flight_number="BJ404", date="2026-05-21")["seats_economy"]
    ok(env, "cancel_reservation", {"reservation_id": "7W37UG", "reason": "change of plan"})
    assert row(env, "payment_methods", id="gift_card_5570564")["balance_cents"] == 28000
    assert (
        row(env, "flight_instances", flight_number="BJ404", date="2026-05-21")["seats_economy"] == seats + 2
    )


def test_claiming_an_airline_cancellation_that_did_not_happen_is_refused(env: Environment) -> None:
    message = refused(
        env, "cancel_reservation", {"reservation_id": "8TLV8J", "reason": "airline cancelled flight"}
    )
    assert "None of the flights of reservation 8TLV8J" in message


def test_basic_economy_flights_cannot_be_changed_until_the_cabin_is_upgraded(env: Environment) -> None:
    flights = [
        {"flight_number": "BJ178", "date": "2026-05-24"},
        {"flight_number": "BJ176", "date": "2026-05-27"},
    ]
    change = {"reservation_id": "5N3FL2", "flights": flights, "payment_id": "card_5941618"}
    assert "basic economy" in refused(env, "change_flights", change)
    ok(env, "change_cabin", {"reservation_id": "5N3FL2", "cabin": "economy", "payment_id": "card_5941618"})
    assert [f["date"] for f in ok(env, "change_flights", change)["flights"]] == ["2026-05-24", "2026-05-27"]


def test_a_flight_change_keeps_the_price_of_kept_flights_and_charges_the_difference_per_passenger(
    env: Environment,
) -> None:
    flights = [
        {"flight_number": "BJ320", "date": "2026-05-26"},
        {"flight_number": "BJ322", "date": "2026-06-01"},
    ]
    view = ok(
        env, "change_flights", {"reservation_id": "88RN4U", "flights": flights, "payment_id": "card_9566423"}
    )
    assert [f["price"] for f in view["flights"]] == [255.0, 194.0]
    assert (view["payments"][-1]["kind"], view["payments"][-1]["amount"]) == ("flight_change", 74.0)


def test_the_number_of_passengers_cannot_change(env: Environment) -> None:
    people = [
        {"first_name": "Rosa", "last_name": "Silva", "date_of_birth": "1958-05-21"},
        {"first_name": "Omar", "last_name": "Silva", "date_of_birth": "1956-02-11"},
    ]
    message = refused(env, "update_passengers", {"reservation_id": "56QXCB", "passengers": people})
    assert "has 1 passenger(s)" in message and "got 2" in message


def test_bags_within_the_allowance_are_free_extra_ones_cost_50_and_none_can_be_removed(
    env: Environment,
) -> None:
    bags = {"reservation_id": "UYHB8R", "payment_id": "card_3588264"}
    assert len(ok(env, "add_baggage", {**bags, "total_baggages": 3})["payments"]) == 1  # gold economy: 3 free
    view = ok(env, "add_baggage", {**bags, "total_baggages": 5})
    assert (view["nonfree_baggages"], view["payments"][-1]["amount"]) == (2, 100.0)
    assert "cannot be removed" in refused(env, "add_baggage", {**bags, "total_baggages": 4})


def test_one_certificate_per_booking_redeemed_whole_and_never_for_changes(env: Environment) -> None:
    booking = {
        "user_id": "U11643",
        "trip_type": "one_way",
        "origin": "BOS",
        "destination": "MIA",
        "cabin": "economy",
        "flights": [{"flight_number": "BJ455", "date": "2026-05-20"}],
        "passengers": [{"first_name": "Emma", "last_name": "Rossi", "date_of_birth": "1990-04-02"}],
    }
    two = [
        {"payment_id": "certificate_3776323", "amount": 129.5},
        {"payment_id": "certificate_3876962", "amount": 129.5},
    ]
    assert "Only one travel certificate" in refused(env, "book_reservation", {**booking, "payments": two})
    one = [{"payment_id": "certificate_3776323", "amount": 200}, {"payment_id": "card_1856171", "amount": 59}]
    code = ok(env, "book_reservation", {**booking, "payments": one})["reservation_id"]
    certificate = row(env, "payment_methods", id="certificate_3776323")
    assert (certificate["status"], certificate["balance_cents"]) == ("redeemed", 0)
    bags = {"reservation_id": code, "total_baggages": 4, "payment_id": "certificate_3876962"}
    assert "only pay for new bookings" in refused(env, "add_baggage", bags)


def test_booking_payments_must_add_up_to_the_price(env: Environment) -> None:
    args = {
        "user_id": "U10532",
        "trip_type": "one_way",
        "origin": "SEA",
        "destination": "SFO",
        "cabin": "economy",
        "flights": [{"flight_number": "BJ466", "date": "2026-05-28"}],
        "passengers": [{"first_name": "Nora", "last_name": "Ward", "date_of_birth": "1980-01-01"}],
        "payments": [{"payment_id": "card_9020015", "amount": 180}],
    }
    assert "add up to $180.00 but the reservation costs $186.00" in refused(env, "book_reservation", args)


def test_compensation_is_given_once_and_only_to_eligible_travellers(env: Environment) -> None:
    claim = {"reservation_id": "ZLK2QD", "flight_number": "BJ345", "date": "2026-05-18"}
    assert ok(env, "issue_compensation", claim)["amount"] == 200.0
    assert "already compensated" in refused(env, "issue_compensation", claim)
    regular = {"reservation_id": "HB3AUU", "flight_number": "BJ175", "date": "2026-05-28"}
    assert "regular member" in refused(env, "issue_compensation", regular)
    on_time = {"reservation_id": "7NDKHL", "flight_number": "BJ404", "date": "2026-05-08"}
    assert "on time" in refused(env, "issue_compensation", on_time)
