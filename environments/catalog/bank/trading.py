"""The brokerage: order checks, fills and positions, on the ORM session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import views
from .ledger import post, require_funds
from .models import Account, Holding, Order, Security
from .rules import dollars, market_is_open, market_status, money


def shares_available(db: Session, account_id: str, symbol: str) -> tuple[int, int]:
    """(shares held, shares not already promised to open sell orders)."""
    holding = db.get(Holding, (account_id, symbol))
    held = holding.quantity if holding else 0
    promised = db.scalar(
        select(func.sum(Order.quantity))
        .where(Order.account_id == account_id, Order.symbol == symbol)
        .where(Order.side == "sell", Order.status == "open")
    )
    return held, held - int(promised or 0)


def check_order(db: Session, account: Account, security: Security, order: Order, now: datetime) -> None:
    limit = order.limit_price_cents
    if order.order_type == "market" and limit is not None:
        raise ToolError("A market order takes no limit price; leave limit_price out or use a limit order.")
    if order.order_type == "limit" and limit is None:
        raise ToolError("A limit order needs a limit_price: the most to pay, or the least to sell for.")
    if order.order_type == "market" and not market_is_open(now):
        raise ToolError(
            f"{market_status(now)} Market orders are only accepted while it is open; "
            "a limit order can be placed now."
        )
    if order.side == "sell":
        held, free = shares_available(db, account.id, security.symbol)
        if order.quantity > free:
            raise ToolError(
                f"Cannot sell {order.quantity} {security.symbol}: the account holds {held} share(s), "
                f"{free} not already in open sell orders."
            )
        return
    price = limit if limit is not None else security.price_cents
    require_funds(db, account, order.quantity * price)


def fills_now(security: Security, order: Order, now: datetime) -> bool:
    limit = order.limit_price_cents
    if not market_is_open(now):
        return False
    if limit is None:
        return True
    return limit >= security.price_cents if order.side == "buy" else limit <= security.price_cents


def execute(
    db: Session, txn_id: Callable[[], str], account: Account, security: Security, order: Order, now: datetime
) -> None:
    """Fill the order at the current price: shares, cost basis, cash and a trade transaction."""
    gross = order.quantity * security.price_cents
    holding = db.get(Holding, (account.id, security.symbol))
    if order.side == "buy":
        if holding is None:
            holding = Holding(account_id=account.id, symbol=security.symbol, quantity=0, cost_basis_cents=0)
            db.add(holding)
        holding.quantity += order.quantity
        holding.cost_basis_cents += gross
    else:
        assert holding is not None  # check_order made sure the shares are there
        holding.cost_basis_cents -= round(holding.cost_basis_cents * order.quantity / holding.quantity)
        holding.quantity -= order.quantity
        if holding.quantity == 0:
            db.delete(holding)
    verb = "Bought" if order.side == "buy" else "Sold"
    what = f"{verb} {order.quantity} {security.symbol} @ {money(security.price_cents)}"
    label = (what, "investment", "trade")
    post(db, txn_id(), account, now.date().isoformat(), label, -gross if order.side == "buy" else gross)
    order.status, order.fill_price_cents, order.filled_at = "filled", security.price_cents, now.isoformat()


def portfolio(db: Session, account: Account) -> dict[str, Any]:
    holdings = db.scalars(select(Holding).where(Holding.account_id == account.id).order_by(Holding.symbol))
    positions = [views.position(h, db.get_one(Security, h.symbol)) for h in holdings]
    opened = db.scalars(
        select(Order).where(Order.account_id == account.id, Order.status == "open").order_by(Order.id)
    )
    invested = sum(p["market_value"] for p in positions)
    return {
        "account_id": account.id,
        "cash": dollars(account.balance_cents),
        "positions": positions,
        "total_market_value": round(invested, 2),
        "total_value": round(invested + dollars(account.balance_cents), 2),
        "open_orders": [views.order(o) for o in opened],
    }
