"""Seed data: zones, restaurants with hours and menus, customers, couriers, promo codes and
a few months of order history, including orders in flight at the session clock."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from . import content as c
from .models import (
    Address,
    Courier,
    Customer,
    ItemOption,
    MenuItem,
    OpeningHours,
    Order,
    OrderItem,
    PaymentMethod,
    PromoCode,
    Refund,
    Restaurant,
    RestaurantZone,
    Zone,
)
from .pricing import discount_cents, is_open

N_CUSTOMERS = 60
N_COURIERS = 30
N_PAST_ORDERS = 170
RATING_COMMENTS = (None, "Great food", "Arrived a bit cold", "Fast delivery")
ACTIVE_MINUTES_AGO = {"placed": (2, 6), "accepted": (6, 12), "preparing": (10, 20), "picked_up": (25, 40)}
ACTIVE_STATUSES = (
    "placed",
    "placed",
    "accepted",
    "accepted",
    "preparing",
    "preparing",
    "preparing",
    "picked_up",
    "picked_up",
    "picked_up",
    "picked_up",
    "placed",
)


class _Seed:
    """Builds the rows in order; later tables draw on the ones built before."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.rows: list[object] = []
        self.hours: dict[tuple[str, int], OpeningHours] = {}
        self.menus: dict[str, list[MenuItem]] = {}
        self.options: dict[str, list[ItemOption]] = {}
        self.serves: dict[str, list[Restaurant]] = {}
        self.order_ids: set[str] = set()
        self.redeemed: set[tuple[str, str]] = set()

    def build(self) -> list[object]:
        self.zones = [Zone(id=f"Z{n}", name=name) for n, name in enumerate(c.ZONES, 1)]
        self.rows += self.zones
        self._restaurants()
        self._customers()
        self._couriers()
        self._promos()
        self._orders()
        return self.rows

    def _restaurants(self) -> None:
        self.restaurants: list[Restaurant] = []
        for n, (name, cuisine, pattern, home) in enumerate(c.RESTAURANTS, 101):
            rest = Restaurant(
                id=f"R{n}",
                name=name,
                cuisine=cuisine,
                rating=round(self.rng.uniform(3.8, 4.9), 1),
                min_order_cents=self.rng.choice((1000, 1200, 1500, 2000)),
                delivery_fee_cents=self.rng.choice((199, 299, 349, 399, 499)),
                prep_minutes=self.rng.choice((15, 20, 25, 30)),
            )
            self.restaurants.append(rest)
            self.rows.append(rest)
            span = self.rng.randint(1, 3)
            for k in range(-1 if span == 3 else 0, span):
                zone = self.zones[(home + k) % len(self.zones)]
                self.rows.append(RestaurantZone(restaurant_id=rest.id, zone_id=zone.id))
                self.serves.setdefault(zone.id, []).append(rest)
            for day, (opens, closes) in c.HOURS[pattern].items():
                hours = OpeningHours(restaurant_id=rest.id, weekday=day, opens=opens, closes=closes)
                self.hours[rest.id, day] = hours
                self.rows.append(hours)
            self._menu(rest)

    def _menu(self, rest: Restaurant) -> None:
        dishes = c.MENUS[rest.cuisine]
        keep = sorted(self.rng.sample(range(len(dishes)), k=self.rng.randint(8, 10)))
        mains = {cat for _, cat, _, _ in dishes[:4]}
        items: list[MenuItem] = []
        for k, idx in enumerate(keep, 1):
            dish, category, price, tags = dishes[idx]
            item = MenuItem(
                id=f"{rest.id}-{k:02d}",
                restaurant_id=rest.id,
                name=dish,
                category=category,
                price_cents=price + self.rng.choice((-100, -50, 0, 0, 50, 100)),
                dietary_tags=",".join(tags),
                available=self.rng.random() > 0.08,
            )
            items.append(item)
            self.rows.append(item)
            if category in mains:
                opts = [
                    ItemOption(id=f"{item.id}-{letter}", menu_item_id=item.id, name=opt, price_cents=cost)
                    for letter, (opt, cost) in zip("ab", c.OPTIONS[rest.cuisine], strict=True)
                ]
                self.options[item.id] = opts
                self.rows += opts
        self.menus[rest.id] = items

    def _customers(self) -> None:
        self.customers: list[Customer] = []
        self.addresses: dict[str, list[Address]] = {}
        self.cards: dict[str, list[PaymentMethod]] = {}
        names = [(first, last) for first in c.FIRST_NAMES for last in c.LAST_NAMES]
        for n, (first, last) in enumerate(self.rng.sample(names, N_CUSTOMERS), 1001):
            cust = Customer(
                id=f"C{n}",
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@{self.rng.choice(c.EMAIL_DOMAINS)}",
                phone=f"+1 312 555 {self.rng.randint(1000, 9999)}",
                wallet_cents=self.rng.choice((0, 0, 0, 500, 750, 1000, 1250, 2000, 3500)),
                joined_on=(self.now.date() - timedelta(days=self.rng.randint(60, 1400))).isoformat(),
            )
            self.customers.append(cust)
            self.rows.append(cust)
            self._addresses(cust, n)
            self._cards(cust, n)

    def _addresses(self, cust: Customer, n: int) -> None:
        labels = ("Home", "Work") if self.rng.random() < 0.4 else ("Home",)
        rows = []
        for k, label in enumerate(labels, 1):
            zone = self.rng.choice(self.zones)
            rows.append(
                Address(
                    id=f"A{n}{k}",
                    customer_id=cust.id,
                    label=label,
                    street=f"{self.rng.randint(100, 3999)} {self.rng.choice(c.STREETS[zone.name])}",
                    zone_id=zone.id,
                    instructions=self.rng.choice(c.INSTRUCTIONS),
                )
            )
        self.addresses[cust.id] = rows
        self.rows += rows

    def _cards(self, cust: Customer, n: int) -> None:
        count = self.rng.choice((1, 1, 2))
        rows = []
        for k in range(1, count + 1):
            expired = k == 2 and self.rng.random() < 0.5
            year = self.now.year - 1 if expired else self.now.year + self.rng.randint(0, 4)
            month = self.rng.randint(1, 12) if year != self.now.year else self.rng.randint(self.now.month, 12)
            rows.append(
                PaymentMethod(
                    id=f"PM{n}{k}",
                    customer_id=cust.id,
                    brand=self.rng.choice(c.CARD_BRANDS),
                    last4=f"{self.rng.randint(0, 9999):04d}",
                    expires=f"{year}-{month:02d}",
                    is_default=k == 1,
                )
            )
        self.cards[cust.id] = rows
        self.rows += rows

    def _couriers(self) -> None:
        self.couriers: list[Courier] = []
        for n in range(1, N_COURIERS + 1):
            courier = Courier(
                id=f"K{n:02d}",
                name=f"{self.rng.choice(c.FIRST_NAMES)} {self.rng.choice(c.LAST_NAMES)[0]}.",
                vehicle=self.rng.choice(c.VEHICLES),
                phone=f"+1 773 555 {self.rng.randint(1000, 9999)}",
                zone_id=self.zones[(n - 1) % len(self.zones)].id,
            )
            self.couriers.append(courier)
        self.rows += self.couriers

    def _promos(self) -> None:
        by_name = {r.name: r.id for r in self.restaurants}
        self.promos = [
            PromoCode(
                code=code,
                description=desc,
                kind=kind,
                value=value,
                min_spend_cents=spend,
                expires_on=expires,
                single_use=single,
                restaurant_id=by_name.get(rest or ""),
            )
            for code, desc, kind, value, spend, expires, single, rest in c.PROMOS
        ]
        self.rows += self.promos

    def _orders(self) -> None:
        for _ in range(N_PAST_ORDERS):
            self._past_order()
        for status in ACTIVE_STATUSES:
            self._active_order(status)

    def _past_order(self) -> None:
        cust = self.rng.choice(self.customers)
        address = self.rng.choice(self.addresses[cust.id])
        rest = self.rng.choice(self.serves.get(address.zone_id) or self.restaurants)
        day = self.now - timedelta(
            days=self.rng.choice((0, 1, 1, 2, 3)) if self.rng.random() < 0.2 else self.rng.randint(4, 75)
        )
        placed = self._time_open(rest, day)
        if placed is None or placed > self.now - timedelta(hours=2):
            return
        cancelled = self.rng.random() < 0.1
        order = self._order(cust, address, rest, placed, "cancelled" if cancelled else "delivered")
        order.accepted_at = _iso(placed + timedelta(minutes=3))
        if cancelled:
            order.cancelled_at = _iso(placed + timedelta(minutes=self.rng.randint(1, 10)))
            order.accepted_at = None
            return
        order.courier_id = self._courier(address).id
        order.picked_up_at = _iso(placed + timedelta(minutes=rest.prep_minutes + 5))
        order.delivered_at = _iso(placed + timedelta(minutes=rest.prep_minutes + self.rng.randint(18, 40)))
        if self.rng.random() < 0.5:
            order.rating = self.rng.choice((5, 5, 4, 4, 4, 3, 2, 1))
            order.rating_comment = self.rng.choice(RATING_COMMENTS)
        recent = self.now - placed < timedelta(days=2)
        if self.rng.random() < (0.3 if recent else 0.04):
            self._refund(order)

    def _active_order(self, status: str) -> None:
        placed = self.now - timedelta(minutes=self.rng.randint(*ACTIVE_MINUTES_AGO[status]))
        for _ in range(50):
            cust = self.rng.choice(self.customers)
            address = self.rng.choice(self.addresses[cust.id])
            open_now = [
                r
                for r in self.serves.get(address.zone_id, ())
                if is_open(self.hours.get((r.id, placed.weekday())), placed)
            ]
            if open_now:
                break
        order = self._order(cust, address, self.rng.choice(open_now), placed, status)
        if status != "placed":
            order.accepted_at = _iso(placed + timedelta(minutes=2))
        if status == "picked_up":
            order.courier_id = self._courier(address).id
            order.picked_up_at = _iso(self.now - timedelta(minutes=self.rng.randint(3, 12)))

    def _order(
        self,
        cust: Customer,
        address: Address,
        rest: Restaurant,
        placed: datetime,
        status: str,
    ) -> Order:
        order_id = self._order_id()
        lines = self._lines(order_id, rest)
        subtotal = sum(line.unit_price_cents * line.quantity for line in lines)
        promo = self._promo_for(cust, rest, subtotal, placed)
        discount = discount_cents(promo, subtotal, rest.delivery_fee_cents) if promo else 0
        total = subtotal + rest.delivery_fee_cents - discount
        card = next(p for p in self.cards[cust.id] if p.is_default)
        order = Order(
            id=order_id,
            customer_id=cust.id,
            restaurant_id=rest.id,
            address_id=address.id,
            payment_method_id=card.id,
            status=status,
            placed_at=_iso(placed),
            estimated_delivery_at=_iso(placed + timedelta(minutes=rest.prep_minutes + 25)),
            subtotal_cents=subtotal,
            delivery_fee_cents=rest.delivery_fee_cents,
            discount_cents=discount,
            total_cents=total,
            wallet_applied_cents=min(total, 500) if self.rng.random() < 0.1 else 0,
            cancellation_fee_cents=0,
            promo_code=promo.code if promo else None,
        )
        self.rows.append(order)
        self.rows += lines
        return order

    def _lines(self, order_id: str, rest: Restaurant) -> list[OrderItem]:
        available = [m for m in self.menus[rest.id] if m.available]
        picks = sorted(self.rng.sample(available, k=self.rng.randint(1, 4)), key=lambda m: m.id)
        lines = []
        for n, item in enumerate(picks, 1):
            options = [o for o in self.options.get(item.id, ()) if self.rng.random() < 0.2]
            lines.append(
                OrderItem(
                    id=f"{order_id}-{n}",
                    order_id=order_id,
                    menu_item_id=item.id,
                    name=item.name,
                    options=", ".join(o.name for o in options),
                    unit_price_cents=item.price_cents + sum(o.price_cents for o in options),
                    quantity=self.rng.choice((1, 1, 1, 2, 2, 3)),
                )
            )
        while sum(x.unit_price_cents * x.quantity for x in lines) < rest.min_order_cents:
            lines[0].quantity += 1
        return lines

    def _promo_for(
        self,
        cust: Customer,
        rest: Restaurant,
        subtotal: int,
        placed: datetime,
    ) -> PromoCode | None:
        if self.rng.random() > 0.2:
            return None
        usable = [
            p
            for p in self.promos
            if p.min_spend_cents <= subtotal
            and p.expires_on >= placed.date().isoformat()
            and p.restaurant_id in (None, rest.id)
            and (p.code, cust.id) not in self.redeemed
        ]
        if not usable:
            return None
        promo = self.rng.choice(usable)
        if promo.single_use:
            self.redeemed.add((promo.code, cust.id))
        return promo

    def _refund(self, order: Order) -> None:
        line = next(r for r in self.rows if isinstance(r, OrderItem) and r.order_id == order.id)
        self.rows.append(
            Refund(
                id=f"RF{order.id[2:]}",
                order_id=order.id,
                order_item_id=line.id,
                reason=self.rng.choice(("missing", "wrong")),
                destination=self.rng.choice(("wallet", "card")),
                amount_cents=line.unit_price_cents * line.quantity,
                created_at=_iso(datetime.fromisoformat(order.delivered_at or "") + timedelta(hours=1)),
            )
        )

    def _time_open(self, rest: Restaurant, day: datetime) -> datetime | None:
        hours = self.hours.get((rest.id, day.weekday()))
        if hours is None:
            return None
        opens = _minutes(hours.opens)
        closes = _minutes(hours.closes) - 45
        minute = self.rng.randint(opens, max(opens, closes))
        return day.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)

    def _courier(self, address: Address) -> Courier:
        local = [k for k in self.couriers if k.zone_id == address.zone_id]
        return self.rng.choice(local or self.couriers)

    def _order_id(self) -> str:
        while True:
            order_id = f"FD{self.rng.getrandbits(24):06X}"
            if order_id not in self.order_ids:
                self.order_ids.add(order_id)
                return order_id


def seed(rng: random.Random, now: datetime) -> Sequence[object]:
    return _Seed(rng, now).build()


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
