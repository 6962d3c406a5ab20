"""Tables of the bank environment. Money is integer cents; dates and times are ISO strings."""

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
    date_of_birth: Mapped[str]
    city: Mapped[str]
    state: Mapped[str]
    kyc_status: Mapped[str]  # verified | pending | rejected
    daily_payment_limit_cents: Mapped[int]
    joined_on: Mapped[str]


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str]  # checking | savings | credit_card | brokerage
    name: Mapped[str]
    number_last4: Mapped[str]
    # For credit cards: the amount owed. For the others: the money held.
    balance_cents: Mapped[int]
    credit_limit_cents: Mapped[int | None]
    overdraft_limit_cents: Mapped[int] = mapped_column(default=0)
    apy: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str]  # open | closed
    opened_on: Mapped[str]


class Transaction(Base):
    __tablename__ = "transactions"

    id: Mapped[str] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    posted_on: Mapped[str]
    merchant: Mapped[str]
    category: Mapped[str]
    kind: Mapped[str]  # card_purchase | deposit | transfer | bill_payment | fee | interest | trade | refund
    # Signed from the customer's point of view: negative is money out (or more owed on a card).
    amount_cents: Mapped[int]
    disputed: Mapped[bool] = mapped_column(default=False)


class Payee(Base):
    __tablename__ = "payees"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    name: Mapped[str]
    kind: Mapped[str]  # biller | person
    account_number: Mapped[str]
    added_on: Mapped[str]


class ScheduledTransfer(Base):
    __tablename__ = "scheduled_transfers"

    id: Mapped[str] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    from_account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    to_account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    amount_cents: Mapped[int]
    frequency: Mapped[str]  # once | weekly | monthly
    next_date: Mapped[str]
    status: Mapped[str]  # active | cancelled
    created_on: Mapped[str]


class Card(Base):
    __tablename__ = "cards"

    id: Mapped[str] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str]  # debit | credit
    last4: Mapped[str]
    status: Mapped[str]  # active | frozen | lost
    expires: Mapped[str]  # YYYY-MM
    replaces_card_id: Mapped[str | None]
    issued_on: Mapped[str]


class Dispute(Base):
    __tablename__ = "disputes"

    id: Mapped[str] = mapped_column(primary_key=True)
    transaction_id: Mapped[str] = mapped_column(ForeignKey("transactions.id"), unique=True)
    amount_cents: Mapped[int]
    reason: Mapped[str]
    opened_on: Mapped[str]
    status: Mapped[str]  # open | resolved


class Security(Base):
    __tablename__ = "securities"

    symbol: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    kind: Mapped[str]  # stock | etf
    exchange: Mapped[str]
    price_cents: Mapped[int]
    previous_close_cents: Mapped[int]


class Holding(Base):
    __tablename__ = "holdings"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    symbol: Mapped[str] = mapped_column(ForeignKey("securities.symbol"), primary_key=True)
    quantity: Mapped[int]
    cost_basis_cents: Mapped[int]


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    symbol: Mapped[str] = mapped_column(ForeignKey("securities.symbol"))
    side: Mapped[str]  # buy | sell
    order_type: Mapped[str]  # market | limit
    quantity: Mapped[int]
    limit_price_cents: Mapped[int | None]
    status: Mapped[str]  # filled | open
    fill_price_cents: Mapped[int | None]
    placed_at: Mapped[str]
    filled_at: Mapped[str | None]
