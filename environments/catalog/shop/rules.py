"""Business rules shared by the write tools. Each check raises ToolError naming the bad value
and what would be allowed."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta

from envfactory.environments import ToolError

from .facts import US_STATES
from .models import Order, OrderItem, PaymentMethod, Shipment, Variant
from .views import dollars

RETURN_WINDOW_DAYS = 30


def require_status(order: Order, allowed: str, action: str) -> None:
    if order.status != allowed:
        raise ToolError(f"Order {order.id} is {order.status}; only {allowed} orders can be {action}.")


def require_return_window(order: Order, shipment: Shipment | None, now: datetime) -> None:
    if shipment is None or shipment.delivered_at is None:
        raise ToolError(f"Order {order.id} has no delivery on record, so it cannot be returned or exchanged.")
    delivered = datetime.fromisoformat(shipment.delivered_at)
    closes = delivered + timedelta(days=RETURN_WINDOW_DAYS)
    if now > closes:
        raise ToolError(
            f"Order {order.id} was delivered on {delivered.date()}; its {RETURN_WINDOW_DAYS}-day return and "
            f"exchange window closed on {closes.date()} (today is {now.date()})."
        )


def clean_address(state: str, zip_code: str) -> tuple[str, str]:
    state, zip_code = state.strip().upper(), zip_code.strip()
    if state not in US_STATES:
        raise ToolError(f"State {state!r} is not a US state; use its two-letter code, e.g. OR or NY.")
    if not re.fullmatch(r"\d{5}", zip_code):
        raise ToolError(f"ZIP code {zip_code!r} is not valid; a ZIP code is 5 digits, e.g. 97205.")
    return state, zip_code


def pick_items(order: Order, items: list[OrderItem], item_ids: list[str]) -> list[OrderItem]:
    """The order's items named by `item_ids`, each still in its ordered state."""
    if not item_ids:
        raise ToolError("Name at least one item of the order.")
    repeated = [i for i, n in Counter(item_ids).items() if n > 1]
    if repeated:
        raise ToolError(f"Item {repeated[0]} is named more than once; name each item once.")
    by_id = {i.id: i for i in items}
    picked = []
    for item_id in item_ids:
        item = by_id.get(item_id)
        if item is None:
            raise ToolError(f"Order {order.id} has no item {item_id!r}; its items are {', '.join(by_id)}.")
        if item.status != "ordered":
            raise ToolError(f"Item {item_id} ({item.name}) already has status {item.status!r}.")
        picked.append(item)
    return picked


def check_swap(item: OrderItem, new: Variant, claimed: Counter[str]) -> None:
    """`new` may replace `item`: same product, another variant, enough stock for every claim."""
    if new.product_id != item.product_id:
        raise ToolError(
            f"Variant {new.id} is not a variant of {item.name} ({item.product_id}); an item can only be "
            "swapped for another variant of the same product."
        )
    if new.id == item.variant_id:
        raise ToolError(f"Item {item.id} already is variant {new.id}; choose a different variant.")
    claimed[new.id] += 1
    if new.stock < claimed[new.id]:
        options = ", ".join(f"{k}: {v}" for k, v in json.loads(new.options).items())
        raise ToolError(
            f"Variant {new.id} of {item.name} ({options}) has {new.stock} in stock, which is not enough; "
            "choose an available variant."
        )


def require_own_method(method: PaymentMethod | None, method_id: str, customer_id: str) -> PaymentMethod:
    if method is None or method.customer_id != customer_id:
        raise ToolError(f"Payment method {method_id!r} is not on the account of customer {customer_id}.")
    return method


def require_balance(method: PaymentMethod, cents: int) -> None:
    balance = method.balance_cents or 0
    if method.kind == "gift_card" and balance < cents:
        raise ToolError(
            f"The gift card balance ({dollars(balance)}) does not cover {dollars(cents)}; "
            "choose another payment method."
        )
