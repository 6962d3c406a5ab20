"""Row lookups for the shop's tools: each raises ToolError naming the unknown value."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import views
from .models import Customer, GiftCard, Order, OrderItem, Payment, PaymentMethod, Shipment, Variant


class Store:
    """The shop's records as seen through one ORM session."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def customer(self, customer_id: str) -> Customer:
        row = self.db.get(Customer, customer_id.strip())
        if row is None:
            raise ToolError(
                f"No customer with id {customer_id!r}; find them by email or by name and ZIP code."
            )
        return row

    def order(self, order_id: str) -> Order:
        key = order_id.strip().upper().lstrip("#")
        row = self.db.get(Order, key if key.startswith("BF-") else f"BF-{key}")
        if row is None:
            raise ToolError(f"No order {order_id!r}; order numbers look like BF-204871.")
        return row

    def method(self, method_id: str) -> PaymentMethod:
        row = self.db.get(PaymentMethod, method_id)
        if row is None:
            raise ToolError(f"No payment method {method_id!r}.")
        return row

    def variant(self, variant_id: str) -> Variant:
        row = self.db.get(Variant, variant_id.strip().upper())
        if row is None:
            raise ToolError(f"No variant {variant_id!r}; variant ids look like P104-03 (see the product).")
        return row

    def gift_card(self, code: str) -> GiftCard:
        row = self.db.get(GiftCard, code.strip().upper())
        if row is None:
            raise ToolError(f"No gift card with code {code!r}; codes look like GIFT-AB12-CD34.")
        return row

    def methods(self, customer_id: str) -> list[PaymentMethod]:
        return list(
            self.db.scalars(
                select(PaymentMethod)
                .where(PaymentMethod.customer_id == customer_id)
                .order_by(PaymentMethod.id)
            )
        )

    def items(self, order_id: str) -> list[OrderItem]:
        stmt = select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.id)
        return list(self.db.scalars(stmt))

    def variants(self, product_id: str) -> list[Variant]:
        stmt = select(Variant).where(Variant.product_id == product_id).order_by(Variant.id)
        return list(self.db.scalars(stmt))

    def order_view(self, order: Order) -> dict[str, Any]:
        items = self.items(order.id)
        ids = {i.variant_id for i in items} | {i.exchange_variant_id for i in items if i.exchange_variant_id}
        stmt = select(Variant.id, Variant.options).where(Variant.id.in_(ids))
        options = {variant_id: text for variant_id, text in self.db.execute(stmt)}
        shipments = self.db.scalars(
            select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.shipped_at)
        )
        payments = self.db.scalars(
            select(Payment).where(Payment.order_id == order.id).order_by(Payment.created_at, Payment.id)
        )
        return views.order(order, items, options, shipments, payments, self.method(order.payment_method_id))
