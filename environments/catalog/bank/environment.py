"""A retail bank with a small brokerage: customers, accounts, cards, payees, transfers,
disputes and stock orders.

Business rules: money moves only for identity-verified customers and only between open
accounts; savings never overdraw and checking only within its overdraft limit; bill payments
leave from checking within the customer's daily limit; card purchases can be disputed once and
within 60 days; lost cards are replaced, never reactivated; market orders need the market open.
The rules live in `rules.py`, `ledger.py` and `trading.py`; this module is the API.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Literal

from sqlalchemy import select

from envfactory.environments import Environment, ToolError, tool

from . import data, ledger, lookups, rules, trading, views
from .lookups import get
from .models import Account, Base, Card, Customer, Dispute, Order, Payee, ScheduledTransfer, Transaction

Category = Literal[
    "groceries",
    "dining",
    "transport",
    "shopping",
    "entertainment",
    "subscriptions",
    "health",
    "travel",
    "income",
    "bills",
    "transfer",
    "fees",
    "interest",
    "investment",
]
DisputeReason = Literal["unauthorized", "duplicate_charge", "not_received", "wrong_amount", "other"]


class BankEnv(Environment):
    name = "bank"
    domain = "finance"
    description = (
        "A retail bank and brokerage: customers, checking/savings/credit-card accounts, transactions, "
        "payees, scheduled transfers, cards, disputes, quotes and stock orders."
    )
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-03-04T10:30:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now()))

    # ------------------------------------------------------------------ customers and accounts
    @tool()
    def find_customer(
        self, email: str | None = None, phone: str | None = None, name: str | None = None
    ) -> list[dict]:
        """Find customers by email, phone number or full name (give at least one).

        Args:
            email: the customer's email address (exact, case-insensitive).
            phone: the customer's phone number; punctuation is ignored.
            name: the customer's first and last name, e.g. "Grace Kim".
        """
        if not (email or phone or name):
            raise ToolError("Give an email, a phone number or a full name to search by.")
        everyone = self.db.scalars(select(Customer).order_by(Customer.id))
        found = [c for c in everyone if lookups.customer_matches(c, email, phone, name)]
        if not found:
            raise ToolError("No customer matches; check the spelling or try another identifier.")
        return [views.customer(c) for c in found]

    @tool()
    def list_accounts(self, customer_id: str) -> list[dict]:
        """List a customer's accounts (open and closed) with balances. For credit cards the
        balance is `balance_owed`.

        Args:
            customer_id: the customer's id, e.g. CUS1004.
        """
        get(self.db, Customer, customer_id)
        stmt = select(Account).where(Account.customer_id == customer_id).order_by(Account.id)
        return [views.account(a) for a in self.db.scalars(stmt)]

    @tool()
    def get_balance(self, account_id: str) -> dict:
        """Get an account's balance and how much is available to spend or borrow now.

        Args:
            account_id: the account's id, e.g. ACC20013.
        """
        account = get(self.db, Account, account_id)
        out = views.account(account)
        if account.kind == "credit_card":
            out["available_credit"] = rules.dollars((account.credit_limit_cents or 0) - account.balance_cents)
        else:
            out["available"] = rules.dollars(max(ledger.spendable(self.db, account), 0))
        if account.kind == "brokerage":
            out["reserved_for_open_orders"] = rules.dollars(ledger.committed_to_buys(self.db, account.id))
        return out

    @tool(trace_ignore=("limit", "offset"))
    def search_transactions(
        self,
        account_id: str,
        start_date: date | None = None,
        end_date: date | None = None,
        category: Category | None = None,
        merchant: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> dict:
        """Search an account's transactions, newest first. Amounts are negative for money out
        (or, on a credit card, for purchases).

        Args:
            account_id: the account's id.
            start_date: earliest posting date, inclusive (YYYY-MM-DD).
            end_date: latest posting date, inclusive (YYYY-MM-DD).
            category: only this spending category.
            merchant: words the merchant or description contains (case-insensitive).
            limit: how many transactions to return (at most 200).
            offset: how many matching transactions to skip, for paging.
        """
        get(self.db, Account, account_id)
        if offset < 0:
            raise ToolError(f"offset must be 0 or more, got {offset}.")
        stmt = select(Transaction).where(Transaction.account_id == account_id)
        if start_date is not None:
            stmt = stmt.where(Transaction.posted_on >= start_date.isoformat())
        if end_date is not None:
            stmt = stmt.where(Transaction.posted_on <= end_date.isoformat())
        if category is not None:
            stmt = stmt.where(Transaction.category == category)
        if merchant:
            stmt = stmt.where(Transaction.merchant.icontains(merchant.strip()))
        rows = self.db.scalars(stmt.order_by(Transaction.posted_on.desc(), Transaction.id.desc())).all()
        page = rows[offset : offset + max(1, min(limit, 200))]
        return {
            "total_matching": len(rows),
            "sum_of_matching": rules.dollars(sum(t.amount_cents for t in rows)),
            "transactions": [views.transaction(t) for t in page],
        }

    # ------------------------------------------------------------------ moving money
    @tool(write=True)
    def transfer_funds(self, from_account_id: str, to_account_id: str, amount: float) -> dict:
        """Move money now between two of the same customer's own accounts (checking, savings,
        brokerage cash, or paying down their credit card).

        Args:
            from_account_id: the account the money leaves (not a credit card).
            to_account_id: the account the money goes to.
            amount: dollars, e.g. 250.00.
        """
        source, target = get(self.db, Account, from_account_id), get(self.db, Account, to_account_id)
        cents = rules.to_cents(amount)
        ledger.check_transfer_pair(source, target)
        ledger.require_verified(get(self.db, Customer, source.customer_id), "moving money")
        ledger.check_card_payment(target, cents)
        ledger.require_funds(self.db, source, cents)
        txn = ledger.transfer(self.db, self._txn_id, source, target, cents, self.today())
        return {
            "transaction_id": txn.id,
            "amount": rules.dollars(cents),
            "from": views.account(source),
            "to": views.account(target),
        }

    @tool()
    def list_payees(self, customer_id: str) -> list[dict]:
        """List the payees (billers and people) a customer can pay.

        Args:
            customer_id: the customer's id.
        """
        get(self.db, Customer, customer_id)
        stmt = select(Payee).where(Payee.customer_id == customer_id).order_by(Payee.id)
        return [views.payee(p) for p in self.db.scalars(stmt)]

    @tool(write=True)
    def add_payee(
        self, customer_id: str, name: str, account_number: str, kind: Literal["biller", "person"] = "biller"
    ) -> dict:
        """Add a payee so the customer can pay them.

        Args:
            customer_id: the customer's id.
            name: the payee's name as it should appear, e.g. "Pacific Gas & Electric".
            account_number: the payee's account number (digits only, 6 to 17 of them).
            kind: "biller" for a company bill, "person" for an individual.
        """
        ledger.require_verified(get(self.db, Customer, customer_id), "adding a payee")
        number, label = account_number.strip(), " ".join(name.split())
        if not (number.isdigit() and 6 <= len(number) <= 17):
            raise ToolError(f"Account number {account_number!r} is not valid; it must be 6 to 17 digits.")
        if not label:
            raise ToolError("The payee needs a name.")
        for known in self.db.scalars(select(Payee).where(Payee.customer_id == customer_id)):
            if known.account_number == number and known.name.lower() == label.lower():
                raise ToolError(f"{known.name} with that account number is already a payee ({known.id}).")
        payee = Payee(
            id=self.new_id("PAY", 6),
            customer_id=customer_id,
            name=label,
            kind=kind,
            account_number=number,
            added_on=self.today(),
        )
        self.db.add(payee)
        return views.payee(payee)

    @tool(write=True)
    def pay_payee(self, from_account_id: str, payee_id: str, amount: float) -> dict:
        """Pay one of the customer's payees now from a checking account.

        Args:
            from_account_id: the customer's checking account to pay from.
            payee_id: the payee's id, from list_payees.
            amount: dollars, e.g. 89.99.
        """
        source, payee = get(self.db, Account, from_account_id), get(self.db, Payee, payee_id)
        cents = rules.to_cents(amount)
        if payee.customer_id != source.customer_id:
            raise ToolError(f"Payee {payee_id} belongs to another customer; pay only the holder's payees.")
        if source.kind != "checking":
            kind = source.kind.replace("_", " ")
            raise ToolError(f"Bills are paid from checking accounts only; ••{source.number_last4} is {kind}.")
        ledger.require_open(source)
        customer = get(self.db, Customer, source.customer_id)
        ledger.require_verified(customer, "paying a payee")
        ledger.check_daily_limit(self.db, customer, cents, self.today())
        ledger.require_funds(self.db, source, cents)
        label = (payee.name, "bills", "bill_payment")
        txn = ledger.post(self.db, self._txn_id(), source, self.today(), label, -cents)
        return {"transaction": views.transaction(txn), "new_balance": rules.dollars(source.balance_cents)}

    @tool()
    def list_scheduled_transfers(self, customer_id: str) -> list[dict]:
        """List a customer's scheduled transfers, active and cancelled.

        Args:
            customer_id: the customer's id.
        """
        get(self.db, Customer, customer_id)
        stmt = select(ScheduledTransfer).where(ScheduledTransfer.customer_id == customer_id)
        return [views.scheduled(s) for s in self.db.scalars(stmt.order_by(ScheduledTransfer.id))]

    @tool(write=True)
    def schedule_transfer(
        self,
        from_account_id: str,
        to_account_id: str,
        amount: float,
        start_date: date,
        frequency: Literal["once", "weekly", "monthly"] = "once",
    ) -> dict:
        """Schedule a future transfer between the customer's own accounts, once or repeating.

        Args:
            from_account_id: the account the money leaves (not a credit card).
            to_account_id: the account the money goes to.
            amount: dollars per transfer.
            start_date: the first transfer date (YYYY-MM-DD), after today and within a year.
            frequency: once, weekly or monthly.
        """
        source, target = get(self.db, Account, from_account_id), get(self.db, Account, to_account_id)
        cents = rules.to_cents(amount)
        ledger.check_transfer_pair(source, target)
        ledger.require_verified(get(self.db, Customer, source.customer_id), "scheduling a transfer")
        rules.check_schedule_date(start_date, self.now().date())
        plan = ScheduledTransfer(
            id=self.new_id("SCH", 6),
            customer_id=source.customer_id,
            from_account_id=source.id,
            to_account_id=target.id,
            amount_cents=cents,
            frequency=frequency,
            next_date=start_date.isoformat(),
            status="active",
            created_on=self.today(),
        )
        self.db.add(plan)
        return views.scheduled(plan)

    @tool(write=True)
    def cancel_scheduled_transfer(self, transfer_id: str) -> dict:
        """Cancel an active scheduled transfer (all its future occurrences).

        Args:
            transfer_id: the scheduled transfer's id, from list_scheduled_transfers.
        """
        plan = get(self.db, ScheduledTransfer, transfer_id)
        if plan.status != "active":
            raise ToolError(f"Scheduled transfer {transfer_id} is already {plan.status}.")
        plan.status = "cancelled"
        return views.scheduled(plan)

    @tool(write=True)
    def dispute_transaction(self, transaction_id: str, reason: DisputeReason) -> dict:
        """Open a dispute on a card purchase posted within the last 60 days.

        Args:
            transaction_id: the transaction's id, from search_transactions.
            reason: unauthorized, duplicate_charge, not_received, wrong_amount or other.
        """
        txn = get(self.db, Transaction, transaction_id)
        if txn.kind != "card_purchase":
            kind = txn.kind.replace("_", " ")
            raise ToolError(f"Only card purchases can be disputed; {transaction_id} is a {kind}.")
        if txn.disputed:
            where = f"{txn.merchant}, {txn.posted_on}"
            raise ToolError(f"Transaction {transaction_id} ({where}) is already disputed.")
        rules.check_dispute_window(txn.posted_on, self.now().date())
        txn.disputed = True
        case = Dispute(
            id=self.new_id("DSP", 6),
            transaction_id=txn.id,
            amount_cents=-txn.amount_cents,
            reason=reason,
            opened_on=self.today(),
            status="open",
        )
        self.db.add(case)
        return views.dispute(case)

    # ------------------------------------------------------------------ cards
    @tool()
    def list_cards(self, customer_id: str) -> list[dict]:
        """List a customer's debit and credit cards with their status.

        Args:
            customer_id: the customer's id.
        """
        get(self.db, Customer, customer_id)
        stmt = select(Card).join(Account, Account.id == Card.account_id)
        stmt = stmt.where(Account.customer_id == customer_id).order_by(Card.id)
        return [views.card(c) for c in self.db.scalars(stmt)]

    @tool(write=True)
    def freeze_card(self, card_id: str) -> dict:
        """Freeze an active card temporarily: new purchases are declined until it is unfrozen.

        Args:
            card_id: the card's id, from list_cards.
        """
        card = get(self.db, Card, card_id)
        if card.status != "active":
            raise ToolError(f"Card ••{card.last4} is {card.status}; only an active card can be frozen.")
        card.status = "frozen"
        return views.card(card)

    @tool(write=True)
    def unfreeze_card(self, card_id: str) -> dict:
        """Unfreeze a frozen card so it works again.

        Args:
            card_id: the card's id, from list_cards.
        """
        card = get(self.db, Card, card_id)
        if card.status == "lost":
            raise ToolError(
                f"Card ••{card.last4} was reported lost and can never be reactivated; use its replacement."
            )
        if card.status != "frozen":
            raise ToolError(f"Card ••{card.last4} is {card.status}, not frozen; nothing to unfreeze.")
        card.status = "active"
        return views.card(card)

    @tool(write=True)
    def report_card_lost(self, card_id: str) -> dict:
        """Report a card lost or stolen: it is blocked for good and a replacement with a new
        number is issued on the same account.

        Args:
            card_id: the card's id, from list_cards.
        """
        card = get(self.db, Card, card_id)
        if card.status == "lost":
            raise ToolError(f"Card ••{card.last4} was already reported lost.")
        card.status = "lost"
        new = Card(
            id=self.new_id("CRD", 6),
            account_id=card.account_id,
            kind=card.kind,
            status="active",
            last4=_fresh_last4(self.rng, set(self.db.scalars(select(Card.last4)))),
            expires=rules.card_expiry(self.now().date()),
            replaces_card_id=card.id,
            issued_on=self.today(),
        )
        self.db.add(new)
        return {"lost_card": views.card(card), "replacement": views.card(new)}

    # ------------------------------------------------------------------ brokerage
    @tool()
    def get_quote(self, symbol: str) -> dict:
        """Get a security's price on the session date and whether the market is open.

        Args:
            symbol: the ticker symbol, e.g. AAPL or VOO.
        """
        return views.quote(lookups.security(self.db, symbol), rules.market_is_open(self.now()), self.today())

    @tool()
    def list_holdings(self, account_id: str) -> dict:
        """List a brokerage account's positions at market value, its cash and its open orders.

        Args:
            account_id: the brokerage account's id.
        """
        return trading.portfolio(self.db, lookups.brokerage(self.db, account_id))

    @tool(write=True)
    def place_order(
        self,
        account_id: str,
        symbol: str,
        side: Literal["buy", "sell"],
        quantity: int,
        order_type: Literal["market", "limit"] = "market",
        limit_price: float | None = None,
    ) -> dict:
        """Place a buy or sell order for whole shares. Market orders fill at the current price
        and need the market open; limit orders fill now when the price allows (market open),
        otherwise they stay open.

        Args:
            account_id: the brokerage account's id.
            symbol: the ticker symbol.
            side: buy or sell.
            quantity: number of whole shares, at least 1.
            order_type: market or limit.
            limit_price: for limit orders, the highest price to buy at or the lowest to sell at, in dollars.
        """
        account, security = lookups.brokerage(self.db, account_id), lookups.security(self.db, symbol)
        if quantity < 1:
            raise ToolError(f"Quantity must be at least 1 whole share, got {quantity}.")
        ledger.require_open(account)
        ledger.require_verified(get(self.db, Customer, account.customer_id), "trading")
        now = self.now()
        order = Order(
            id=self.new_id("ORD", 8),
            account_id=account.id,
            symbol=security.symbol,
            side=side,
            order_type=order_type,
            quantity=quantity,
            status="open",
            fill_price_cents=None,
            limit_price_cents=rules.to_cents(limit_price, "limit price") if limit_price is not None else None,
            placed_at=now.isoformat(),
            filled_at=None,
        )
        trading.check_order(self.db, account, security, order, now)
        self.db.add(order)
        if trading.fills_now(security, order, now):
            trading.execute(self.db, self._txn_id, account, security, order, now)
        return {"order": views.order(order), "cash_after": rules.dollars(account.balance_cents)}

    def _txn_id(self) -> str:
        return self.new_id("TXN", 8)


def _fresh_last4(rng: random.Random, taken: set[str]) -> str:
    while (last4 := f"{rng.randint(0, 9999):04d}") in taken:
        pass
    return last4
