"""Tables of the shop environment. Money is stored as integer cents; dates as ISO strings."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(primary_key=True)
    first_name: Mapped[str]
    last_name: Mapped[str]
    email: Mapped[str] = mapped_column(unique=True)
    phone: Mapped[str]
    address1: Mapped[str]
    address2: Mapped[str | None]
    city: Mapped[str]
    state: Mapped[str]
    zip: Mapped[str]
    member_since: Mapped[str]


class PaymentMethod(Base):
    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str]  # credit_card | paypal | gift_card
    brand: Mapped[str | None]
    last4: Mapped[str | None]
    balance_cents: Mapped[int | None]  # gift cards only


class Product(Base):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    category: Mapped[str]
    description: Mapped[str]


class Variant(Base):
    __tablename__ = "variants"

    id: Mapped[str] = mapped_column(primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    options: Mapped[str]  # JSON object, keys sorted, e.g. {"colour": "navy", "size": "M"}
    price_cents: Mapped[int]
    stock: Mapped[int]


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str]
    placed_at: Mapped[str]
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.id"))
    address1: Mapped[str]
    address2: Mapped[str | None]
    city: Mapped[str]
    state: Mapped[str]
    zip: Mapped[str]
    cancel_reason: Mapped[str | None]


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    variant_id: Mapped[str] = mapped_column(ForeignKey("variants.id"))
    name: Mapped[str]
    price_cents: Mapped[int]
    status: Mapped[str]  # ordered | return requested | exchange requested
    exchange_variant_id: Mapped[str | None] = mapped_column(ForeignKey("variants.id"))


class Shipment(Base):
    __tablename__ = "shipments"

    tracking_number: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    carrier: Mapped[str]
    status: Mapped[str]  # in transit | delivered
    shipped_at: Mapped[str]
    estimated_delivery: Mapped[str]
    delivered_at: Mapped[str | None]


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    payment_method_id: Mapped[str] = mapped_column(ForeignKey("payment_methods.id"))
    kind: Mapped[str]  # charge | refund
    amount_cents: Mapped[int]
    status: Mapped[str]  # completed | pending (refunds wait for returned items)
    reason: Mapped[str]
    created_at: Mapped[str]


class GiftCard(Base):
    __tablename__ = "gift_cards"

    code: Mapped[str] = mapped_column(primary_key=True)
    initial_cents: Mapped[int]
    balance_cents: Mapped[int]
    status: Mapped[str]  # active | redeemed
    expires_on: Mapped[str]
    redeemed_by: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    redeemed_at: Mapped[str | None]
