"""Search queries behind the read tools."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Customer, MenuItem, OpeningHours, Order, Restaurant, RestaurantZone
from .ordering import ACTIVE


def customers(db: Session, email: str | None, phone: str | None, name: str | None) -> list[Customer]:
    """Customers matching every criterion given; phone numbers match on their digits."""
    stmt = select(Customer).order_by(Customer.id)
    if email:
        stmt = stmt.where(func.lower(Customer.email) == email.strip().lower())
    if name:
        stmt = stmt.where(Customer.name.ilike(f"%{name.strip()}%"))
    found = list(db.scalars(stmt))
    if phone:
        digits = _digits(phone)[-10:]
        found = [c for c in found if _digits(c.phone).endswith(digits)]
    return found


def restaurants(
    db: Session,
    zone_id: str | None,
    cuisine: str | None,
    dietary_tag: str | None,
    name: str | None,
) -> list[Restaurant]:
    stmt = select(Restaurant).order_by(Restaurant.name)
    if zone_id:
        served = select(RestaurantZone.restaurant_id).where(RestaurantZone.zone_id == zone_id)
        stmt = stmt.where(Restaurant.id.in_(served))
    if cuisine:
        stmt = stmt.where(func.lower(Restaurant.cuisine) == cuisine.strip().lower())
    if name:
        stmt = stmt.where(Restaurant.name.ilike(f"%{name.strip()}%"))
    if dietary_tag:
        tagged = select(MenuItem.restaurant_id).where(
            MenuItem.available.is_(True), MenuItem.dietary_tags.like(f"%{dietary_tag}%")
        )
        stmt = stmt.where(Restaurant.id.in_(tagged))
    return list(db.scalars(stmt))


def orders(db: Session, customer_id: str, status: str | None) -> list[Order]:
    """A customer's orders, newest first."""
    stmt = select(Order).where(Order.customer_id == customer_id)
    if status:
        stmt = stmt.where(Order.status == status)
    return list(db.scalars(stmt.order_by(Order.placed_at.desc(), Order.id)))


def active_order_to(db: Session, address_id: str) -> Order | None:
    """An order still on its way to this address, if any."""
    stmt = select(Order).where(Order.address_id == address_id, Order.status.in_(ACTIVE))
    return db.scalar(stmt.order_by(Order.placed_at))


def zones_served(db: Session, restaurant_id: str) -> list[str]:
    stmt = select(RestaurantZone.zone_id).where(RestaurantZone.restaurant_id == restaurant_id)
    return list(db.scalars(stmt.order_by(RestaurantZone.zone_id)))


def weekly_hours(db: Session, restaurant_id: str) -> list[OpeningHours]:
    return list(db.scalars(select(OpeningHours).where(OpeningHours.restaurant_id == restaurant_id)))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
