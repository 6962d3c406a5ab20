"""What the tools return: rows rendered for the agent, money in dollars."""

from __future__ import annotations

from typing import Any

from .models import (
    Account,
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
from .rules import dollars


def customer(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": f"{c.first_name} {c.last_name}",
        "email": c.email,
        "phone": c.phone,
        "date_of_birth": c.date_of_birth,
        "city": f"{c.city}, {c.state}",
        "kyc_status": c.kyc_status,
        "daily_payment_limit": dollars(c.daily_payment_limit_cents),
    }


def account(a: Account) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "kind": a.kind,
        "name": a.name,
        "last4": a.number_last4,
        "status": a.status,
        "balance": dollars(a.balance_cents),
    }
    if a.kind == "credit_card":
        out["balance_owed"] = out.pop("balance")
        out["credit_limit"] = dollars(a.credit_limit_cents or 0)
    elif a.kind == "checking":
        out["overdraft_limit"] = dollars(a.overdraft_limit_cents)
    elif a.kind == "savings":
        out["apy_percent"] = a.apy
    return out


def transaction(t: Transaction) -> dict[str, Any]:
    return {
        "id": t.id,
        "account_id": t.account_id,
        "date": t.posted_on,
        "merchant": t.merchant,
        "category": t.category,
        "kind": t.kind,
        "amount": dollars(t.amount_cents),
        "disputed": t.disputed,
    }


def payee(p: Payee) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "account_ending": p.account_number[-4:],
        "added_on": p.added_on,
    }


def scheduled(s: ScheduledTransfer) -> dict[str, Any]:
    return {
        "id": s.id,
        "from_account_id": s.from_account_id,
        "to_account_id": s.to_account_id,
        "amount": dollars(s.amount_cents),
        "frequency": s.frequency,
        "next_date": s.next_date,
        "status": s.status,
    }


def card(c: Card) -> dict[str, Any]:
    return {
        "id": c.id,
        "account_id": c.account_id,
        "kind": c.kind,
        "last4": c.last4,
        "status": c.status,
        "expires": c.expires,
        "replaces_card_id": c.replaces_card_id,
    }


def dispute(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.id,
        "transaction_id": d.transaction_id,
        "amount": dollars(d.amount_cents),
        "reason": d.reason,
        "opened_on": d.opened_on,
        "status": d.status,
    }


def quote(s: Security, market_open: bool, as_of: str) -> dict[str, Any]:
    change = s.price_cents - s.previous_close_cents
    return {
        "symbol": s.symbol,
        "name": s.name,
        "kind": s.kind,
        "exchange": s.exchange,
        "price": dollars(s.price_cents),
        "previous_close": dollars(s.previous_close_cents),
        "change": dollars(change),
        "change_percent": round(100 * change / s.previous_close_cents, 2),
        "as_of": as_of,
        "market_open": market_open,
    }


def position(h: Holding, s: Security) -> dict[str, Any]:
    value = h.quantity * s.price_cents
    return {
        "symbol": h.symbol,
        "name": s.name,
        "quantity": h.quantity,
        "price": dollars(s.price_cents),
        "market_value": dollars(value),
        "cost_basis": dollars(h.cost_basis_cents),
        "unrealized_gain": dollars(value - h.cost_basis_cents),
    }


def order(o: Order) -> dict[str, Any]:
    return {
        "id": o.id,
        "account_id": o.account_id,
        "symbol": o.symbol,
        "side": o.side,
        "order_type": o.order_type,
        "quantity": o.quantity,
        "limit_price": dollars(o.limit_price_cents) if o.limit_price_cents is not None else None,
        "status": o.status,
        "fill_price": dollars(o.fill_price_cents) if o.fill_price_cents is not None else None,
        "placed_at": o.placed_at,
    }
