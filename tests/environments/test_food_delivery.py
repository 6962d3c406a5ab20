"""Business rules of the food delivery environment, on its seed data (Friday 2026-03-06 19:10)."""

from __future__ import annotations

from typing import Any

import pytest

from envfactory.environments.catalog.food_delivery import FoodDeliveryEnv
from tests.environments.helpers import ok, refused


@pytest.fixture
def env() -> FoodDeliveryEnv:
    return FoodDeliveryEnv.create()


def wallet(env: FoodDeliveryEnv, email: str) -> float:
    return ok(env, "find_customer", email=email)[0]["wallet_credit"]


SAMUEL = {"customer_id": "C1007", "address_id": "A10071", "payment_method_id": "PM10071"}  # Wicker Park


def test_cancelling_a_placed_order_is_free_and_refunds_card_and_wallet(env: FoodDeliveryEnv) -> None:
    before = wallet(env, "kenji.lee@gmail.com")
    order = ok(env, "cancel_order", order_id="FDA6FEE8")
    assert order["status"] == "cancelled" and order["cancellation_fee"] == 0
    assert {(r["destination"], r["amount"]) for r in order["refunds"]} == {("card", 71.54), ("wallet", 5.0)}
    assert wallet(env, "kenji.lee@gmail.com") == before + 5.0


def test_cancelling_an_accepted_order_keeps_half_the_food_subtotal(env: FoodDeliveryEnv) -> None:
    order = ok(env, "cancel_order", order_id="FD9FA54B")
    assert order["cancellation_fee"] == 32.83  # half of 65.65, rounded half up
    assert [r["amount"] for r in order["refunds"]] == [round(order["total"] - 32.83, 2)]


def test_a_picked_up_order_cannot_be_cancelled(env: FoodDeliveryEnv) -> None:
    assert "picked up" in refused(env, "cancel_order", order_id="FD596888")


def order_for_samuel(env: FoodDeliveryEnv, restaurant_id: str, dish: str, refuse: bool = True) -> Any:
    call = refused if refuse else ok
    return call(env, "place_order", restaurant_id=restaurant_id, items=[{"menu_item_id": dish}], **SAMUEL)


def test_orders_are_refused_when_closed_out_of_zone_sold_out_or_below_minimum(env: FoodDeliveryEnv) -> None:
    assert "closed" in order_for_samuel(env, "R106", "R106-01")  # Siam Orchid closes on Fridays
    assert "River North" in order_for_samuel(env, "R107", "R107-01")
    assert "sold out" in order_for_samuel(env, "R105", "R105-03")
    assert "$20.00" in order_for_samuel(env, "R101", "R101-06")
    assert order_for_samuel(env, "R105", "R105-02", refuse=False)["status"] == "placed"


def test_a_single_use_code_works_once_and_returns_when_its_order_is_cancelled(env: FoodDeliveryEnv) -> None:
    order = {"restaurant_id": "R105", "items": [{"menu_item_id": "R105-01", "quantity": 2}], **SAMUEL}
    first = ok(env, "place_order", promo_code="WELCOME10", **order)
    assert first["discount"] == 2.99  # 10% of 29.90
    assert "single-use" in refused(env, "place_order", promo_code="WELCOME10", **order)
    ok(env, "cancel_order", order_id=first["id"])
    assert ok(env, "place_order", promo_code="WELCOME10", **order)["promo_code"] == "WELCOME10"


def test_items_change_only_while_placed_and_never_below_the_minimum(env: FoodDeliveryEnv) -> None:
    edamame = [{"menu_item_id": "R107-06"}]
    assert "accepted" in refused(env, "modify_order_items", order_id="FDAF3AFF", add=edamame)
    keep_fries_only = ["FDA6FEE8-1", "FDA6FEE8-3", "FDA6FEE8-4"]
    assert "minimum" in refused(
        env, "modify_order_items", order_id="FDA6FEE8", remove_item_ids=keep_fries_only
    )


def test_adding_a_dish_already_in_the_order_raises_its_quantity(env: FoodDeliveryEnv) -> None:
    order = ok(env, "modify_order_items", order_id="FD22C878", add=[{"menu_item_id": "R109-04"}])
    burritos = [i for i in order["items"] if i["menu_item_id"] == "R109-04"]
    assert [(b["id"], b["quantity"]) for b in burritos] == [("FD22C878-1", 3)]
    assert order["subtotal"] == 50.75


def test_the_order_of_dishes_in_a_request_does_not_change_the_saved_order() -> None:
    egg_and_spicy = ["R105-02-b", "R105-02-a"]
    dishes = [{"menu_item_id": "R105-08"}, {"menu_item_id": "R105-02", "option_ids": egg_and_spicy}]
    first, second = FoodDeliveryEnv.create(), FoodDeliveryEnv.create()
    ok(first, "place_order", restaurant_id="R105", items=dishes, **SAMUEL)
    ok(second, "place_order", restaurant_id="R105", items=dishes[::-1], **SAMUEL)
    assert first.state_hash() == second.state_hash()


def test_a_missing_item_is_refunded_once_to_the_wallet(env: FoodDeliveryEnv) -> None:
    before = wallet(env, "andre.garcia@icloud.com")
    naan = {"order_id": "FD5804A8", "order_item_ids": ["FD5804A8-3"], "reason": "missing"}
    out = ok(env, "refund_items", destination="wallet", **naan)
    assert out["total_refunded"] == 11.0 and wallet(env, "andre.garcia@icloud.com") == before + 11.0
    assert "already refunded" in refused(env, "refund_items", destination="card", **naan)


def test_refunds_close_48_hours_after_delivery(env: FoodDeliveryEnv) -> None:
    env.set_clock("2026-03-07T16:24:00")  # FD5804A8 was delivered 2026-03-05T16:23
    naan = {"order_id": "FD5804A8", "order_item_ids": ["FD5804A8-3"], "reason": "missing"}
    assert "48 hours" in refused(env, "refund_items", destination="wallet", **naan)


def test_a_delivered_order_is_rated_once(env: FoodDeliveryEnv) -> None:
    assert ok(env, "rate_order", order_id="FD12EE6E", stars=4)["rating"] == 4
    assert "already rated" in refused(env, "rate_order", order_id="FD12EE6E", stars=5)


def test_an_address_cannot_change_while_an_order_is_on_its_way_there(env: FoodDeliveryEnv) -> None:
    mateo = {"customer_id": "C1056", "street": "2210 N Clark St"}
    assert "FD882A35" in refused(env, "update_address", address_id="A10562", **mateo)
    moved = ok(env, "update_address", address_id="A10561", zone="lincoln park", **mateo)
    assert (moved["street"], moved["zone"]) == ("2210 N Clark St", "Lincoln Park")
