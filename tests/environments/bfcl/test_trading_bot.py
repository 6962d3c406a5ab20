"""BFCL TradingBot (`bfcl_trading`): docs match, config round trip, conformance, documented behaviour.
Seed facts: logged in, market open, balance 18,250.75, orders 5001..5010 (next 5011), watch list
TSLA, NFLX, XOM, GS; the clock reads 2026-03-02 10:30."""

from __future__ import annotations

import pytest

from envfactory.environments.catalog.bfcl.trading_bot import TradingBotEnv
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused


@pytest.fixture
def env() -> TradingBotEnv:
    return TradingBotEnv.create()


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(TradingBotEnv, "trading_bot.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("TradingBot")
    env = TradingBotEnv.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert TradingBotEnv.from_state(exported).export_state() == exported
    # The example's order stores its size as num_shares; it still reads as the order's amount.
    assert ok(env, "get_order_details", order_id=12345)["amount"] == 10
    assert ok(env, "get_order_history") == {"order_history": [12345]}
    placed = ok(env, "place_order", order_type="Buy", symbol="NVDA", price=220.34, amount=5)
    assert placed["order_id"] == 12446 and placed["status"] == "Pending"  # the example's market is closed


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(TradingBotEnv) if not r.ok] == []


def test_an_order_takes_the_counter_id_and_is_open_while_the_market_is(env: TradingBotEnv) -> None:
    placed = ok(env, "place_order", order_type="buy", symbol="aapl", price=230.0, amount=3)
    assert placed == {"order_id": 5011, "order_type": "Buy", "status": "Open", "price": 230.0, "amount": 3}
    assert ok(env, "get_order_details", order_id=5011) == {
        "id": 5011,
        "order_type": "Buy",
        "symbol": "AAPL",
        "price": 230.0,
        "amount": 3,
        "status": "Open",
    }
    state = env.export_state()
    assert state["order_counter"] == 5012 and state["account_info"]["balance"] == 18250.75


def test_orders_need_a_known_stock_a_side_and_positive_numbers(env: TradingBotEnv) -> None:
    assert refused(env, "place_order", order_type="Hold", symbol="AAPL", price=1.0, amount=1).startswith(
        "Order type must be Buy or Sell"
    )
    assert "not found" in refused(env, "place_order", order_type="Buy", symbol="ZZZZ", price=1.0, amount=1)
    assert "positive" in refused(env, "place_order", order_type="Sell", symbol="AAPL", price=1.0, amount=0)


def test_only_unfilled_orders_can_be_cancelled(env: TradingBotEnv) -> None:
    assert ok(env, "cancel_order", order_id=5007) == {"order_id": 5007, "status": "Cancelled"}
    assert "already cancelled" in refused(env, "cancel_order", order_id=5007)
    assert "already completed" in refused(env, "cancel_order", order_id=5001)
    assert env.call("cancel_order", {"order_id": 42}).content == '{"error":"Order with ID 42 not found."}'


def test_deposits_and_withdrawals_move_the_balance_and_are_recorded(env: TradingBotEnv) -> None:
    assert ok(env, "fund_account", amount=749.25) == {
        "status": "Account funded successfully",
        "new_balance": 19000.0,
    }
    assert ok(env, "withdraw_funds", amount=4000.0)["new_balance"] == 15000.0
    assert "Insufficient funds" in refused(env, "withdraw_funds", amount=15000.01)
    assert "greater than 0" in refused(env, "fund_account", amount=-5.0)
    march = ok(env, "get_transaction_history", start_date="2026-03-01")["transaction_history"]
    assert march == [
        {"type": "deposit", "amount": 749.25, "timestamp": "2026-03-02 10:30:00"},
        {"type": "withdrawal", "amount": 4000.0, "timestamp": "2026-03-02 10:30:00"},
    ]


def test_transaction_history_filters_by_inclusive_dates(env: TradingBotEnv) -> None:
    history = ok(env, "get_transaction_history", start_date="2026-02-13", end_date="2026-02-20")[
        "transaction_history"
    ]
    assert [t["amount"] for t in history] == [750.0, 2500.0, 1200.0]
    assert len(ok(env, "get_transaction_history")["transaction_history"]) == 8
    assert "use YYYY-MM-DD" in refused(env, "get_transaction_history", start_date="13/02/2026")


def test_account_tools_need_a_login_and_market_data_does_not(env: TradingBotEnv) -> None:
    assert ok(env, "trading_logout") == {"status": "Logged out successfully"}
    assert ok(env, "trading_get_login_status") == {"status": False}
    assert "log in" in refused(env, "get_account_info")
    assert "log in" in refused(env, "get_watchlist")
    assert ok(env, "get_stock_info", symbol="NVDA")["MA(5)"] == 123.95
    assert ok(env, "trading_login", username="noor", password="pw") == {"status": "Logged in successfully"}
    assert ok(env, "get_account_info") == {
        "account_id": 40192,
        "balance": 18250.75,
        "binding_card": 4539148803436467,
    }


def test_watch_list_adds_once_and_removes_only_what_is_there(env: TradingBotEnv) -> None:
    assert ok(env, "add_to_watchlist", stock="nvda") == {"watchlist": ["TSLA", "NFLX", "XOM", "GS", "NVDA"]}
    assert ok(env, "add_to_watchlist", stock="TSLA")["watchlist"] == ["TSLA", "NFLX", "XOM", "GS", "NVDA"]
    ok(env, "remove_stock_from_watchlist", symbol="NFLX")
    assert env.export_state()["watch_list"] == ["TSLA", "XOM", "GS", "NVDA"]
    assert refused(env, "remove_stock_from_watchlist", symbol="AAPL") == "AAPL is not on your watch list."


def test_market_lookups(env: TradingBotEnv) -> None:
    assert ok(env, "get_symbol_by_name", name="Tesla Inc.") == {"symbol": "TSLA"}
    assert ok(env, "get_symbol_by_name", name="Omega Industries") == {"symbol": "Stock not found"}
    assert ok(env, "get_available_stocks", sector="automobile") == {"stock_list": ["F", "GM", "TSLA"]}
    assert "Unknown sector" in refused(env, "get_available_stocks", sector="Crypto")
    filtered = ok(
        env, "filter_stocks_by_price", stocks=["NVDA", "AAPL", "F", "MSFT"], min_price=100.0, max_price=300.0
    )
    assert filtered == {"filtered_stocks": ["NVDA", "AAPL"]}
    note = ok(env, "notify_price_change", stocks=["TSLA", "NVDA", "AAPL"], threshold=3.0)["notification"]
    assert note == "Significant price changes: TSLA (-4.27%), NVDA (+3.41%)."
    assert ok(env, "get_current_time") == {"current_time": "10:30 AM"}
