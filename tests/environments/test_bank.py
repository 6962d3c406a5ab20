"""Business rules of the bank environment, on its seed data (customers and ids from the seed)."""

from __future__ import annotations

import pytest

from envfactory.environments import registry
from envfactory.environments.catalog.bank import BankEnv
from tests.environments.helpers import ok, refused

# From the seed: Emma Chen (verified, checking with $500 overdraft), Daniel Brooks (pending
# verification), Olivia Kim (checking with $250 overdraft, card owing $487.39), Hannah Brooks
# ($2,500 daily limit, 5 of her 10 PepsiCo shares in an open sell order).
EMMA_CHECKING, EMMA_SAVINGS, EMMA_CARD = "ACC20013", "ACC20014", "ACC20015"
DANIEL_CHECKING, DANIEL_SAVINGS = "ACC20001", "ACC20002"
OLIVIA_CHECKING, OLIVIA_CARD, OLIVIA_VERIZON = "ACC20021", "ACC20023", "PAY3025"
HANNAH_CHECKING, HANNAH_RENT, HANNAH_COMCAST, HANNAH_BROKERAGE = "ACC20041", "PAY3044", "PAY3046", "ACC20044"


@pytest.fixture
def env() -> BankEnv:
    return BankEnv.create()


def test_the_bank_is_registered_under_its_entry_point() -> None:
    assert registry.get("bank") is BankEnv


def test_savings_cannot_be_overdrawn(env: BankEnv) -> None:
    balance = ok(env, "get_balance", account_id=EMMA_SAVINGS)["balance"]
    error = refused(
        env,
        "transfer_funds",
        from_account_id=EMMA_SAVINGS,
        to_account_id=EMMA_CHECKING,
        amount=balance + 0.01,
    )
    assert "cannot be overdrawn" in error
    ok(env, "transfer_funds", from_account_id=EMMA_SAVINGS, to_account_id=EMMA_CHECKING, amount=balance)
    assert ok(env, "get_balance", account_id=EMMA_SAVINGS)["balance"] == 0


def test_checking_may_go_negative_only_down_to_its_overdraft_limit(env: BankEnv) -> None:
    ok(env, "pay_payee", from_account_id=OLIVIA_CHECKING, payee_id=OLIVIA_VERIZON, amount=2300.0)
    after = ok(env, "get_balance", account_id=OLIVIA_CHECKING)
    assert after["balance"] == -129.90 and after["available"] == 120.10
    refused(env, "pay_payee", from_account_id=OLIVIA_CHECKING, payee_id=OLIVIA_VERIZON, amount=120.11)


def test_bill_payments_of_one_day_share_the_daily_limit(env: BankEnv) -> None:
    ok(env, "pay_payee", from_account_id=HANNAH_CHECKING, payee_id=HANNAH_RENT, amount=1850.0)
    error = refused(env, "pay_payee", from_account_id=HANNAH_CHECKING, payee_id=HANNAH_COMCAST, amount=650.01)
    assert "$650.00 left" in error
    ok(env, "pay_payee", from_account_id=HANNAH_CHECKING, payee_id=HANNAH_COMCAST, amount=650.0)


def test_unverified_customers_cannot_move_money_but_can_protect_their_cards(env: BankEnv) -> None:
    error = refused(
        env, "transfer_funds", from_account_id=DANIEL_SAVINGS, to_account_id=DANIEL_CHECKING, amount=10.0
    )
    assert "verification is still pending" in error
    refused(env, "add_payee", customer_id="CUS1001", name="Landlord", account_number="12345678")
    card = ok(env, "list_cards", customer_id="CUS1001")[0]
    assert ok(env, "freeze_card", card_id=card["id"])["status"] == "frozen"


def test_a_credit_card_payment_lowers_what_is_owed_and_cannot_exceed_it(env: BankEnv) -> None:
    refused(env, "transfer_funds", from_account_id=OLIVIA_CHECKING, to_account_id=OLIVIA_CARD, amount=487.40)
    refused(env, "transfer_funds", from_account_id=OLIVIA_CARD, to_account_id=OLIVIA_CHECKING, amount=10.0)
    ok(env, "transfer_funds", from_account_id=OLIVIA_CHECKING, to_account_id=OLIVIA_CARD, amount=487.39)
    card = ok(env, "get_balance", account_id=OLIVIA_CARD)
    assert card["balance_owed"] == 0 and card["available_credit"] == card["credit_limit"]


def test_a_purchase_can_be_disputed_once_and_only_within_60_days(env: BankEnv) -> None:
    found = ok(env, "search_transactions", account_id=EMMA_CHECKING, merchant="Best Buy")["transactions"]
    old = next(t for t in found if t["date"] == "2025-12-27")
    error = refused(env, "dispute_transaction", transaction_id=old["id"], reason="wrong_amount")
    assert "within 60 days" in error
    recent = ok(
        env,
        "search_transactions",
        account_id=EMMA_CHECKING,
        start_date="2026-02-01",
        category="entertainment",
    )["transactions"][0]
    case = ok(env, "dispute_transaction", transaction_id=recent["id"], reason="unauthorized")
    assert case["status"] == "open" and case["amount"] == -recent["amount"]
    error = refused(env, "dispute_transaction", transaction_id=recent["id"], reason="other")
    assert "already disputed" in error


def test_a_card_reported_lost_is_replaced_and_can_never_be_unfrozen(env: BankEnv) -> None:
    card = ok(env, "list_cards", customer_id="CUS1005")[0]
    out = ok(env, "report_card_lost", card_id=card["id"])
    new = out["replacement"]
    assert out["lost_card"]["status"] == "lost"
    assert new["status"] == "active" and new["replaces_card_id"] == card["id"]
    assert new["last4"] != card["last4"]
    assert "never be reactivated" in refused(env, "unfreeze_card", card_id=card["id"])
    refused(env, "report_card_lost", card_id=card["id"])


def test_market_orders_wait_for_market_hours_while_limit_orders_rest(env: BankEnv) -> None:
    env.set_clock("2026-03-07T11:00:00")
    error = refused(env, "place_order", account_id="ACC20037", symbol="AAPL", side="buy", quantity=5)
    assert "market is closed" in error
    order = ok(
        env,
        "place_order",
        account_id="ACC20037",
        symbol="AAPL",
        side="buy",
        quantity=5,
        order_type="limit",
        limit_price=250.0,
    )["order"]
    assert order["status"] == "open"
    assert ok(env, "get_balance", account_id="ACC20037")["reserved_for_open_orders"] == 1250.0


def test_a_market_buy_moves_cash_into_a_position_at_the_quote_price(env: BankEnv) -> None:
    price = ok(env, "get_quote", symbol="KO")["price"]
    before = ok(env, "list_holdings", account_id="ACC20020")
    out = ok(env, "place_order", account_id="ACC20020", symbol="KO", side="buy", quantity=10)
    after = ok(env, "list_holdings", account_id="ACC20020")
    assert out["order"]["status"] == "filled" and out["order"]["fill_price"] == price
    assert after["cash"] == round(before["cash"] - 10 * price, 2)
    held = {p["symbol"]: p["quantity"] for p in after["positions"]}
    assert held["KO"] == {p["symbol"]: p["quantity"] for p in before["positions"]}["KO"] + 10


def test_shares_promised_to_an_open_sell_order_cannot_be_sold_again(env: BankEnv) -> None:
    error = refused(env, "place_order", account_id=HANNAH_BROKERAGE, symbol="PEP", side="sell", quantity=6)
    assert "5 not already in open sell orders" in error
    ok(env, "place_order", account_id=HANNAH_BROKERAGE, symbol="PEP", side="sell", quantity=5)


def test_transfers_stay_between_one_customers_open_accounts(env: BankEnv) -> None:
    assert "another customer" in refused(
        env, "transfer_funds", from_account_id=EMMA_CHECKING, to_account_id=OLIVIA_CHECKING, amount=5.0
    )
    assert "is closed" in refused(
        env, "transfer_funds", from_account_id=OLIVIA_CHECKING, to_account_id="ACC20025", amount=5.0
    )
    assert "two decimal places" in refused(
        env, "transfer_funds", from_account_id=EMMA_CHECKING, to_account_id=EMMA_SAVINGS, amount=5.001
    )
