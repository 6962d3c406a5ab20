"""How rows look in tool output: compact, complete, money in dollars."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import lookups
from .models import (
    Address,
    Courier,
    Customer,
    ItemOption,
    MenuItem,
    OpeningHours,
    Order,
    PaymentMethod,
    PromoCode,
    Refund,
    Restaurant,
    Zone,
)
from .ordering import ACTIVE, Draft
from .pricing import money

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STAGES = {
    "placed": "waiting for the restaurant to accept",
    "accepted": "accepted by the restaurant",
    "preparing": "being prepared",
    "picked_up": "with the courier, on the way",
    "delivered": "delivered",
    "cancelled": "cancelled",
}


def customer(db: Session, cust: Customer, this_month: str) -> dict[str, Any]:
    return {
        "id": cust.id,
        "name": cust.name,
        "email": cust.email,
        "phone": cust.phone,
        "wallet_credit": money(cust.wallet_cents),
        "addresses": [address(db, a) for a in lookups.addresses(db, cust.id)],
        "payment_methods": [card(p, this_month) for p in lookups.cards(db, cust.id)],
    }


def address(db: Session, addr: Address) -> dict[str, Any]:
    zone = db.get(Zone, addr.zone_id)
    return {
        "id": addr.id,
        "label": addr.label,
        "street": addr.street,
        "zone": zone.name if zone else addr.zone_id,
        "instructions": addr.instructions,
    }


def card(pm: PaymentMethod, this_month: str) -> dict[str, Any]:
    return {
        "id": pm.id,
        "brand": pm.brand,
        "last4": pm.last4,
        "expires": pm.expires,
        "expired": pm.expires < this_month,
        "default": pm.is_default,
    }


def restaurant_summary(rest: Restaurant, hours: OpeningHours | None, open_now: bool) -> dict[str, Any]:
    return {
        "id": rest.id,
        "name": rest.name,
        "cuisine": rest.cuisine,
        "rating": rest.rating,
        "open_now": open_now,
        "hours_today": f"{hours.opens}-{hours.closes}" if hours else "closed",
        "min_order": money(rest.min_order_cents),
        "delivery_fee": money(rest.delivery_fee_cents),
    }


def weekly_hours(hours: list[OpeningHours]) -> dict[str, str]:
    by_day = {h.weekday: f"{h.opens}-{h.closes}" for h in hours}
    return {name: by_day.get(day, "closed") for day, name in enumerate(WEEKDAYS)}


def menu_item(item: MenuItem, options: list[ItemOption]) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "category": item.category,
        "price": money(item.price_cents),
        "dietary_tags": item.dietary_tags.split(",") if item.dietary_tags else [],
        "available": item.available,
        "options": [{"id": o.id, "name": o.name, "price": money(o.price_cents)} for o in options],
    }


def promo(p: PromoCode, restaurant_name: str | None) -> dict[str, Any]:
    return {
        "code": p.code,
        "description": p.description,
        "kind": p.kind,
        "value": money(p.value) if p.kind == "fixed" else p.value,
        "min_spend": money(p.min_spend_cents),
        "expires_on": p.expires_on,
        "single_use": p.single_use,
        "restaurant": restaurant_name,
    }


def order_summary(db: Session, order: Order) -> dict[str, Any]:
    rest = db.get(Restaurant, order.restaurant_id)
    return {
        "id": order.id,
        "status": order.status,
        "restaurant": rest.name if rest else order.restaurant_id,
        "placed_at": order.placed_at,
        "total": money(order.total_cents),
    }


def order(db: Session, o: Order) -> dict[str, Any]:
    rest = db.get(Restaurant, o.restaurant_id)
    pm = db.get(PaymentMethod, o.payment_method_id)
    addr = db.get(Address, o.address_id)
    refunds = db.scalars(select(Refund).where(Refund.order_id == o.id).order_by(Refund.created_at, Refund.id))
    return {
        "id": o.id,
        "status": o.status,
        "customer_id": o.customer_id,
        "restaurant": {"id": o.restaurant_id, "name": rest.name if rest else None},
        "delivery_address": address(db, addr) if addr else o.address_id,
        "placed_at": o.placed_at,
        "accepted_at": o.accepted_at,
        "picked_up_at": o.picked_up_at,
        "delivered_at": o.delivered_at,
        "cancelled_at": o.cancelled_at,
        "estimated_delivery_at": o.estimated_delivery_at,
        "items": [
            {
                "id": li.id,
                "menu_item_id": li.menu_item_id,
                "name": li.name,
                "options": li.options,
                "quantity": li.quantity,
                "unit_price": money(li.unit_price_cents),
                "line_total": money(li.unit_price_cents * li.quantity),
            }
            for li in lookups.lines(db, o.id)
        ],
        "subtotal": money(o.subtotal_cents),
        "delivery_fee": money(o.delivery_fee_cents),
        "promo_code": o.promo_code,
        "discount": money(o.discount_cents),
        "total": money(o.total_cents),
        "paid_with_wallet": money(o.wallet_applied_cents),
        "charged_to_card": money(o.total_cents - o.wallet_applied_cents),
        "card": f"{pm.brand} ending {pm.last4}" if pm else o.payment_method_id,
        "cancellation_fee": money(o.cancellation_fee_cents),
        "refunds": [refund(r) for r in refunds],
        "rating": o.rating,
        "rating_comment": o.rating_comment,
    }


def refund(r: Refund) -> dict[str, Any]:
    return {
        "id": r.id,
        "order_item_id": r.order_item_id,
        "reason": r.reason,
        "destination": r.destination,
        "amount": money(r.amount_cents),
        "created_at": r.created_at,
    }


def quote(draft: Draft) -> dict[str, Any]:
    return {
        "restaurant": draft.restaurant.name,
        "items": [
            {
                "name": ln.item.name,
                "options": [o.name for o in ln.options],
                "quantity": ln.quantity,
                "line_total": money(ln.unit_cents * ln.quantity),
            }
            for ln in draft.lines
        ],
        "subtotal": money(draft.subtotal),
        "delivery_fee": money(draft.restaurant.delivery_fee_cents),
        "discount": money(draft.discount),
        "total": money(draft.total),
        "paid_with_wallet": money(draft.wallet),
        "charged_to_card": money(draft.total - draft.wallet),
    }


def tracking(o: Order, courier: Courier | None, now: datetime) -> dict[str, Any]:
    """Where an order is; the estimate only while it is on its way."""
    active = o.status in ACTIVE
    eta = datetime.fromisoformat(o.estimated_delivery_at)
    return {
        "order_id": o.id,
        "status": o.status,
        "stage": STAGES[o.status],
        "estimated_delivery_at": o.estimated_delivery_at if active else None,
        "minutes_away": max(0, int((eta - now).total_seconds() // 60)) if active else None,
        "courier": courier_view(courier) if courier else None,
        "delivered_at": o.delivered_at,
    }


def courier_view(k: Courier) -> dict[str, Any]:
    return {"name": k.name, "vehicle": k.vehicle, "phone": k.phone}
