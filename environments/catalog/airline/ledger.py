"""Money and seat movements: charges, refunds and seat counts, applied inside a tool's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from .models import FlightInstance, Payment, PaymentMethod, Reservation


class Ledger:
    def __init__(self, db: Session, now: datetime, new_id: Callable[[str, int], str]) -> None:
        self.db = db
        self.now = now
        self.new_id = new_id

    def charge(self, reservation: Reservation, method: PaymentMethod, kind: str, amount: int) -> None:
        """Record a charge (amount > 0) or refund (amount < 0) and move stored balances."""
        if amount == 0:
            return
        if method.kind == "certificate":
            method.status = "redeemed" if amount > 0 else "active"
            method.balance_cents = 0 if amount > 0 else -amount
        elif method.kind == "gift_card":
            method.balance_cents = (method.balance_cents or 0) - amount
        self.db.add(
            Payment(
                id=self.new_id("PAY", 8),
                reservation_id=reservation.id,
                method_id=method.id,
                kind=kind,
                amount_cents=amount,
                created_at=self.now.isoformat(timespec="seconds"),
            )
        )

    def refund_all(self, reservation: Reservation, payments: Sequence[Payment]) -> int:
        """Refund every method its net payment on the reservation; returns the total refunded."""
        net: dict[str, int] = defaultdict(int)
        for payment in payments:
            net[payment.method_id] += payment.amount_cents
        refunded = 0
        for method_id, amount in sorted(net.items()):
            if amount > 0:
                self.charge(reservation, self.db.get_one(PaymentMethod, method_id), "refund", -amount)
                refunded += amount
        return refunded

    @staticmethod
    def seats(instance: FlightInstance, cabin: str, change: int) -> None:
        """Take (change < 0) or give back (change > 0) seats on a flight that has not left."""
        if instance.status in ("available", "delayed"):
            column = f"seats_{cabin}"
            setattr(instance, column, getattr(instance, column) + change)
