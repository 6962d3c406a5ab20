"""Business rules of the shop environment, on its seed data (clock: 2026-05-14)."""

from __future__ import annotations

import pytest

from envfactory.environments import Environment, registry
from tests.environments.helpers import refused, row


@pytest.fixture
def env() -> Environment:
    return registry.get("shop").create()


def with_stock(variant_id: str, stock: int) -> Environment:
    shop = registry.get("shop")
    variants = shop.create().export_state()["variants"]
    for variant in variants:
        if variant["id"] == variant_id:
            variant["stock"] = stock
    return shop.create(state={"variants": variants})


def test_a_processed_order_cannot_be_cancelled(env: Environment) -> None:
    message = refused(env, "cancel_pending_order", {"order_id": "BF-540079", "reason": "no longer needed"})
    assert "processed" in message and "only pending" in message


def test_cancelling_a_pending_order_restocks_it_and_credits_the_gift_card_at_once(env: Environment) -> None:
    stock = row(env, "variants", id="P119-01")["stock"]
    result = env.call("cancel_pending_order", {"order_id": "BF-284353", "reason": "no longer needed"})
    assert result.ok, result.error
    assert row(env, "orders", id="BF-284353")["status"] == "cancelled"
    assert row(env, "variants", id="P119-01")["stock"] == stock + 1
    assert row(env, "payment_methods", id="gc_3659467")["balance_cents"] == 7307 + 8900


def test_a_return_is_refused_once_the_30_day_window_has_closed(env: Environment) -> None:
    args = {"order_id": "BF-518046", "item_ids": ["BF-518046-1"], "refund_method_id": "cc_7964346"}
    assert "closed on 2026-05-13" in refused(env, "return_delivered_items", args)


def test_a_return_in_the_window_records_a_pending_refund_and_is_allowed_once(env: Environment) -> None:
    items = ["BF-729202-2", "BF-729202-3"]
    args = {"order_id": "BF-729202", "item_ids": items, "refund_method_id": "cc_4207876"}
    result = env.call("return_delivered_items", args)
    assert result.ok, result.error
    refund = result.output["transactions"][-1]
    assert (refund["kind"], refund["amount"], refund["status"]) == ("refund", 84.0, "pending")
    again = {**args, "item_ids": ["BF-729202-1"]}
    assert "return requested" in refused(env, "return_delivered_items", again)


def test_refunds_go_only_to_the_original_payment_method_or_a_gift_card(env: Environment) -> None:
    args = {"order_id": "BF-214723", "item_ids": ["BF-214723-1"], "refund_method_id": "cc_2028830"}
    assert "cc_1754358" in refused(env, "return_delivered_items", args)
    assert env.call("return_delivered_items", {**args, "refund_method_id": "gc_2046995"}).ok


def test_an_item_can_only_become_another_variant_of_the_same_product(env: Environment) -> None:
    change = {"item_id": "BF-450206-1", "new_variant_id": "P116-01"}
    message = refused(env, "modify_pending_order_items", {"order_id": "BF-450206", "changes": [change]})
    assert "same product" in message and "P112" in message


def test_two_items_cannot_claim_the_last_unit_of_a_variant() -> None:
    changes = [
        {"item_id": "BF-994405-1", "new_variant_id": "P101-11"},
        {"item_id": "BF-994405-3", "new_variant_id": "P101-11"},
    ]
    args = {"order_id": "BF-994405", "changes": changes}
    assert "1 in stock" in refused(with_stock("P101-11", 1), "modify_pending_order_items", args)
    roomy = with_stock("P101-11", 2)
    assert roomy.call("modify_pending_order_items", args).ok
    assert row(roomy, "variants", id="P101-11")["stock"] == 0
    assert row(roomy, "variants", id="P101-10")["stock"] == 36
    assert row(roomy, "variants", id="P101-07")["stock"] == 11


def test_a_price_difference_needs_a_payment_method_and_a_gift_card_must_cover_it(env: Environment) -> None:
    change = {"item_id": "BF-314355-1", "new_variant_id": "P125-04"}
    message = refused(env, "modify_pending_order_items", {"order_id": "BF-314355", "changes": [change]})
    assert "$40.00" in message and "payment_method_id" in message
    pay = {"order_id": "BF-641001", "payment_method_id": "gc_7799891"}
    assert "$28.54" in refused(env, "modify_pending_order_payment", pay)


def test_an_exchange_reserves_the_new_variant_and_closes_the_order_to_more_changes(env: Environment) -> None:
    args = {"order_id": "BF-505230", "changes": [{"item_id": "BF-505230-2", "new_variant_id": "P105-04"}]}
    assert env.call("exchange_delivered_items", args).ok
    assert row(env, "variants", id="P105-04")["stock"] == 21
    assert row(env, "order_items", id="BF-505230-2")["exchange_variant_id"] == "P105-04"
    assert row(env, "orders", id="BF-505230")["status"] == "exchange requested"
    assert "exchange requested" in refused(env, "exchange_delivered_items", args)


def test_a_gift_card_is_redeemed_once_and_never_after_expiry(env: Environment) -> None:
    result = env.call("apply_gift_card", {"customer_id": "C10039", "code": "gift-5rgf-x4vp"})
    assert result.ok and result.output["credited"]["balance"] == 100.0
    again = {"customer_id": "C10037", "code": "GIFT-5RGF-X4VP"}
    assert "already redeemed" in refused(env, "apply_gift_card", again)
    expired = {"customer_id": "C10037", "code": "GIFT-49F7-VBX8"}
    assert "expired on 2026-02-16" in refused(env, "apply_gift_card", expired)


def test_addresses_must_have_a_us_state_code_and_a_five_digit_zip(env: Environment) -> None:
    address = {
        "customer_id": "C10030",
        "address1": "200 King St W",
        "city": "Toronto",
        "state": "ON",
        "zip": "94107",
    }
    assert "'ON'" in refused(env, "update_default_address", address)
    assert "'9410'" in refused(env, "update_default_address", {**address, "state": "CA", "zip": "9410"})
    assert env.call("update_default_address", {**address, "city": "San Francisco", "state": "ca"}).ok
    assert row(env, "customers", id="C10030")["state"] == "CA"
