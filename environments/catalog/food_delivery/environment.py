"""A food delivery platform's support desk: customers, restaurants and their menus, orders
from placement to the doorstep, promo codes, cancellations and refunds.

Business rules: orders go only to open restaurants that deliver to the address's zone, with
available items, above the restaurant's minimum and with a valid promo code; cancelling is free
while an order is placed, costs half the food once the restaurant has accepted, and is refused
after pickup; items change only while placed; refunds cover delivered items once each, within
48 hours; ratings are for delivered orders, once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field

from envfactory.environments import Environment, ToolError, tool

from . import aftercare, data, lookups, ordering, search, views
from .models import Base, Courier, OpeningHours, Order, Refund, Restaurant
from .ordering import ItemRequest
from .pricing import cancellation_fee_cents, is_open, money

DietaryTag = Literal["vegetarian", "vegan", "gluten_free", "dairy_free", "halal"]
OrderStatus = Literal["placed", "accepted", "preparing", "picked_up", "delivered", "cancelled"]
DELIVERY_MINUTES = 25


class FoodDeliveryEnv(Environment):
    name = "food_delivery"
    domain = "local_services"
    description = (
        "Support desk of a food delivery platform: find customers and restaurants, read menus, "
        "place, change, cancel and track orders, apply promo codes, refund missing or wrong items."
    )
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-03-06T19:10:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now()))

    # ------------------------------------------------------------------ customers
    @tool()
    def find_customer(
        self,
        email: str | None = None,
        phone: str | None = None,
        name: str | None = None,
    ) -> list[dict]:
        """Look a customer up by email, phone number or name; returns their saved addresses,
        payment cards and wallet credit.

        Args:
            email: the customer's email address (exact, case-insensitive).
            phone: the customer's phone number; punctuation and spaces are ignored.
            name: all or part of the customer's full name.
        """
        if not (email or phone or name):
            raise ToolError("Give an email, a phone number or a name to look a customer up.")
        found = search.customers(self.db, email, phone, name)
        return [views.customer(self.db, c, self._this_month()) for c in found]

    @tool(write=True)
    def update_address(
        self,
        customer_id: str,
        address_id: str,
        street: str | None = None,
        zone: str | None = None,
        instructions: str | None = None,
    ) -> dict:
        """Change a saved delivery address. Not allowed while an active order is headed there.

        Args:
            customer_id: the customer's id, e.g. C1012.
            address_id: the saved address to change, e.g. A10121.
            street: the new street line, e.g. "1420 N Clark St, Apt 2".
            zone: the delivery zone the new street lies in, e.g. Lincoln Park.
            instructions: new drop-off instructions for the courier; an empty string clears them.
        """
        addr = lookups.address_of(self.db, lookups.customer(self.db, customer_id), address_id)
        if street is None and zone is None and instructions is None:
            raise ToolError("Nothing to change: give a new street, zone or instructions.")
        busy = search.active_order_to(self.db, addr.id)
        if busy is not None:
            raise ToolError(
                f"Order {busy.id} ({busy.status}) is on its way to this address; the address can be "
                "changed once that order is delivered or cancelled."
            )
        if street is not None:
            if not street.strip():
                raise ToolError("The street line cannot be empty.")
            addr.street = street.strip()
        if zone is not None:
            addr.zone_id = lookups.zone_named(self.db, zone).id
        if instructions is not None:
            addr.instructions = instructions.strip() or None
        return views.address(self.db, addr)

    # ------------------------------------------------------------------ restaurants
    @tool()
    def search_restaurants(
        self,
        zone: str | None = None,
        cuisine: str | None = None,
        dietary_tag: DietaryTag | None = None,
        open_now: bool = False,
        name: str | None = None,
    ) -> list[dict]:
        """Search restaurants by delivery zone, cuisine, dietary options, name, and whether they
        are open right now.

        Args:
            zone: only restaurants that deliver to this zone, e.g. Wicker Park.
            cuisine: e.g. pizza, indian, thai, japanese, mexican, burgers, chinese, mediterranean,
                vietnamese, vegan, breakfast, korean.
            dietary_tag: only restaurants with at least one available dish carrying this tag.
            open_now: only restaurants open at the current time.
            name: all or part of the restaurant's name.
        """
        zone_id = lookups.zone_named(self.db, zone).id if zone else None
        out = []
        for rest in search.restaurants(self.db, zone_id, cuisine, dietary_tag, name):
            hours = self.db.get(OpeningHours, (rest.id, self.now().weekday()))
            if open_now and not is_open(hours, self.now()):
                continue
            out.append(views.restaurant_summary(rest, hours, is_open(hours, self.now())))
        return out

    @tool()
    def get_restaurant(self, restaurant_id: str) -> dict:
        """Get a restaurant's details: zones it delivers to, weekly opening hours, minimum order,
        delivery fee, typical preparation time and whether it is open now.

        Args:
            restaurant_id: the restaurant's id, e.g. R105.
        """
        rest = lookups.restaurant(self.db, restaurant_id)
        today = self.db.get(OpeningHours, (rest.id, self.now().weekday()))
        return {
            **views.restaurant_summary(rest, today, is_open(today, self.now())),
            "prep_minutes": rest.prep_minutes,
            "delivers_to": [lookups.zone_name(self.db, z) for z in search.zones_served(self.db, rest.id)],
            "opening_hours": views.weekly_hours(search.weekly_hours(self.db, rest.id)),
        }

    @tool()
    def get_menu(self, restaurant_id: str, dietary_tag: DietaryTag | None = None) -> dict:
        """Get a restaurant's menu with prices, dietary tags, availability and item options.

        Args:
            restaurant_id: the restaurant's id, e.g. R105.
            dietary_tag: only dishes carrying this tag.
        """
        rest = lookups.restaurant(self.db, restaurant_id)
        items = lookups.menu(self.db, rest.id)
        return {
            "restaurant": {"id": rest.id, "name": rest.name},
            "items": [
                views.menu_item(i, lookups.options(self.db, i.id))
                for i in items
                if not dietary_tag or dietary_tag in i.dietary_tags
            ],
        }

    # ------------------------------------------------------------------ ordering
    @tool()
    def quote_order(
        self,
        customer_id: str,
        restaurant_id: str,
        address_id: str,
        items: list[ItemRequest],
        promo_code: str | None = None,
        use_wallet_credit: bool = False,
    ) -> dict:
        """Price an order without placing it, checking every rule placing would check.

        Args:
            customer_id: the customer's id.
            restaurant_id: the restaurant to order from.
            address_id: one of the customer's saved addresses.
            items: the dishes, each with a quantity and optional option ids.
            promo_code: a promo code to apply.
            use_wallet_credit: pay with the customer's wallet credit first.
        """
        draft = ordering.draft(
            self.db, self.now(), customer_id, restaurant_id, address_id, items, promo_code, use_wallet_credit
        )
        return views.quote(draft)

    @tool(write=True)
    def place_order(
        self,
        customer_id: str,
        restaurant_id: str,
        address_id: str,
        payment_method_id: str,
        items: list[ItemRequest],
        promo_code: str | None = None,
        use_wallet_credit: bool = False,
    ) -> dict:
        """Place an order for delivery now. The restaurant must be open and deliver to the
        address's zone, every item must be available, the food must reach the restaurant's
        minimum order, and a promo code must be valid for this order.

        Args:
            customer_id: the customer's id.
            restaurant_id: the restaurant to order from.
            address_id: one of the customer's saved addresses.
            payment_method_id: one of the customer's cards (not expired); pays what wallet credit
                does not.
            items: the dishes, each with a quantity and optional option ids.
            promo_code: a promo code to apply.
            use_wallet_credit: pay with the customer's wallet credit first.
        """
        draft = ordering.draft(
            self.db, self.now(), customer_id, restaurant_id, address_id, items, promo_code, use_wallet_credit
        )
        card = lookups.card_of(self.db, draft.customer, payment_method_id)
        if card.expires < self._this_month():
            raise ToolError(f"Card {card.brand} ending {card.last4} expired in {card.expires}; use another.")
        minutes = draft.restaurant.prep_minutes + DELIVERY_MINUTES
        order = Order(
            id=self.new_id("FD", 6),
            customer_id=draft.customer.id,
            restaurant_id=draft.restaurant.id,
            address_id=draft.address.id,
            payment_method_id=card.id,
            status="placed",
            placed_at=self._stamp(),
            estimated_delivery_at=self._stamp(minutes),
            subtotal_cents=draft.subtotal,
            delivery_fee_cents=draft.restaurant.delivery_fee_cents,
            discount_cents=draft.discount,
            total_cents=draft.total,
            wallet_applied_cents=draft.wallet,
            cancellation_fee_cents=0,
            promo_code=draft.promo.code if draft.promo else None,
        )
        self.db.add(order)
        self.db.add_all(ln.row(f"{order.id}-{n}", order.id) for n, ln in enumerate(draft.lines, 1))
        draft.customer.wallet_cents -= draft.wallet
        self.db.flush()
        return views.order(self.db, order)

    @tool(write=True)
    def modify_order_items(
        self,
        order_id: str,
        add: list[ItemRequest] | None = None,
        remove_item_ids: list[str] | None = None,
    ) -> dict:
        """Add dishes to or remove lines from an order the restaurant has not accepted yet
        (status placed). Adding a dish already in the order with the same options raises its
        quantity. The order must still meet the minimum and its promo code's minimum spend.

        Args:
            order_id: the order code, e.g. FD3A91C2.
            add: dishes to add, each with a quantity and optional option ids.
            remove_item_ids: ids of order lines to remove entirely, e.g. FD3A91C2-2.
        """
        order = lookups.order(self.db, order_id)
        ordering.require_status(order, ("placed",), "changing items")
        if not add and not remove_item_ids:
            raise ToolError("Nothing to change: give dishes to add or order lines to remove.")
        rest = lookups.restaurant(self.db, order.restaurant_id)
        ordering.remove_lines(self.db, order, remove_item_ids or [])
        ordering.add_lines(self.db, order, rest, add or [])
        subtotal = sum(li.unit_price_cents * li.quantity for li in lookups.lines(self.db, order.id))
        ordering.check_minimum(rest, subtotal)
        cust = lookups.customer(self.db, order.customer_id)
        promo = ordering.order_promo(self.db, order)
        if promo is not None:
            ordering.check_promo(self.db, promo, cust, rest, subtotal, order.placed_at[:10], order.id)
        ordering.reprice(order, cust, promo, subtotal)
        return views.order(self.db, order)

    @tool(write=True)
    def apply_promo_code(self, order_id: str, code: str) -> dict:
        """Apply a promo code to an order the restaurant has not accepted yet (status placed).
        One promo code per order.

        Args:
            order_id: the order code, e.g. FD3A91C2.
            code: the promo code, e.g. SAVE5.
        """
        order = lookups.order(self.db, order_id)
        ordering.require_status(order, ("placed",), "adding a promo code")
        promo = lookups.promo(self.db, code)
        if order.promo_code is not None:
            raise ToolError(f"Order {order.id} already uses code {order.promo_code}; one code per order.")
        cust = lookups.customer(self.db, order.customer_id)
        ordering.check_promo(
            self.db,
            promo,
            cust,
            lookups.restaurant(self.db, order.restaurant_id),
            order.subtotal_cents,
            self.today(),
            order.id,
        )
        ordering.reprice(order, cust, promo, order.subtotal_cents)
        return views.order(self.db, order)

    # ------------------------------------------------------------------ orders
    @tool()
    def get_order(self, order_id: str) -> dict:
        """Get an order: items (with their line ids), prices, payment, status times, refunds and
        rating.

        Args:
            order_id: the order code printed on the confirmation, e.g. FD3A91C2.
        """
        return views.order(self.db, lookups.order(self.db, order_id))

    @tool(trace_ignore=("limit", "offset"))
    def list_customer_orders(
        self,
        customer_id: str,
        status: OrderStatus | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> dict:
        """List a customer's orders, newest first.

        Args:
            customer_id: the customer's id.
            status: only orders in this status.
            limit: how many orders to return (at most 50).
            offset: how many of the newest orders to skip.
        """
        orders = search.orders(self.db, lookups.customer(self.db, customer_id).id, status)
        page = orders[max(0, offset) : max(0, offset) + min(max(limit, 1), 50)]
        return {"total": len(orders), "orders": [views.order_summary(self.db, o) for o in page]}

    @tool()
    def track_delivery(self, order_id: str) -> dict:
        """Where an order is: its status, the courier once picked up, and the estimated arrival.

        Args:
            order_id: the order code, e.g. FD3A91C2.
        """
        order = lookups.order(self.db, order_id)
        courier = self.db.get(Courier, order.courier_id) if order.courier_id else None
        return views.tracking(order, courier if order.status == "picked_up" else None, self.now())

    @tool(write=True)
    def cancel_order(self, order_id: str) -> dict:
        """Cancel an order. Free while it is placed; once the restaurant has accepted it (accepted
        or preparing) a fee of half the food subtotal is kept; refused once picked up. The rest is
        refunded the way it was paid (card, wallet credit).

        Args:
            order_id: the order code, e.g. FD3A91C2.
        """
        order = lookups.order(self.db, order_id)
        ordering.require_status(order, ("placed", "accepted", "preparing"), "cancelling")
        fee = cancellation_fee_cents(order.status, order.subtotal_cents)
        back = aftercare.cancellation_refunds(order, fee)
        for destination, amount in back.items():
            if amount > 0:
                self._add_refund(order, None, "cancellation", destination, amount)
        lookups.customer(self.db, order.customer_id).wallet_cents += back["wallet"]
        order.status = "cancelled"
        order.cancelled_at = self._stamp()
        order.cancellation_fee_cents = fee
        return views.order(self.db, order)

    @tool(write=True)
    def refund_items(
        self,
        order_id: str,
        order_item_ids: list[str],
        reason: Literal["missing", "wrong"],
        destination: Literal["wallet", "card"],
    ) -> dict:
        """Refund lines of a delivered order that were missing or wrong, within 48 hours of
        delivery. Each line can be refunded once, for its full line total.

        Args:
            order_id: the order code, e.g. FD3A91C2.
            order_item_ids: ids of the order's lines to refund, e.g. ["FD3A91C2-1"].
            reason: missing (never arrived) or wrong (a different dish arrived).
            destination: wallet (credit now) or card (back to the card paid with).
        """
        order = lookups.order(self.db, order_id)
        ordering.require_status(order, ("delivered",), "refunding items")
        aftercare.check_refund_window(order, self.now())
        lines = aftercare.refundable_lines(self.db, order, order_item_ids)
        left = order.total_cents - aftercare.refunded_cents(self.db, order.id)
        refunds = []
        for line in lines:
            amount = min(line.unit_price_cents * line.quantity, left)
            left -= amount
            refunds.append(self._add_refund(order, line.id, reason, destination, amount))
        if destination == "wallet":
            lookups.customer(self.db, order.customer_id).wallet_cents += sum(r.amount_cents for r in refunds)
        return {
            "order_id": order.id,
            "refunds": [views.refund(r) for r in refunds],
            "total_refunded": money(sum(r.amount_cents for r in refunds)),
            "destination": destination,
        }

    @tool(write=True)
    def rate_order(
        self,
        order_id: str,
        stars: Annotated[int, Field(ge=1, le=5)],
        comment: str | None = None,
    ) -> dict:
        """Rate a delivered order from 1 to 5 stars, once, within 14 days of delivery.

        Args:
            order_id: the order code, e.g. FD3A91C2.
            stars: 1 (very bad) to 5 (excellent).
            comment: what the customer said about it.
        """
        order = lookups.order(self.db, order_id)
        ordering.require_status(order, ("delivered",), "rating")
        aftercare.check_can_rate(order, self.now())
        order.rating = stars
        order.rating_comment = comment.strip() if comment and comment.strip() else None
        return {"order_id": order.id, "rating": order.rating, "comment": order.rating_comment}

    # ------------------------------------------------------------------ promo codes
    @tool()
    def check_promo_code(self, code: str, customer_id: str | None = None) -> dict:
        """Look up a promo code's terms: discount, minimum spend, expiry, restaurant, single use,
        and whether a given customer has already used it.

        Args:
            code: the promo code, e.g. SAVE5.
            customer_id: the customer's id, to see whether they already used a single-use code.
        """
        promo = lookups.promo(self.db, code)
        rest = self.db.get(Restaurant, promo.restaurant_id) if promo.restaurant_id else None
        out = {**views.promo(promo, rest.name if rest else None), "expired": promo.expires_on < self.today()}
        if customer_id is not None:
            cust = lookups.customer(self.db, customer_id)
            used = ordering.used_on(self.db, promo.code, cust.id) if promo.single_use else None
            out["used_by_customer_on"] = used
        return out

    # ------------------------------------------------------------------ helpers
    def _add_refund(
        self,
        order: Order,
        line_id: str | None,
        reason: str,
        destination: str,
        amount: int,
    ) -> Refund:
        refund = Refund(
            id=self.new_id("RF", 6),
            order_id=order.id,
            order_item_id=line_id,
            reason=reason,
            destination=destination,
            amount_cents=amount,
            created_at=self._stamp(),
        )
        self.db.add(refund)
        return refund

    def _this_month(self) -> str:
        return self.now().strftime("%Y-%m")

    def _stamp(self, minutes: int = 0) -> str:
        return (self.now() + timedelta(minutes=minutes)).isoformat(timespec="seconds")
