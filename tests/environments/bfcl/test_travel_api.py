"""BFCL TravelAPI (`bfcl_travel`): docs match, config round trip, conformance, documented behaviour.
Seed facts: Elena Marquez signed in read-write with token TOKEN, budget $2,500 per booking; Visa
CC1001 ($4,820.75), Mastercard CC1002, expired Amex CC1003, Discover CC1004 ($310); booking
BK20451 SFO→JFK on 2026-03-18 ($412), BK20452 insured by INS3301 ($185), BK20453 flown in February;
clock 2026-03-02 (a Monday)."""

from __future__ import annotations

import pytest

from envfactory.environments import StateError
from envfactory.environments.catalog.bfcl.travel_api import TravelApiEnv
from envfactory.environments.catalog.bfcl.travel_api.data import seed_config
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused

TOKEN = "tr-5b8e1f4c9a27d306"
SFO_LAX = {"travel_from": "SFO", "travel_to": "LAX", "travel_date": "2026-03-20", "travel_class": "economy"}


@pytest.fixture
def env() -> TravelApiEnv:
    return TravelApiEnv.create()


def balance(env: TravelApiEnv, card_id: str) -> float:
    return ok(env, "get_credit_card_balance", access_token=TOKEN, card_id=card_id)["card_balance"]


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(TravelApiEnv, "travel_booking.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("TravelAPI")
    env = TravelApiEnv.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert exported["credit_card_list"] == {} and exported["access_token"] is None
    assert TravelApiEnv.from_state(exported).export_state() == exported
    assert ok(env, "travel_get_login_status") == {"status": False}


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(TravelApiEnv) if not r.ok] == []


def test_a_bfcl_style_config_loads_cards_and_bookings_and_keeps_unknown_fields() -> None:
    config = {
        "access_token": "abc123",
        "token_scope": "read_write",
        "credit_card_list": {
            "144756014165": {"card_number": "4111111111111111", "balance": 900, "nick": "x"}
        },
        "booking_record": {"3426812": {"card_id": "144756014165", "travel_date": "2026-05-01"}},
        "long_context": False,
    }
    env = TravelApiEnv.create(state=config)
    assert ok(env, "get_credit_card_balance", access_token="abc123", card_id="144756014165") == {
        "card_balance": 900.0
    }
    state = env.export_state()
    assert state["credit_card_list"]["144756014165"]["nick"] == "x"
    assert state["booking_record"] == config["booking_record"] and state["long_context"] is False
    with pytest.raises(StateError, match="not a number"):
        TravelApiEnv.create(state={"budget_limit": "lots"})


def test_tools_refuse_a_wrong_token_a_read_only_scope_and_a_signed_out_traveller() -> None:
    env = TravelApiEnv.create()
    assert refused(env, "get_booking_history", access_token="nope") == "Invalid access token."
    read_only = TravelApiEnv.create(state=seed_config() | {"token_scope": "read"})
    assert "read-only" in refused(read_only, "set_budget_limit", access_token=TOKEN, budget_limit=100.0)
    assert balance(read_only, "CC1002") == 1265.4
    signed_out = TravelApiEnv.create(state=seed_config() | {"access_token": None})
    assert "not signed in" in refused(signed_out, "get_booking_history", access_token=TOKEN)


def test_signing_in_issues_a_token_derived_from_the_request() -> None:
    creds = {
        "client_id": "app",
        "client_secret": "s3cret",
        "refresh_token": "rt",
        "grant_type": "read",
        "user_first_name": "Ann",
        "user_last_name": "Lee",
    }
    first, second = TravelApiEnv.create(state={}), TravelApiEnv.create(state={"budget_limit": 1.0})
    reply = ok(first, "authenticate_travel", creds)
    assert reply == ok(second, "authenticate_travel", creds)
    assert (reply["token_type"], reply["scope"], reply["expires_in"]) == ("Bearer", "read", 3600)
    state = first.export_state()
    assert state["access_token"] == reply["access_token"] and state["user_last_name"] == "Lee"
    assert "client_secret must not be empty" in refused(
        first, "authenticate_travel", creds | {"client_secret": " "}
    )


def test_fares_follow_distance_class_and_timing(env: TravelApiEnv) -> None:
    def fare(**changes: str) -> float:
        return ok(env, "get_flight_cost", SFO_LAX | changes)["travel_cost_list"][0]

    assert fare() == 121.0  # a Friday: +10 %
    assert fare(travel_date="2026-03-11") == 143.0  # within two weeks: +30 %
    assert fare(travel_date="2026-03-11", travel_class="first") == 600.0
    assert fare(travel_date="2026-03-24") == 110.0  # a Tuesday, more than two weeks ahead
    assert "Unknown airport 'XYZ'" in refused(env, "get_flight_cost", SFO_LAX | {"travel_to": "XYZ"})
    assert "in the past" in refused(env, "get_flight_cost", SFO_LAX | {"travel_date": "2026-03-01"})


def test_booking_charges_the_fare_within_budget_balance_and_card_validity(env: TravelApiEnv) -> None:
    booked = ok(env, "book_flight", SFO_LAX | {"access_token": TOKEN, "card_id": "CC1001"})
    assert booked["booking_status"] is True and booked["booking_history"]["travel_cost"] == 121.0
    assert balance(env, "CC1001") == 4699.75
    assert (
        env.export_state()["booking_record"][booked["booking_id"]]["transaction_id"]
        == booked["transaction_id"]
    )
    london = {"travel_to": "LHR", "travel_date": "2026-04-20", "travel_class": "business"}
    assert refused(env, "book_flight", SFO_LAX | london | {"access_token": TOKEN, "card_id": "CC1001"}) == (
        "The fare of $2,594.00 exceeds your budget limit of $2,500.00."
    )
    assert "Insufficient balance on card CC1004" in refused(
        env, "book_flight", SFO_LAX | {"travel_class": "first", "access_token": TOKEN, "card_id": "CC1004"}
    )
    assert refused(env, "book_flight", SFO_LAX | {"access_token": TOKEN, "card_id": "CC1003"}) == (
        "Card CC1003 expired (02/2026)."
    )


def test_cancelling_refunds_fare_and_insurance_but_not_after_departure(env: TravelApiEnv) -> None:
    before = balance(env, "CC1002")
    assert ok(env, "cancel_booking", access_token=TOKEN, booking_id="BK20452") == {"cancel_status": True}
    assert balance(env, "CC1002") == round(before + 2290.0 + 185.0, 2)
    state = env.export_state()
    assert "BK20452" not in state["booking_record"] and state["insurance_record"] == {}
    assert "can no longer be cancelled" in refused(
        env, "cancel_booking", access_token=TOKEN, booking_id="BK20453"
    )
    assert refused(env, "cancel_booking", access_token=TOKEN, booking_id="BK1") == "Booking BK1 not found."


def test_one_insurance_per_booking_and_invoices_by_insurance(env: TravelApiEnv) -> None:
    policy = {
        "access_token": TOKEN,
        "insurance_type": "cancellation",
        "insurance_cost": 60.0,
        "card_id": "CC1001",
    }
    assert "already insured (policy INS3301)" in refused(
        env, "purchase_insurance", policy | {"booking_id": "BK20452"}
    )
    bought = ok(env, "purchase_insurance", policy | {"booking_id": "BK20451"})
    assert bought["insurance_status"] is True and balance(env, "CC1001") == 4760.75
    invoice = ok(env, "retrieve_invoice", access_token=TOKEN, insurance_id=bought["insurance_id"])["invoice"]
    assert (invoice["booking_id"], invoice["travel_cost"]) == ("BK20451", 412.0)
    assert "does not belong" in refused(
        env, "retrieve_invoice", access_token=TOKEN, booking_id="BK20455", insurance_id="INS3301"
    )
    assert refused(env, "retrieve_invoice", access_token=TOKEN) == "Give a booking id or an insurance id."


def test_registering_a_card_checks_it_and_grants_standard_credit(env: TravelApiEnv) -> None:
    card = {
        "access_token": TOKEN,
        "card_number": "4916 3380 5121 7785",
        "expiration_date": "09/2030",
        "cardholder_name": "Elena Marquez",
        "card_verification_number": 731,
    }
    assert "expired in 01/2026" in refused(env, "register_credit_card", card | {"expiration_date": "01/2026"})
    assert "13 to 19 digits" in refused(env, "register_credit_card", card | {"card_number": "1234"})
    card_id = ok(env, "register_credit_card", card)["card_id"]
    listed = ok(env, "get_all_credit_cards")["credit_card_list"][card_id]
    assert listed == {
        "card_number": "4916338051217785",
        "expiration_date": "09/2030",
        "cardholder_name": "Elena Marquez",
        "card_verification_value": 731,
        "balance": 5000.0,
    }
    assert f"already registered as {card_id}" in refused(env, "register_credit_card", card)


def test_rates_fiscal_years_and_traveller_checks(env: TravelApiEnv) -> None:
    assert ok(env, "compute_exchange_rate", base_currency="EUR", target_currency="GBP", value=100.0) == {
        "exchanged_value": 85.87
    }
    assert ok(env, "get_budget_fiscal_year") == {"budget_fiscal_year": "FY2024, FY2025, FY2026"}
    assert ok(
        env, "get_budget_fiscal_year", lastModifiedAfter="2025-10-01T00:00:00", includeRemoved="true"
    ) == {"budget_fiscal_year": "FY2026"}
    adult = {
        "first_name": "Elena",
        "last_name": "Marquez",
        "date_of_birth": "1988-06-14",
        "passport_number": "X48213977",
    }
    assert ok(env, "verify_traveler_information", adult) == {"verification_status": True}
    assert ok(env, "verify_traveler_information", adult | {"date_of_birth": "2008-03-03"}) == {
        "verification_status": False,
        "verification_failure": "The traveler must be at least 18 years old.",
    }
    assert (
        ok(env, "verify_traveler_information", adult | {"passport_number": "ABCDEFG"})["verification_status"]
        is False
    )
