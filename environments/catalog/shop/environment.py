"""An online shop's customer-service back office (orders, returns, exchanges, gift cards).

Business rules: only pending orders can be cancelled or changed; only delivered orders can be
returned or exchanged, within 30 days of delivery; swaps stay within the same product and need
stock; price differences are settled with a payment method on the customer's account.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from envfactory.environments import Environment, ToolError, tool

from . import data, rules, views
from .models import Base, Customer, Order, OrderItem, Payment, PaymentMethod, Product, Shipment, Variant
from .store import Store
from .views import dollars

OrderStatus = Literal[
    "pending", "processed", "shipped", "delivered", "cancelled", "return requested", "exchange requested"
]
Category = Literal["apparel", "footwear", "bags", "kitchen", "home", "electronics", "outdoor", "fitness"]
CancelReason = Literal["no longer needed", "ordered by mistake"]


class VariantChange(BaseModel):
    """One item of an order and the variant it should become."""

    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(description="The order item's id, e.g. BF-204871-2.")
    new_variant_id: str = Field(description="The variant of the same product it becomes, e.g. P101-06.")


class ShopEnv(Environment):
    name = "shop"
    domain = "commerce"
    description = "Customer service for an online outdoor and home goods shop: orders, returns, exchanges."
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-05-14T10:00:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now()))

    @property
    def _store(self) -> Store:
        return Store(self.db)

    # ----------------------------------------------------------------- customers
    @tool()
    def find_customer_by_email(self, email: str) -> dict:
        """Find a customer by the email address on their account.

        Args:
            email: the customer's email address (case-insensitive).
        """
        row = self.db.scalar(select(Customer).where(func.lower(Customer.email) == email.strip().lower()))
        if row is None:
            raise ToolError(f"No customer has the email {email!r}; try their name and ZIP code instead.")
        return {"customer_id": row.id, "name": f"{row.first_name} {row.last_name}"}

    @tool()
    def find_customer_by_name_zip(self, first_name: str, last_name: str, zip: str) -> dict:
        """Find a customer by first name, last name and the ZIP code of their default address.

        Args:
            first_name: the customer's first name (case-insensitive).
            last_name: the customer's last name (case-insensitive).
            zip: the 5-digit ZIP code of their default address.
        """
        row = self.db.scalar(
            select(Customer).where(
                func.lower(Customer.first_name) == first_name.strip().lower(),
                func.lower(Customer.last_name) == last_name.strip().lower(),
                Customer.zip == zip.strip(),
            )
        )
        if row is None:
            raise ToolError(f"No customer named {first_name} {last_name} with ZIP code {zip!r}.")
        return {"customer_id": row.id, "name": f"{row.first_name} {row.last_name}"}

    @tool()
    def get_customer(self, customer_id: str) -> dict:
        """Get a customer's profile: contact details, default address, payment methods and orders.

        Args:
            customer_id: the customer's id, e.g. C10042.
        """
        row = self._store.customer(customer_id)
        orders = self.db.scalars(select(Order).where(Order.customer_id == row.id).order_by(Order.placed_at))
        return views.customer(row, self._store.methods(row.id), orders)

    @tool()
    def list_customer_orders(self, customer_id: str, status: OrderStatus | None = None) -> list[dict]:
        """List a customer's orders, newest first, with item names and totals.

        Args:
            customer_id: the customer's id.
            status: only orders in this status.
        """
        stmt = select(Order).where(Order.customer_id == self._store.customer(customer_id).id)
        if status is not None:
            stmt = stmt.where(Order.status == status)
        orders = self.db.scalars(stmt.order_by(Order.placed_at.desc()))
        return [views.order_summary(o, self._store.items(o.id)) for o in orders]

    @tool(write=True)
    def update_default_address(
        self, customer_id: str, address1: str, city: str, state: str, zip: str, address2: str | None = None
    ) -> dict:
        """Change the default address on a customer's account (existing orders keep theirs).

        Args:
            customer_id: the customer's id.
            address1: street address, e.g. 742 Maple Ave.
            city: city name.
            state: two-letter US state code, e.g. OR.
            zip: 5-digit ZIP code.
            address2: apartment, suite or unit, if any.
        """
        row = self._store.customer(customer_id)
        row.state, row.zip = rules.clean_address(state, zip)
        row.address1, row.address2, row.city = address1.strip(), address2, city.strip()
        return {"customer_id": row.id, "default_address": views.address(row)}

    # ----------------------------------------------------------------- catalog
    @tool(trace_ignore=("limit", "offset"))
    def search_products(
        self, query: str = "", category: Category | None = None, limit: int = 20, offset: int = 0
    ) -> dict:
        """Search the catalog by words in the product name, optionally within a category.

        Args:
            query: words to look for in the product name (case-insensitive); empty matches all.
            category: only products of this category.
            limit: at most this many products (1 to 50).
            offset: skip this many products (for paging).
        """
        if not 1 <= limit <= 50 or offset < 0:
            raise ToolError(f"limit must be 1 to 50 and offset at least 0 (got {limit} and {offset}).")
        stmt = select(Product).order_by(Product.id)
        if category is not None:
            stmt = stmt.where(Product.category == category)
        words = query.lower().split()
        found = [p for p in self.db.scalars(stmt) if all(w in p.name.lower() for w in words)]
        page = found[offset : offset + limit]
        products = [views.product_summary(p, self._store.variants(p.id)) for p in page]
        return {"total": len(found), "products": products}

    @tool()
    def get_product(self, product_id: str) -> dict:
        """Get a product with all its variants (options, price, stock).

        Args:
            product_id: the product's id, e.g. P104.
        """
        row = self.db.get(Product, product_id.strip())
        if row is None:
            raise ToolError(f"No product with id {product_id!r}; search the catalog for its name.")
        return views.product(row, self._store.variants(row.id))

    # ----------------------------------------------------------------- orders
    @tool()
    def get_order(self, order_id: str) -> dict:
        """Get an order: status, shipping address, items, payment, shipments and transactions.

        Args:
            order_id: the order number printed on the confirmation, e.g. BF-204871.
        """
        return self._store.order_view(self._store.order(order_id))

    @tool()
    def track_shipment(self, tracking_number: str) -> dict:
        """Track a shipment by its carrier tracking number.

        Args:
            tracking_number: the tracking number, e.g. 1ZAB12CD34EF56GH78.
        """
        row = self.db.get(Shipment, tracking_number.strip().upper())
        if row is None:
            raise ToolError(f"No shipment with tracking number {tracking_number!r}.")
        return views.shipment(row)

    @tool(write=True)
    def cancel_pending_order(self, order_id: str, reason: CancelReason) -> dict:
        """Cancel a pending order; the full amount goes back to the original payment method.

        Args:
            order_id: the order number.
            reason: why the customer cancels.
        """
        order = self._store.order(order_id)
        rules.require_status(order, "pending", "cancelled")
        items = self._store.items(order.id)
        for item in items:
            self._store.variant(item.variant_id).stock += 1
        refund = sum(i.price_cents for i in items)
        self._settle(order, self._store.method(order.payment_method_id), -refund, "cancellation")
        order.status, order.cancel_reason = "cancelled", reason
        return self._store.order_view(order)

    @tool(write=True)
    def modify_pending_order_address(
        self, order_id: str, address1: str, city: str, state: str, zip: str, address2: str | None = None
    ) -> dict:
        """Change the shipping address of a pending order.

        Args:
            order_id: the order number.
            address1: street address.
            city: city name.
            state: two-letter US state code.
            zip: 5-digit ZIP code.
            address2: apartment, suite or unit, if any.
        """
        order = self._store.order(order_id)
        rules.require_status(order, "pending", "modified")
        order.state, order.zip = rules.clean_address(state, zip)
        order.address1, order.address2, order.city = address1.strip(), address2, city.strip()
        return self._store.order_view(order)

    @tool(write=True)
    def modify_pending_order_items(
        self, order_id: str, changes: list[VariantChange], payment_method_id: str | None = None
    ) -> dict:
        """Swap items of a pending order for other variants of the same products (e.g. another size).

        Args:
            order_id: the order number.
            changes: each item to change and the variant it becomes.
            payment_method_id: where a price difference is charged or refunded; required when the
                prices differ.
        """
        order = self._store.order(order_id)
        rules.require_status(order, "pending", "modified")
        diff = 0
        for item, new in self._plan_swaps(order, changes):
            self._store.variant(item.variant_id).stock += 1
            new.stock -= 1
            diff += new.price_cents - item.price_cents
            item.variant_id, item.price_cents = new.id, new.price_cents
        self._settle_difference(order, payment_method_id, diff, "item modification")
        return self._store.order_view(order)

    @tool(write=True)
    def modify_pending_order_payment(self, order_id: str, payment_method_id: str) -> dict:
        """Pay a pending order with another payment method: the old one is refunded, the new one charged.

        Args:
            order_id: the order number.
            payment_method_id: a payment method on the customer's account.
        """
        order = self._store.order(order_id)
        rules.require_status(order, "pending", "modified")
        new = rules.require_own_method(
            self.db.get(PaymentMethod, payment_method_id), payment_method_id, order.customer_id
        )
        if new.id == order.payment_method_id:
            raise ToolError(f"Order {order.id} is already paid with {views.describe_method(new)}.")
        total = sum(i.price_cents for i in self._store.items(order.id))
        self._settle(order, new, total, "payment change")
        self._settle(order, self._store.method(order.payment_method_id), -total, "payment change")
        order.payment_method_id = new.id
        return self._store.order_view(order)

    @tool(write=True)
    def return_delivered_items(self, order_id: str, item_ids: list[str], refund_method_id: str) -> dict:
        """Request the return of items of a delivered order; the refund is issued once they arrive.

        Args:
            order_id: the order number.
            item_ids: the ids of the items to send back.
            refund_method_id: the order's original payment method or a gift card on the account.
        """
        order = self._delivered_in_window(order_id)
        items = rules.pick_items(order, self._store.items(order.id), item_ids)
        method = rules.require_own_method(
            self.db.get(PaymentMethod, refund_method_id), refund_method_id, order.customer_id
        )
        if method.id != order.payment_method_id and method.kind != "gift_card":
            raise ToolError(
                f"Refunds go to the original payment method ({order.payment_method_id}) or to a gift card; "
                f"{refund_method_id} is neither."
            )
        for item in items:
            item.status = "return requested"
        self._settle(order, method, -sum(i.price_cents for i in items), "return", refund_status="pending")
        order.status = "return requested"
        return self._store.order_view(order)

    @tool(write=True)
    def exchange_delivered_items(
        self, order_id: str, changes: list[VariantChange], payment_method_id: str | None = None
    ) -> dict:
        """Exchange items of a delivered order for other variants of the same products.

        Args:
            order_id: the order number.
            changes: each item to exchange and the variant to send instead.
            payment_method_id: where a price difference is charged or refunded; required when the
                prices differ.
        """
        order = self._delivered_in_window(order_id)
        diff = 0
        for item, new in self._plan_swaps(order, changes):
            new.stock -= 1
            diff += new.price_cents - item.price_cents
            item.status, item.exchange_variant_id = "exchange requested", new.id
        self._settle_difference(order, payment_method_id, diff, "exchange")
        order.status = "exchange requested"
        return self._store.order_view(order)

    # ----------------------------------------------------------------- gift cards
    @tool()
    def check_gift_card(self, code: str) -> dict:
        """Check a gift card's balance, status and expiry date.

        Args:
            code: the code printed on the card, e.g. GIFT-AB12-CD34.
        """
        return views.gift_card(self._store.gift_card(code), self.today())

    @tool(write=True)
    def apply_gift_card(self, customer_id: str, code: str) -> dict:
        """Redeem a gift card code: its whole balance moves to the customer's gift card balance.

        Args:
            customer_id: the customer's id.
            code: the code printed on the card.
        """
        row = self._store.customer(customer_id)
        card = self._store.gift_card(code)
        if card.status != "active":
            raise ToolError(f"Gift card {card.code} was already redeemed on {card.redeemed_at}.")
        if card.expires_on < self.today():
            raise ToolError(f"Gift card {card.code} expired on {card.expires_on} and cannot be redeemed.")
        method = next((m for m in self._store.methods(row.id) if m.kind == "gift_card"), None)
        if method is None:
            method = PaymentMethod(
                id=self._fresh_id("gc_", PaymentMethod), customer_id=row.id, kind="gift_card", balance_cents=0
            )
            self.db.add(method)
        method.balance_cents = (method.balance_cents or 0) + card.balance_cents
        card.status, card.balance_cents = "redeemed", 0
        card.redeemed_by, card.redeemed_at = row.id, self.now().isoformat(timespec="minutes")
        return {"code": card.code, "credited": views.payment_method(method)}

    # ----------------------------------------------------------------- helpers
    def _delivered_in_window(self, order_id: str) -> Order:
        order = self._store.order(order_id)
        rules.require_status(order, "delivered", "returned or exchanged")
        shipment = self.db.scalar(select(Shipment).where(Shipment.order_id == order.id))
        rules.require_return_window(order, shipment, self.now())
        return order

    def _plan_swaps(self, order: Order, changes: list[VariantChange]) -> list[tuple[OrderItem, Variant]]:
        items = rules.pick_items(order, self._store.items(order.id), [c.item_id for c in changes])
        claimed: Counter[str] = Counter()
        plan = []
        for item, change in zip(items, changes, strict=True):
            new = self._store.variant(change.new_variant_id)
            rules.check_swap(item, new, claimed)
            plan.append((item, new))
        return plan

    def _settle_difference(self, order: Order, method_id: str | None, cents: int, reason: str) -> None:
        if cents == 0:
            return
        if method_id is None:
            owed = "the customer owes" if cents > 0 else "the customer gets back"
            raise ToolError(
                f"The price difference is {dollars(abs(cents))} ({owed}); give payment_method_id."
            )
        method = rules.require_own_method(self.db.get(PaymentMethod, method_id), method_id, order.customer_id)
        refund_status = "pending" if reason == "exchange" else "completed"
        self._settle(order, method, cents, reason, refund_status=refund_status)

    def _settle(
        self, order: Order, method: PaymentMethod, cents: int, reason: str, refund_status: str = "completed"
    ) -> None:
        """Charge `cents` (> 0) to or refund `-cents` (< 0) to `method`, recording the transaction."""
        if cents > 0:
            rules.require_balance(method, cents)
        status = "completed" if cents > 0 else refund_status
        if method.kind == "gift_card" and status == "completed":
            method.balance_cents = (method.balance_cents or 0) - cents
        self.db.add(
            Payment(
                id=self._fresh_id("TX", Payment),
                order_id=order.id,
                payment_method_id=method.id,
                kind="charge" if cents > 0 else "refund",
                amount_cents=abs(cents),
                status=status,
                reason=reason,
                created_at=self.now().isoformat(timespec="minutes"),
            )
        )

    def _fresh_id(self, prefix: str, model: type[Payment] | type[PaymentMethod]) -> str:
        while True:
            candidate = self.new_id(prefix, 8)
            if self.db.get(model, candidate) is None:
                return candidate
