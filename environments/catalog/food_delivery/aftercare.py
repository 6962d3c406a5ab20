"""The rules of cancelling and refunding: who gets what back, and when it is too late."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import lookups
from .models import Order, OrderItem, Refund
from .pricing import REFUND_WINDOW_HOURS

RATING_WINDOW_DAYS = 14


def cancellation_refunds(order: Order, fee: int) -> dict[str, int]:
    """How a cancelled order's money goes back: the fee is kept from the card part first, then
    from the wallet part; what is left returns the way it was paid."""
    card_paid = order.total_cents - order.wallet_applied_cents
    fee_from_card = min(fee, card_paid)
    return {
        "card": card_paid - fee_from_card,
        "wallet": order.wallet_applied_cents - (fee - fee_from_card),
    }


def check_refund_window(order: Order, now: datetime) -> None:
    delivered = datetime.fromisoformat(order.delivered_at or order.placed_at)
    if now - delivered > timedelta(hours=REFUND_WINDOW_HOURS):
        raise ToolError(
            f"Order {order.id} was delivered at {order.delivered_at}; missing or wrong items must be "
            f"reported within {REFUND_WINDOW_HOURS} hours of delivery."
        )


def refundable_lines(db: Session, order: Order, line_ids: Sequence[str]) -> list[OrderItem]:
    """The order's lines named, each one not refunded before."""
    if not line_ids:
        raise ToolError("Name at least one order line to refund.")
    lines = {li.id: li for li in lookups.lines(db, order.id)}
    out = []
    for line_id in dict.fromkeys(line_ids):
        line = lines.get(line_id)
        if line is None:
            raise ToolError(f"{line_id!r} is not a line of order {order.id}; its lines: {', '.join(lines)}.")
        done = db.scalar(select(Refund).where(Refund.order_item_id == line.id))
        if done is not None:
            raise ToolError(
                f"{line.name} ({line.id}) was already refunded on {done.created_at[:10]}; "
                "each item is refunded once."
            )
        out.append(line)
    return out


def refunded_cents(db: Session, order_id: str) -> int:
    stmt = select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(Refund.order_id == order_id)
    return int(db.scalar(stmt) or 0)


def check_can_rate(order: Order, now: datetime) -> None:
    if order.rating is not None:
        raise ToolError(f"Order {order.id} was already rated {order.rating} stars; a rating cannot change.")
    delivered = datetime.fromisoformat(order.delivered_at or order.placed_at)
    if now - delivered > timedelta(days=RATING_WINDOW_DAYS):
        raise ToolError(
            f"Order {order.id} was delivered on {delivered.date()}; "
            f"ratings close {RATING_WINDOW_DAYS} days after delivery."
        )
