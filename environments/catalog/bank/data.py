"""Seed data: a few dozen customers with their accounts, cards, payees, four months of
transactions, standing transfers and brokerage positions, all drawn from the seed RNG and dated
relative to the session clock."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import count

from .models import (
    Account,
    Base,
    Card,
    Customer,
    Dispute,
    Holding,
    Order,
    Payee,
    ScheduledTransfer,
    Security,
    Transaction,
)
from .reference import (
    ACCOUNT_NAMES,
    BILLERS,
    CITIES,
    EMAIL_DOMAINS,
    EMPLOYERS,
    FIRST_NAMES,
    LAST_NAMES,
    SECURITIES,
    SPENDING,
)

CUSTOMERS = 28
HISTORY_DAYS = 120
CREDIT_LIMITS = (3000, 5000, 8000, 12000, 20000)
SUBSCRIPTION_PRICES = (9.99, 15.49, 22.99, 54.99)
DISPUTE_REASONS = ("duplicate_charge", "not_received", "unauthorized")


def cents(dollars: float) -> int:
    return round(dollars * 100)


@dataclass
class SeedBuilder:
    rng: random.Random
    now: datetime
    rows: list[Base] = field(default_factory=list)
    _ids: dict[str, count] = field(default_factory=dict)
    _last4: set[str] = field(default_factory=set)

    @property
    def today(self) -> date:
        return self.now.date()

    def next_id(self, prefix: str, start: int) -> str:
        return f"{prefix}{next(self._ids.setdefault(prefix, count(start)))}"

    def last4(self) -> str:
        while (value := f"{self.rng.randint(0, 9999):04d}") in self._last4:
            pass
        self._last4.add(value)
        return value

    def day(self, back_from: int, back_to: int = 0) -> str:
        return (self.today - timedelta(days=self.rng.randint(back_to, back_from))).isoformat()

    def add(self, *rows: Base) -> None:
        self.rows.extend(rows)


def seed(rng: random.Random, now: datetime) -> list[Base]:
    builder = SeedBuilder(rng, now)
    prices = _securities(builder)
    people = rng.sample([(f, ln) for f in FIRST_NAMES for ln in LAST_NAMES], CUSTOMERS)
    for first, last in people:
        _customer(builder, first, last, prices)
    return builder.rows


def _securities(b: SeedBuilder) -> dict[str, int]:
    prices = {}
    for symbol, (name, kind, exchange, price) in SECURITIES.items():
        previous = cents(price * (1 + b.rng.uniform(-0.03, 0.03)))
        prices[symbol] = cents(price)
        b.add(
            Security(
                symbol=symbol,
                name=name,
                kind=kind,
                exchange=exchange,
                price_cents=cents(price),
                previous_close_cents=previous,
            )
        )
    return prices


def _customer(b: SeedBuilder, first: str, last: str, prices: dict[str, int]) -> None:
    rng = b.rng
    city, state, area = rng.choice(CITIES)
    customer = Customer(
        id=b.next_id("CUS", 1001),
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower()}@{rng.choice(EMAIL_DOMAINS)}",
        phone=f"+1-{area}-555-{rng.randint(100, 9999):04d}",
        date_of_birth=date(rng.randint(1952, 2003), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        city=city,
        state=state,
        kyc_status=rng.choices(("verified", "pending", "rejected"), (85, 10, 5))[0],
        daily_payment_limit_cents=cents(rng.choice((2500, 5000, 5000, 10000))),
        joined_on=b.day(3650, 400),
    )
    b.add(customer)
    checking = _account(b, customer, "checking")
    payees = _payees(b, customer)
    _checking_history(b, checking, payees)
    if rng.random() < 0.8:
        savings = _account(b, customer, "savings")
        _savings_history(b, checking, savings)
    if rng.random() < 0.65:
        card = _account(b, customer, "credit_card")
        _card_history(b, checking, card)
    if rng.random() < 0.5:
        _brokerage(b, customer, prices)
    if rng.random() < 0.12:
        _account(b, customer, "savings", status="closed")


def _account(b: SeedBuilder, customer: Customer, kind: str, status: str = "open") -> Account:
    rng = b.rng
    balance = {
        "checking": (150, 9000),
        "savings": (400, 48000),
        "credit_card": (0, 3800),
        "brokerage": (50, 15000),
    }[kind]
    account = Account(
        id=b.next_id("ACC", 20001),
        customer_id=customer.id,
        kind=kind,
        name=rng.choice(ACCOUNT_NAMES[kind]),
        number_last4=b.last4(),
        balance_cents=0 if status == "closed" else cents(rng.uniform(*balance)),
        credit_limit_cents=cents(rng.choice(CREDIT_LIMITS)) if kind == "credit_card" else None,
        overdraft_limit_cents=cents(rng.choice((0, 0, 250, 500))) if kind == "checking" else 0,
        apy={"savings": rng.choice((3.8, 4.1, 4.25)), "checking": 0.01}.get(kind, 0.0),
        status=status,
        opened_on=max(customer.joined_on, b.day(3000, 200)),
    )
    b.add(account)
    if kind in ("checking", "credit_card") and status == "open":
        _cards(b, account)
    return account


def _cards(b: SeedBuilder, account: Account) -> None:
    rng = b.rng
    kind = "debit" if account.kind == "checking" else "credit"
    status = rng.choices(("active", "frozen", "lost"), (86, 9, 5))[0]
    expires = f"{b.today.year + rng.randint(1, 4)}-{rng.randint(1, 12):02d}"
    card = Card(
        id=b.next_id("CRD", 50001),
        account_id=account.id,
        kind=kind,
        last4=b.last4(),
        status=status,
        expires=expires,
        replaces_card_id=None,
        issued_on=b.day(1200, 150),
    )
    b.add(card)
    if status == "lost":
        b.add(
            Card(
                id=b.next_id("CRD", 50001),
                account_id=account.id,
                kind=kind,
                last4=b.last4(),
                status="active",
                expires=f"{b.today.year + 4}-{b.today.month:02d}",
                replaces_card_id=card.id,
                issued_on=b.day(40, 5),
            )
        )


def _payees(b: SeedBuilder, customer: Customer) -> list[Payee]:
    rng = b.rng
    billers = rng.sample(sorted(BILLERS), rng.randint(2, 4))
    payees = [
        Payee(
            id=b.next_id("PAY", 3001),
            customer_id=customer.id,
            name=name,
            kind="biller",
            account_number=str(rng.randint(10**7, 10**10)),
            added_on=b.day(900, 130),
        )
        for name in billers
    ]
    if rng.random() < 0.5:
        friend = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        payees.append(
            Payee(
                id=b.next_id("PAY", 3001),
                customer_id=customer.id,
                name=friend,
                kind="person",
                account_number=str(rng.randint(10**8, 10**11)),
                added_on=b.day(600, 20),
            )
        )
    b.add(*payees)
    return payees


def _txn(
    b: SeedBuilder, account: Account, posted: date, merchant: str, category: str, kind: str, amount: int
) -> Transaction:
    txn = Transaction(
        id=b.next_id("TXN", 100001),
        account_id=account.id,
        posted_on=posted.isoformat(),
        merchant=merchant,
        category=category,
        kind=kind,
        amount_cents=amount,
        disputed=False,
    )
    b.add(txn)
    return txn


def _month_starts(b: SeedBuilder) -> list[date]:
    start = b.today - timedelta(days=HISTORY_DAYS)
    months, first = [], date(start.year, start.month, 1)
    while first <= b.today:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def _in_history(b: SeedBuilder, day: date) -> bool:
    return b.today - timedelta(days=HISTORY_DAYS) <= day < b.today


def _purchases(b: SeedBuilder, account: Account, per_month: int) -> None:
    rng = b.rng
    for _ in range(per_month * HISTORY_DAYS // 30):
        category = rng.choices(list(SPENDING), (30, 22, 14, 14, 6, 6, 5, 3))[0]
        merchants, low, high = SPENDING[category]
        price = rng.uniform(low, high) if category != "subscriptions" else rng.choice(SUBSCRIPTION_PRICES)
        amount = cents(round(price, 2))
        posted = b.today - timedelta(days=rng.randint(1, HISTORY_DAYS))
        txn = _txn(b, account, posted, rng.choice(merchants), category, "card_purchase", -amount)
        if rng.random() < 0.025:
            txn.disputed = True
            reason = rng.choice(DISPUTE_REASONS)
            opened = min(b.today, posted + timedelta(days=rng.randint(2, 12)))
            b.add(
                Dispute(
                    id=b.next_id("DSP", 7001),
                    transaction_id=txn.id,
                    amount_cents=amount,
                    reason=reason,
                    opened_on=opened.isoformat(),
                    status=rng.choice(("open", "open", "resolved")),
                )
            )


def _checking_history(b: SeedBuilder, checking: Account, payees: list[Payee]) -> None:
    rng = b.rng
    employer, pay = rng.choice(EMPLOYERS), cents(rng.uniform(1400, 4200))
    for first in _month_starts(b):
        for day in (first, first + timedelta(days=14)):
            if _in_history(b, day):
                _txn(b, checking, day, f"Payroll - {employer}", "income", "deposit", pay)
        for payee in payees:
            day = first + timedelta(days=rng.randint(2, 20))
            if payee.kind == "biller" and _in_history(b, day) and payee.added_on < day.isoformat():
                bill = cents(BILLERS[payee.name] * rng.uniform(0.85, 1.15))
                _txn(b, checking, day, payee.name, "bills", "bill_payment", -bill)
    _purchases(b, checking, 5)
    if rng.random() < 0.2:
        _txn(b, checking, b.today - timedelta(days=rng.randint(3, 60)), "Overdraft fee", "fees", "fee", -3500)


def _savings_history(b: SeedBuilder, checking: Account, savings: Account) -> None:
    rng = b.rng
    monthly = cents(rng.choice((100, 200, 250, 500, 750)))
    for first in _month_starts(b):
        interest = cents(savings.balance_cents / 100 * savings.apy / 100 / 12)
        if _in_history(b, first):
            _txn(b, savings, first, "Interest paid", "interest", "interest", interest)
        day = first + timedelta(days=2)
        if _in_history(b, day):
            _transfer(b, checking, savings, day, monthly, "Transfer")
    if rng.random() < 0.55:
        next_date = date(b.today.year + b.today.month // 12, b.today.month % 12 + 1, 3)
        b.add(
            ScheduledTransfer(
                id=b.next_id("SCH", 4001),
                customer_id=checking.customer_id,
                from_account_id=checking.id,
                to_account_id=savings.id,
                amount_cents=monthly,
                frequency="monthly",
                next_date=next_date.isoformat(),
                status=rng.choice(("active", "active", "active", "cancelled")),
                created_on=b.day(400, 130),
            )
        )


def _card_history(b: SeedBuilder, checking: Account, card: Account) -> None:
    _purchases(b, card, 6)
    for first in _month_starts(b):
        day = first + timedelta(days=24)
        if _in_history(b, day):
            amount = cents(b.rng.uniform(200, 1500))
            _transfer(b, checking, card, day, amount, "Payment")


def _transfer(b: SeedBuilder, source: Account, target: Account, day: date, amount: int, verb: str) -> None:
    _txn(b, source, day, f"{verb} to {target.name} ••{target.number_last4}", "transfer", "transfer", -amount)
    _txn(b, target, day, f"{verb} from {source.name} ••{source.number_last4}", "transfer", "transfer", amount)


def _brokerage(b: SeedBuilder, customer: Customer, prices: dict[str, int]) -> None:
    rng = b.rng
    account = _account(b, customer, "brokerage")
    for symbol in rng.sample(sorted(prices), rng.randint(2, 6)):
        quantity = rng.choice((1, 2, 5, 8, 10, 12, 15, 20, 25, 40, 50, 100))
        cost = round(prices[symbol] * rng.uniform(0.65, 1.15))
        b.add(
            Holding(account_id=account.id, symbol=symbol, quantity=quantity, cost_basis_cents=cost * quantity)
        )
        bought = datetime.combine(date.fromisoformat(b.day(700, 30)), time(rng.randint(10, 15))).isoformat()
        b.add(
            Order(
                id=b.next_id("ORD", 60001),
                account_id=account.id,
                symbol=symbol,
                side="buy",
                order_type="market",
                quantity=quantity,
                limit_price_cents=None,
                status="filled",
                fill_price_cents=cost,
                placed_at=bought,
                filled_at=bought,
            )
        )
        if rng.random() < 0.15:
            _open_order(b, account, symbol, "sell", max(1, quantity // 2), round(prices[symbol] * 1.12, -2))
    if rng.random() < 0.3:
        symbol = rng.choice(sorted(prices))
        _open_order(b, account, symbol, "buy", rng.randint(1, 10), round(prices[symbol] * 0.9, -2))


def _open_order(
    b: SeedBuilder, account: Account, symbol: str, side: str, quantity: int, limit: float
) -> None:
    placed = (b.now - timedelta(days=b.rng.randint(1, 6))).replace(hour=11, minute=b.rng.randint(0, 59))
    b.add(
        Order(
            id=b.next_id("ORD", 60001),
            account_id=account.id,
            symbol=symbol,
            side=side,
            order_type="limit",
            quantity=quantity,
            limit_price_cents=int(limit),
            status="open",
            fill_price_cents=None,
            placed_at=placed.isoformat(),
            filled_at=None,
        )
    )
