"""Finding rows by what an agent passes in, refusing with a helpful message when they do not exist."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError
from envfactory.environments.errors import did_you_mean

from .models import (
    Address,
    Customer,
    ItemOption,
    MenuItem,
    Order,
    OrderItem,
    PaymentMethod,
    PromoCode,
    Restaurant,
    Zone,
)


def customer(db: Session, customer_id: str) -> Customer:
    row = db.get(Customer, customer_id)
    if row is None:
        raise ToolError(f"No customer with id {customer_id!r}; find the customer by email, phone or name.")
    return row


def restaurant(db: Session, restaurant_id: str) -> Restaurant:
    row = db.get(Restaurant, restaurant_id)
    if row is None:
        raise ToolError(f"No restaurant with id {restaurant_id!r}; search restaurants to find its id.")
    return row


def order(db: Session, order_id: str) -> Order:
    row = db.get(Order, order_id.strip().upper())
    if row is None:
        raise ToolError(f"No order with code {order_id!r}; codes look like FD3A91C2 (on the confirmation).")
    return row


def address_of(db: Session, cust: Customer, address_id: str) -> Address:
    row = db.get(Address, address_id)
    if row is None or row.customer_id != cust.id:
        ids = ", ".join(a.id for a in addresses(db, cust.id))
        raise ToolError(f"Address {address_id!r} is not one of {cust.name}'s saved addresses ({ids}).")
    return row


def card_of(db: Session, cust: Customer, payment_method_id: str) -> PaymentMethod:
    row = db.get(PaymentMethod, payment_method_id)
    if row is None or row.customer_id != cust.id:
        ids = ", ".join(p.id for p in cards(db, cust.id))
        raise ToolError(f"Payment method {payment_method_id!r} is not one of {cust.name}'s cards ({ids}).")
    return row


def zone_named(db: Session, name: str) -> Zone:
    row = db.scalar(select(Zone).where(Zone.name.ilike(name.strip())))
    if row is None:
        names = list(db.scalars(select(Zone.name).order_by(Zone.name)))
        hint = did_you_mean(name, names)
        raise ToolError(f"We do not deliver in a zone called {name!r}.{hint} Zones: {', '.join(names)}.")
    return row


def zone_name(db: Session, zone_id: str) -> str:
    zone = db.get(Zone, zone_id)
    return zone.name if zone else zone_id


def promo(db: Session, code: str) -> PromoCode:
    row = db.get(PromoCode, code.strip().upper())
    if row is None:
        raise ToolError(f"Promo code {code!r} does not exist.")
    return row


def addresses(db: Session, customer_id: str) -> list[Address]:
    return list(db.scalars(select(Address).where(Address.customer_id == customer_id).order_by(Address.id)))


def cards(db: Session, customer_id: str) -> list[PaymentMethod]:
    stmt = select(PaymentMethod).where(PaymentMethod.customer_id == customer_id)
    return list(db.scalars(stmt.order_by(PaymentMethod.id)))


def menu(db: Session, restaurant_id: str) -> list[MenuItem]:
    stmt = select(MenuItem).where(MenuItem.restaurant_id == restaurant_id)
    return list(db.scalars(stmt.order_by(MenuItem.id)))


def options(db: Session, menu_item_id: str) -> list[ItemOption]:
    stmt = select(ItemOption).where(ItemOption.menu_item_id == menu_item_id)
    return list(db.scalars(stmt.order_by(ItemOption.id)))


def lines(db: Session, order_id: str) -> list[OrderItem]:
    return list(db.scalars(select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.id)))
