"""Tables of the food delivery environment. Money is integer cents; times are ISO strings."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Zone(Base):
    __tablename__ = "zones"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str] = mapped_column(unique=True)
    phone: Mapped[str]
    wallet_cents: Mapped[int] = mapped_column(default=0)
    joined_on: Mapped[str]


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    label: Mapped[str]
    street: Mapped[str]
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"))
    instructions: Mapped[str | None]


class PaymentMethod(Base):
    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    brand: Mapped[str]
    last4: Mapped[str]
    expires: Mapped[str]
    is_default: Mapped[bool] = mapped_column(default=False)


class Restaurant(Base):
    __tablename__ = "restaurants"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    cuisine: Mapped[str]
    rating: Mapped[float]
    min_order_cents: Mapped[int]
    delivery_fee_cents: Mapped[int]
    prep_minutes: Mapped[int]


class RestaurantZone(Base):
    __tablename__ = "restaurant_zones"

    restaurant_id: Mapped[str] = mapped_column(ForeignKey("restaurants.id"), primary_key=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), primary_key=True)


class OpeningHours(Base):
    __tablename__ = "opening_hours"

    restaurant_id: Mapped[str] = mapped_column(ForeignKey("restaurants.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(primary_key=True)
    opens: Mapped[str]
    closes: Mapped[str]


class MenuItem(Base):
    __tablename__ = "menu_items"

    id: Mapped[str] = mapped_column(primary_key=True)
    restaurant_id: Mapped[str] = mapped_column(ForeignKey("restaurants.id"))
    name: Mapped[str]
    category: Mapped[str]
    price_cents: Mapped[int]
    dietary_tags: Mapped[str]
    available: Mapped[bool] = mapped_column(default=True)


class ItemOption(Base):
    __tablename__ = "item_options"

    id: Mapped[str] = mapped_column(primary_key=True)
    menu_item_id: Mapped[str] = mapped_column(ForeignKey("menu_items.id"))
    name: Mapped[str]
    price_cents: Mapped[int]


class Courier(Base):
    __tablename__ = "couriers"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    vehicle: Mapped[str]
    phone: Mapped[str]
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"))


class PromoCode(Base):
    __tablename__ = "promo_codes"

    code: Mapped[str] = mapped_column(primary_key=True)
    description: Mapped[str]
    kind: Mapped[str]
    value: Mapped[int]
    min_spend_cents: Mapped[int]
    expires_on: Mapped[str]
    single_use: Mapped[bool]
    restaurant_id: Mapped[str | None] = mapped_column(ForeignKey("restaurants.id"))


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    restaurant_id: Mapped[str] = mapped_column(ForeignKey("restaurants.id"))
    address_id: Mapped[str] = mapped_column(ForeignKey("addresses.id"))
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.id"))
    courier_id: Mapped[str | None] = mapped_column(ForeignKey("couriers.id"))
    status: Mapped[str]
    placed_at: Mapped[str]
    accepted_at: Mapped[str | None]
    picked_up_at: Mapped[str | None]
    delivered_at: Mapped[str | None]
    cancelled_at: Mapped[str | None]
    estimated_delivery_at: Mapped[str]
    subtotal_cents: Mapped[int]
    delivery_fee_cents: Mapped[int]
    discount_cents: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int]
    wallet_applied_cents: Mapped[int] = mapped_column(default=0)
    cancellation_fee_cents: Mapped[int] = mapped_column(default=0)
    promo_code: Mapped[str | None] = mapped_column(ForeignKey("promo_codes.code"))
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None]


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    menu_item_id: Mapped[str] = mapped_column(ForeignKey("menu_items.id"))
    name: Mapped[str]
    options: Mapped[str]
    unit_price_cents: Mapped[int]
    quantity: Mapped[int]


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    order_item_id: Mapped[str | None] = mapped_column(ForeignKey("order_items.id"))
    reason: Mapped[str]
    destination: Mapped[str]
    amount_cents: Mapped[int]
    created_at: Mapped[str]
