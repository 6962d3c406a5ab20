"""How rows are shown to the agent: compact dicts, money in dollars."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .models import Customer, GiftCard, Order, OrderItem, Payment, PaymentMethod, Product, Shipment, Variant


def money(cents: int) -> float:
    return round(cents / 100, 2)


def dollars(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def address(row: Customer | Order) -> dict[str, Any]:
    return {
        "address1": row.address1,
        "address2": row.address2,
        "city": row.city,
        "state": row.state,
        "zip": row.zip,
    }


def describe_method(method: PaymentMethod) -> str:
    if method.kind == "credit_card":
        return f"{method.brand} ending {method.last4}"
    if method.kind == "paypal":
        return "PayPal"
    return f"gift card balance ({dollars(method.balance_cents or 0)})"


def payment_method(method: PaymentMethod) -> dict[str, Any]:
    view: dict[str, Any] = {"id": method.id, "kind": method.kind, "description": describe_method(method)}
    if method.kind == "gift_card":
        view["balance"] = money(method.balance_cents or 0)
    return view


def customer(row: Customer, methods: Iterable[PaymentMethod], orders: Iterable[Order]) -> dict[str, Any]:
    return {
        "customer_id": row.id,
        "name": f"{row.first_name} {row.last_name}",
        "email": row.email,
        "phone": row.phone,
        "default_address": address(row),
        "member_since": row.member_since,
        "payment_methods": [payment_method(m) for m in methods],
        "orders": [{"order_id": o.id, "status": o.status, "placed_at": o.placed_at} for o in orders],
    }


def variant(row: Variant) -> dict[str, Any]:
    return {
        "variant_id": row.id,
        "options": json.loads(row.options),
        "price": money(row.price_cents),
        "stock": row.stock,
        "available": row.stock > 0,
    }


def product(row: Product, variants: Iterable[Variant]) -> dict[str, Any]:
    return {
        "product_id": row.id,
        "name": row.name,
        "category": row.category,
        "description": row.description,
        "variants": [variant(v) for v in variants],
    }


def product_summary(row: Product, variants: list[Variant]) -> dict[str, Any]:
    prices = [v.price_cents for v in variants]
    return {
        "product_id": row.id,
        "name": row.name,
        "category": row.category,
        "price_from": money(min(prices)),
        "price_to": money(max(prices)),
        "variants_in_stock": sum(1 for v in variants if v.stock > 0),
        "variants": len(variants),
    }


def item(row: OrderItem, options: Mapping[str, str]) -> dict[str, Any]:
    view = {
        "item_id": row.id,
        "product_id": row.product_id,
        "variant_id": row.variant_id,
        "name": row.name,
        "options": json.loads(options[row.variant_id]),
        "price": money(row.price_cents),
        "status": row.status,
    }
    if row.exchange_variant_id:
        view["exchange_for"] = {
            "variant_id": row.exchange_variant_id,
            "options": json.loads(options[row.exchange_variant_id]),
        }
    return view


def shipment(row: Shipment) -> dict[str, Any]:
    events = [{"at": row.shipped_at, "event": f"picked up by {row.carrier}"}]
    if row.delivered_at:
        events.append({"at": row.delivered_at, "event": "delivered"})
    return {
        "tracking_number": row.tracking_number,
        "order_id": row.order_id,
        "carrier": row.carrier,
        "status": row.status,
        "shipped_at": row.shipped_at,
        "estimated_delivery": row.estimated_delivery,
        "delivered_at": row.delivered_at,
        "events": events,
    }


def payment(row: Payment) -> dict[str, Any]:
    return {
        "transaction_id": row.id,
        "kind": row.kind,
        "amount": money(row.amount_cents),
        "status": row.status,
        "reason": row.reason,
        "payment_method_id": row.payment_method_id,
        "at": row.created_at,
    }


def order(
    row: Order,
    items: list[OrderItem],
    options: Mapping[str, str],
    shipments: Iterable[Shipment],
    payments: Iterable[Payment],
    method: PaymentMethod,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "order_id": row.id,
        "customer_id": row.customer_id,
        "status": row.status,
        "placed_at": row.placed_at,
        "shipping_address": address(row),
        "items": [item(i, options) for i in items],
        "total": money(sum(i.price_cents for i in items)),
        "payment_method": payment_method(method),
        "shipments": [shipment(s) for s in shipments],
        "transactions": [payment(p) for p in payments],
    }
    if row.cancel_reason:
        view["cancel_reason"] = row.cancel_reason
    return view


def order_summary(row: Order, items: list[OrderItem]) -> dict[str, Any]:
    return {
        "order_id": row.id,
        "status": row.status,
        "placed_at": row.placed_at,
        "items": [i.name for i in items],
        "total": money(sum(i.price_cents for i in items)),
    }


def gift_card(row: GiftCard, today: str) -> dict[str, Any]:
    status = "expired" if row.status == "active" and row.expires_on < today else row.status
    return {
        "code": row.code,
        "status": status,
        "balance": money(row.balance_cents),
        "original_value": money(row.initial_cents),
        "expires_on": row.expires_on,
    }
