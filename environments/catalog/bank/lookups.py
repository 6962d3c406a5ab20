"""Fetching rows by id for the tools, with a ToolError that tells the agent where ids come from."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError, did_you_mean

from .models import Account, Base, Card, Customer, Payee, ScheduledTransfer, Security, Transaction

Row = TypeVar("Row", bound=Base)

_WHERE_FROM = {
    Customer: ("customer", "use find_customer to look them up"),
    Account: ("account", "use list_accounts to see a customer's accounts"),
    Payee: ("payee", "use list_payees to see a customer's payees"),
    Card: ("card", "use list_cards to see a customer's cards"),
    Transaction: ("transaction", "use search_transactions to find it"),
    ScheduledTransfer: ("scheduled transfer", "use list_scheduled_transfers to see them"),
}


def get(db: Session, model: type[Row], key: str) -> Row:
    row = db.get(model, key)
    if row is None:
        what, hint = _WHERE_FROM[model]
        raise ToolError(f"No {what} with id {key!r}; {hint}.")
    return row


def brokerage(db: Session, account_id: str) -> Account:
    account = get(db, Account, account_id)
    if account.kind != "brokerage":
        kind = account.kind.replace("_", " ")
        raise ToolError(f"Account {account_id} is a {kind} account, not a brokerage account.")
    return account


def security(db: Session, symbol: str) -> Security:
    found = db.get(Security, symbol.strip().upper())
    if found is None:
        known = db.scalars(select(Security.symbol)).all()
        raise ToolError(f"Unknown symbol {symbol!r}.{did_you_mean(symbol.strip().upper(), known)}")
    return found


def customer_matches(c: Customer, email: str | None, phone: str | None, name: str | None) -> bool:
    if email and c.email.lower() != email.strip().lower():
        return False
    if phone and _digits(c.phone)[-10:] != _digits(phone)[-10:]:
        return False
    return not name or f"{c.first_name} {c.last_name}".lower() == " ".join(name.lower().split())


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
