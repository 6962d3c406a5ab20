"""Seed data: a catalog of ~30 products, 60 customers, their orders, shipments and payments.

Everything is drawn from the seeded RNG and dated relative to the session clock."""

from __future__ import annotations

import itertools
import json
import random
import string
from datetime import datetime, timedelta

from . import facts
from .models import Customer, GiftCard, Order, OrderItem, Payment, PaymentMethod, Product, Shipment, Variant

N_CUSTOMERS = 60
N_GIFT_CARDS = 24
CODE_CHARS = "".join(c for c in string.ascii_uppercase + string.digits if c not in "O0I1")


def options_json(options: dict[str, str]) -> str:
    return json.dumps(options, sort_keys=True)


class _Seeder:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.rows: list[object] = []
        self.variants: list[Variant] = []
        self.products: dict[str, Product] = {}
        self.order_numbers = iter(rng.sample(range(200000, 999999), 400))
        self.tx_numbers = itertools.count(10000001)

    def add(self, *rows: object) -> None:
        self.rows.extend(rows)

    def catalog(self) -> None:
        for n, spec in enumerate(facts.PRODUCTS, 1):
            product = Product(
                id=f"P{100 + n}", name=spec.name, category=spec.category, description=spec.description
            )
            self.products[product.id] = product
            self.add(product)
            axes = list(spec.axes.items())
            for k, combo in enumerate(itertools.product(*(values for _, values in axes)), 1):
                options = {axis: value for (axis, _), (value, _) in zip(axes, combo, strict=True)}
                stock = 0 if self.rng.random() < 0.15 else self.rng.choice((1, 2, 3, *range(5, 41)))
                variant = Variant(
                    id=f"{product.id}-{k:02d}",
                    product_id=product.id,
                    options=options_json(options),
                    price_cents=spec.base_cents + sum(adj for _, adj in combo),
                    stock=stock,
                )
                self.variants.append(variant)
                self.add(variant)

    def customers(self) -> list[tuple[Customer, list[PaymentMethod]]]:
        names = self.rng.sample(list(itertools.product(facts.FIRST_NAMES, facts.LAST_NAMES)), N_CUSTOMERS)
        out = []
        for n, (first, last) in enumerate(names, 1):
            city, state, zip3 = self.rng.choice(facts.PLACES)
            suffix = self.rng.choice(("", "", str(self.rng.randint(1, 99))))
            apartment = f"Apt {self.rng.randint(1, 40)}{self.rng.choice('ABCD')}"
            customer = Customer(
                id=f"C{10000 + n}",
                first_name=first,
                last_name=last,
                email=f"{first.lower()}.{last.lower()}{suffix}@{self.rng.choice(facts.EMAIL_DOMAINS)}",
                phone=f"{self.rng.randint(201, 989)}-555-{self.rng.randint(100, 9999):04d}",
                address1=f"{self.rng.randint(10, 9899)} {self.rng.choice(facts.STREETS)}",
                address2=self.rng.choice((None, None, None, apartment)),
                city=city,
                state=state,
                zip=f"{zip3}{self.rng.randint(1, 99):02d}",
                member_since=(self.now.date() - timedelta(days=self.rng.randint(60, 2000))).isoformat(),
            )
            methods = self.payment_methods(customer)
            self.add(customer, *methods)
            out.append((customer, methods))
        return out

    def payment_methods(self, customer: Customer) -> list[PaymentMethod]:
        methods = []
        for _ in range(self.rng.choice((1, 1, 2))):
            methods.append(
                PaymentMethod(
                    id=f"cc_{self.rng.randint(1000000, 9999999)}",
                    customer_id=customer.id,
                    kind="credit_card",
                    brand=self.rng.choice(facts.CARD_BRANDS),
                    last4=f"{self.rng.randint(0, 9999):04d}",
                )
            )
        if self.rng.random() < 0.35:
            methods.append(
                PaymentMethod(
                    id=f"pp_{self.rng.randint(1000000, 9999999)}", customer_id=customer.id, kind="paypal"
                )
            )
        if self.rng.random() < 0.4:
            methods.append(
                PaymentMethod(
                    id=f"gc_{self.rng.randint(1000000, 9999999)}",
                    customer_id=customer.id,
                    kind="gift_card",
                    balance_cents=self.rng.choice((0, 1500, 2500, 5000, 10000)) + self.rng.randint(0, 9999),
                )
            )
        return methods

    def orders(self, customer: Customer, methods: list[PaymentMethod]) -> None:
        for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4))):
            days_ago = self.order_age()
            age = timedelta(days=days_ago, hours=self.rng.randint(1, 20), minutes=self.rng.randint(0, 59))
            placed = self.now - age
            status = self.status_for(days_ago)
            payers = [m for m in methods if m.kind != "gift_card" or self.rng.random() < 0.3]
            order = Order(
                id=f"BF-{next(self.order_numbers)}",
                customer_id=customer.id,
                status=status,
                placed_at=placed.isoformat(timespec="minutes"),
                payment_method_id=self.rng.choice(payers).id,
                address1=customer.address1,
                address2=customer.address2,
                city=customer.city,
                state=customer.state,
                zip=customer.zip,
                cancel_reason=self.rng.choice(facts.CANCEL_REASONS) if status == "cancelled" else None,
            )
            items = self.items(order)
            self.add(order, *items)
            self.charge(order, items, placed)
            self.shipment(order, placed)

    def order_age(self) -> int:
        """Days since an order was placed: a fifth are days old, most within the return window."""
        r = self.rng.random()
        if r < 0.2:
            return self.rng.randint(0, 2)
        if r < 0.35:
            return self.rng.randint(3, 8)
        return self.rng.randint(9, 40) if r < 0.7 else self.rng.randint(41, 120)

    def status_for(self, days_ago: int) -> str:
        r = self.rng.random()
        if days_ago >= 1 and r < 0.08:
            return "cancelled"
        if days_ago <= 2:
            return "pending" if r < 0.8 else "processed"
        if days_ago <= 5:
            return "processed" if r < 0.4 else "shipped"
        if days_ago <= 8:
            return "shipped" if r < 0.5 else "delivered"
        if r < 0.12:
            return "return requested"
        if r < 0.16:
            return "exchange requested"
        return "delivered"

    def items(self, order: Order) -> list[OrderItem]:
        items = []
        for k in range(1, self.rng.choice((1, 1, 2, 2, 3, 4)) + 1):
            variant = self.rng.choice(self.variants)
            items.append(
                OrderItem(
                    id=f"{order.id}-{k}",
                    order_id=order.id,
                    product_id=variant.product_id,
                    variant_id=variant.id,
                    name=self.products[variant.product_id].name,
                    price_cents=variant.price_cents,
                    status="ordered",
                )
            )
        if order.status == "return requested":
            for item in items[: self.rng.randint(1, len(items))]:
                item.status = "return requested"
        elif order.status == "exchange requested":
            item = items[0]
            item.status = "exchange requested"
            item.exchange_variant_id = self.rng.choice(
                [v.id for v in self.variants if v.product_id == item.product_id and v.id != item.variant_id]
            )
        return items

    def payment(self, order: Order, kind: str, cents: int, status: str, reason: str, when: datetime) -> None:
        self.add(
            Payment(
                id=f"TX{next(self.tx_numbers)}",
                order_id=order.id,
                payment_method_id=order.payment_method_id,
                kind=kind,
                amount_cents=cents,
                status=status,
                reason=reason,
                created_at=when.isoformat(timespec="minutes"),
            )
        )

    def charge(self, order: Order, items: list[OrderItem], placed: datetime) -> None:
        self.payment(order, "charge", sum(i.price_cents for i in items), "completed", "purchase", placed)
        if order.status == "cancelled":
            refund = sum(i.price_cents for i in items)
            self.payment(order, "refund", refund, "completed", "cancellation", placed + timedelta(hours=5))
        elif order.status == "return requested":
            refund = sum(i.price_cents for i in items if i.status == "return requested")
            self.payment(order, "refund", refund, "pending", "return", placed + timedelta(days=8))
        elif order.status == "exchange requested":
            item = items[0]
            new = next(v for v in self.variants if v.id == item.exchange_variant_id)
            diff = new.price_cents - item.price_cents
            if diff:
                kind, status = ("charge", "completed") if diff > 0 else ("refund", "pending")
                self.payment(order, kind, abs(diff), status, "exchange", placed + timedelta(days=8))

    def shipment(self, order: Order, placed: datetime) -> None:
        if order.status in ("pending", "processed", "cancelled"):
            return
        shipped = placed + timedelta(days=1, hours=self.rng.randint(2, 20))
        delivered = shipped + timedelta(days=self.rng.randint(2, 4), hours=self.rng.randint(1, 8))
        in_transit = order.status == "shipped"
        carrier = self.rng.choice(facts.CARRIERS)
        self.add(
            Shipment(
                tracking_number=self.tracking_number(carrier),
                order_id=order.id,
                carrier=carrier,
                status="in transit" if in_transit else "delivered",
                shipped_at=shipped.isoformat(timespec="minutes"),
                estimated_delivery=(shipped + timedelta(days=self.rng.randint(3, 5))).date().isoformat(),
                delivered_at=None if in_transit else min(delivered, self.now).isoformat(timespec="minutes"),
            )
        )

    def tracking_number(self, carrier: str) -> str:
        if carrier == "UPS":
            return "1Z" + "".join(self.rng.choice(CODE_CHARS) for _ in range(16))
        digits = 18 if carrier == "USPS" else 12
        prefix = "9400" if carrier == "USPS" else ""
        return prefix + "".join(self.rng.choice(string.digits) for _ in range(digits))

    def code_part(self) -> str:
        return "".join(self.rng.choice(CODE_CHARS) for _ in range(4))

    def gift_cards(self, customers: list[Customer]) -> None:
        today = self.now.date()
        for n in range(N_GIFT_CARDS):
            code = f"GIFT-{self.code_part()}-{self.code_part()}"
            cents = self.rng.choice((2500, 5000, 7500, 10000, 15000, 20000))
            expired = n % 6 == 5
            redeemed = n % 6 == 4
            days_left = -self.rng.randint(3, 90) if expired else self.rng.randint(90, 700)
            expires = today + timedelta(days=days_left)
            redeemed_at = self.now - timedelta(days=self.rng.randint(5, 200))
            self.add(
                GiftCard(
                    code=code,
                    initial_cents=cents,
                    balance_cents=0 if redeemed else cents,
                    status="redeemed" if redeemed else "active",
                    expires_on=expires.isoformat(),
                    redeemed_by=self.rng.choice(customers).id if redeemed else None,
                    redeemed_at=redeemed_at.isoformat(timespec="minutes") if redeemed else None,
                )
            )


def seed(rng: random.Random, now: datetime) -> list[object]:
    seeder = _Seeder(rng, now)
    seeder.catalog()
    customers = seeder.customers()
    for customer, methods in customers:
        seeder.orders(customer, methods)
    seeder.gift_cards([c for c, _ in customers])
    return seeder.rows
