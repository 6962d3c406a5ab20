"""Money movement on the ORM session: what an account can spend, posting transactions, and the
ownership, status and limit checks that transfers and payments share."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from .models import Account, Customer, Order, Transaction
from .rules import money


def require_verified(customer: Customer, action: str) -> None:
    if customer.kyc_status != "verified":
        state = "is still pending" if customer.kyc_status == "pending" else f"was {customer.kyc_status}"
        raise ToolError(
            f"{customer.first_name} {customer.last_name}'s identity verification {state}; "
            f"{action} is only possible for verified customers. Ask them to complete verification "
            "in a branch or in the app."
        )


def require_open(account: Account) -> None:
    if account.status != "open":
        raise ToolError(
            f"Account ••{account.number_last4} ({account.name}) is {account.status}; "
            "it cannot send or receive money."
        )


def committed_to_buys(db: Session, account_id: str) -> int:
    """Cash reserved by open limit buy orders of a brokerage account."""
    total = db.scalar(
        select(func.sum(Order.quantity * Order.limit_price_cents)).where(
            Order.account_id == account_id, Order.side == "buy", Order.status == "open"
        )
    )
    return int(total or 0)


def spendable(db: Session, account: Account) -> int:
    """How much may leave the account now: savings never overdraw, checking may use its
    overdraft limit, brokerage cash excludes what open buy orders reserve."""
    if account.kind == "checking":
        return account.balance_cents + account.overdraft_limit_cents
    if account.kind == "brokerage":
        return account.balance_cents - committed_to_buys(db, account.id)
    return account.balance_cents


def require_funds(db: Session, account: Account, amount: int) -> None:
    available = spendable(db, account)
    if amount <= available:
        return
    why = {
        "checking": f" (balance {money(account.balance_cents)} plus overdraft limit "
        f"{money(account.overdraft_limit_cents)})",
        "savings": " (savings accounts cannot be overdrawn)",
        "brokerage": " (cash not reserved by open buy orders)",
    }.get(account.kind, "")
    raise ToolError(
        f"Insufficient funds in ••{account.number_last4} ({account.name}): {money(amount)} requested, "
        f"{money(max(available, 0))} available{why}."
    )


def check_daily_limit(db: Session, customer: Customer, amount: int, today: str) -> None:
    used = db.scalar(
        select(func.sum(-Transaction.amount_cents))
        .join(Account, Account.id == Transaction.account_id)
        .where(Account.customer_id == customer.id, Transaction.kind == "bill_payment")
        .where(Transaction.posted_on == today)
    )
    used, limit = int(used or 0), customer.daily_payment_limit_cents
    if used + amount > limit:
        raise ToolError(
            f"{money(amount)} would exceed the daily bill-payment limit of {money(limit)} "
            f"({money(used)} already paid today, {money(max(limit - used, 0))} left)."
        )


def post(
    db: Session, txn_id: str, account: Account, today: str, label: tuple[str, str, str], amount: int
) -> Transaction:
    """Record a transaction and move the balance. `label` is (merchant, category, kind);
    `amount` is signed from the customer's side: on a credit card a payment (positive) lowers
    what is owed."""
    merchant, category, kind = label
    account.balance_cents += -amount if account.kind == "credit_card" else amount
    txn = Transaction(
        id=txn_id,
        account_id=account.id,
        posted_on=today,
        merchant=merchant,
        category=category,
        kind=kind,
        amount_cents=amount,
        disputed=False,
    )
    db.add(txn)
    return txn


def transfer(
    db: Session, new_id: Callable[[], str], source: Account, target: Account, amount: int, today: str
) -> Transaction:
    """Post both legs of a transfer; returns the incoming one."""
    out = (f"Transfer to {target.name} ••{target.number_last4}", "transfer", "transfer")
    post(db, new_id(), source, today, out, -amount)
    into = (f"Transfer from {source.name} ••{source.number_last4}", "transfer", "transfer")
    return post(db, new_id(), target, today, into, amount)


def check_transfer_pair(source: Account, target: Account) -> None:
    """Transfers move money between two open accounts of the same customer, never out of a card."""
    if source.id == target.id:
        raise ToolError("The source and destination are the same account; choose two different accounts.")
    if source.customer_id != target.customer_id:
        raise ToolError(
            f"Account ••{target.number_last4} belongs to another customer; transfers are only between a "
            "customer's own accounts. To send money to someone else, add them as a payee and pay them."
        )
    if source.kind == "credit_card":
        raise ToolError(
            f"••{source.number_last4} is a credit card; money cannot be transferred out of a credit card "
            "(cash advances are not offered). Use a checking, savings or brokerage account."
        )
    require_open(source)
    require_open(target)


def check_card_payment(target: Account, amount: int) -> None:
    if target.kind != "credit_card":
        return
    owed = target.balance_cents
    if owed <= 0:
        raise ToolError(f"The credit card ••{target.number_last4} has no balance owed; nothing to pay.")
    if amount > owed:
        raise ToolError(
            f"{money(amount)} is more than the {money(owed)} owed on ••{target.number_last4}; "
            f"pay at most {money(owed)}."
        )
