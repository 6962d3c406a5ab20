"""The rules of placing and changing an order: what may be ordered, from where, for how much."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import lookups
from .models import (
    Address,
    Customer,
    ItemOption,
    MenuItem,
    OpeningHours,
    Order,
    OrderItem,
    PromoCode,
    Restaurant,
    RestaurantZone,
    Zone,
)
from .pricing import MAX_QUANTITY, discount_cents, is_open, money

ACTIVE = ("placed", "accepted", "preparing", "picked_up")


class ItemRequest(BaseModel):
    """One menu item to order, with its options."""

    model_config = ConfigDict(extra="forbid")

    menu_item_id: str = Field(description="The menu item's id from the menu, e.g. R103-04.")
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY, description="How many, 1 to 20.")
    option_ids: list[str] = Field(default=[], description="Ids of the item's options to add, e.g. R103-04-a.")


@dataclass
class PricedLine:
    item: MenuItem
    options: list[ItemOption]
    quantity: int

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.item.id, tuple(o.id for o in self.options)

    @property
    def unit_cents(self) -> int:
        return self.item.price_cents + sum(o.price_cents for o in self.options)

    def row(self, line_id: str, order_id: str) -> OrderItem:
        return OrderItem(
            id=line_id,
            order_id=order_id,
            menu_item_id=self.item.id,
            name=self.item.name,
            options=", ".join(o.name for o in self.options),
            unit_price_cents=self.unit_cents,
            quantity=self.quantity,
        )


def price_lines(db: Session, rest: Restaurant, requests: Sequence[ItemRequest]) -> list[PricedLine]:
    """Validate requested items against the restaurant's menu; identical requests are merged and
    the result is in a canonical order (menu item, then options) whatever order they came in."""
    if not requests:
        raise ToolError("An order needs at least one item.")
    merged: dict[tuple[str, tuple[str, ...]], PricedLine] = {}
    for req in requests:
        line = _priced(db, rest, req)
        if line.key in merged:
            merged[line.key].quantity += line.quantity
        else:
            merged[line.key] = line
    for line in merged.values():
        if line.quantity > MAX_QUANTITY:
            raise ToolError(
                f"At most {MAX_QUANTITY} of one dish per order; {line.item.name} was asked "
                f"{line.quantity} times."
            )
    return [merged[k] for k in sorted(merged)]


def _priced(db: Session, rest: Restaurant, req: ItemRequest) -> PricedLine:
    item = db.get(MenuItem, req.menu_item_id)
    if item is None or item.restaurant_id != rest.id:
        raise ToolError(f"Menu item {req.menu_item_id!r} is not on {rest.name}'s menu; see the menu for ids.")
    if not item.available:
        raise ToolError(f"{item.name} ({item.id}) is sold out at {rest.name} right now; pick another dish.")
    offered = {o.id: o for o in db.scalars(select(ItemOption).where(ItemOption.menu_item_id == item.id))}
    unknown = sorted(set(req.option_ids) - offered.keys())
    if unknown:
        allowed = ", ".join(f"{o.id} ({o.name})" for o in offered.values()) or "none"
        raise ToolError(f"Options {', '.join(unknown)} are not offered on {item.name}; it has: {allowed}.")
    return PricedLine(item, [offered[i] for i in sorted(set(req.option_ids))], req.quantity)


def check_can_order(db: Session, rest: Restaurant, zone_id: str, now: datetime) -> None:
    """The restaurant must be open now and deliver to the zone."""
    hours = db.get(OpeningHours, (rest.id, now.weekday()))
    if not is_open(hours, now):
        today = f"{hours.opens}-{hours.closes}" if hours else "closed all day"
        raise ToolError(f"{rest.name} is closed now ({now:%A %H:%M}); today's hours: {today}.")
    served = set(db.scalars(select(RestaurantZone.zone_id).where(RestaurantZone.restaurant_id == rest.id)))
    if zone_id not in served:
        names = ", ".join(sorted(db.scalars(select(Zone.name).where(Zone.id.in_(served)))))
        zone = db.get(Zone, zone_id)
        where = zone.name if zone else zone_id
        raise ToolError(f"{rest.name} does not deliver to {where}; it delivers to: {names}.")


def check_minimum(rest: Restaurant, subtotal: int) -> None:
    if subtotal < rest.min_order_cents:
        raise ToolError(
            f"{rest.name} has a minimum order of ${money(rest.min_order_cents):.2f} of food; "
            f"this order comes to ${money(subtotal):.2f}."
        )


def check_promo(
    db: Session,
    promo: PromoCode,
    cust: Customer,
    rest: Restaurant,
    subtotal: int,
    today: str,
    order_id: str | None = None,
) -> None:
    """Refuse a promo code that is expired, for another restaurant, under its minimum spend, or
    single-use and already used by this customer on an order that was not cancelled."""
    if promo.expires_on < today:
        raise ToolError(f"Promo code {promo.code} expired on {promo.expires_on}.")
    if promo.restaurant_id is not None and promo.restaurant_id != rest.id:
        other = db.get(Restaurant, promo.restaurant_id)
        only = other.name if other else promo.restaurant_id
        raise ToolError(f"Promo code {promo.code} is only valid at {only}, not {rest.name}.")
    if subtotal < promo.min_spend_cents:
        raise ToolError(
            f"Promo code {promo.code} needs at least ${money(promo.min_spend_cents):.2f} of food; "
            f"this order has ${money(subtotal):.2f}."
        )
    if promo.single_use:
        used = used_on(db, promo.code, cust.id, order_id)
        if used is not None:
            raise ToolError(
                f"Promo code {promo.code} is single-use and {cust.name} already used it on order {used}."
            )


def used_on(db: Session, code: str, customer_id: str, except_order: str | None = None) -> str | None:
    """The order on which the customer used a code (cancelled orders give it back)."""
    stmt = select(Order.id).where(
        Order.promo_code == code,
        Order.customer_id == customer_id,
        Order.status != "cancelled",
    )
    if except_order is not None:
        stmt = stmt.where(Order.id != except_order)
    return db.scalar(stmt.order_by(Order.placed_at))


def reprice(order: Order, cust: Customer, promo: PromoCode | None, subtotal: int) -> None:
    """Recompute an order's money from its food subtotal; wallet credit no longer needed goes back."""
    order.subtotal_cents = subtotal
    order.promo_code = promo.code if promo else None
    order.discount_cents = discount_cents(promo, subtotal, order.delivery_fee_cents) if promo else 0
    order.total_cents = subtotal + order.delivery_fee_cents - order.discount_cents
    excess = max(0, order.wallet_applied_cents - order.total_cents)
    order.wallet_applied_cents -= excess
    cust.wallet_cents += excess


def order_promo(db: Session, order: Order) -> PromoCode | None:
    return db.get(PromoCode, order.promo_code) if order.promo_code else None


def require_status(order: Order, allowed: Sequence[str], action: str) -> None:
    if order.status not in allowed:
        states = " or ".join(", ".join(allowed).rsplit(", ", 1))
        status = order.status.replace("_", " ")
        raise ToolError(f"Order {order.id} is {status}; {action} is only possible while it is {states}.")


@dataclass
class Draft:
    """An order priced but not yet saved: what a quote shows and what placing stores."""

    customer: Customer
    restaurant: Restaurant
    address: Address
    lines: list[PricedLine]
    subtotal: int
    promo: PromoCode | None
    discount: int
    total: int
    wallet: int


def draft(
    db: Session,
    now: datetime,
    customer_id: str,
    restaurant_id: str,
    address_id: str,
    items: Sequence[ItemRequest],
    promo_code: str | None,
    use_wallet: bool,
) -> Draft:
    """Check every rule of placing an order and price it."""
    cust = lookups.customer(db, customer_id)
    addr = lookups.address_of(db, cust, address_id)
    rest = lookups.restaurant(db, restaurant_id)
    check_can_order(db, rest, addr.zone_id, now)
    lines = price_lines(db, rest, items)
    subtotal = sum(ln.unit_cents * ln.quantity for ln in lines)
    check_minimum(rest, subtotal)
    promo = lookups.promo(db, promo_code) if promo_code else None
    if promo is not None:
        check_promo(db, promo, cust, rest, subtotal, now.date().isoformat())
    discount = discount_cents(promo, subtotal, rest.delivery_fee_cents) if promo else 0
    total = subtotal + rest.delivery_fee_cents - discount
    wallet = min(cust.wallet_cents, total) if use_wallet else 0
    return Draft(cust, rest, addr, lines, subtotal, promo, discount, total, wallet)


def remove_lines(db: Session, order: Order, remove: Sequence[str]) -> None:
    lines = {li.id: li for li in lookups.lines(db, order.id)}
    unknown = [i for i in remove if i not in lines]
    if unknown:
        known = ", ".join(lines)
        raise ToolError(f"{', '.join(unknown)}: not lines of order {order.id}; its lines: {known}.")
    for line_id in dict.fromkeys(remove):
        db.delete(lines[line_id])
    db.flush()


def add_lines(db: Session, order: Order, rest: Restaurant, add: Sequence[ItemRequest]) -> None:
    """New dishes get new line ids; a dish already there with the same options grows instead."""
    if not add:
        return
    current = lookups.lines(db, order.id)
    existing = {(li.menu_item_id, li.options): li for li in current}
    last = max((int(li.id.rsplit("-", 1)[1]) for li in current), default=0)
    for priced in price_lines(db, rest, add):
        same = existing.get((priced.item.id, ", ".join(o.name for o in priced.options)))
        if same is not None:
            same.quantity += priced.quantity
            continue
        last += 1
        db.add(priced.row(f"{order.id}-{last}", order.id))
    db.flush()
