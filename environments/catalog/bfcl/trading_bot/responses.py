"""Response shapes of the TradingBot tools: exactly the fields BFCL's docs list for each."""

from __future__ import annotations

from typing import TypedDict

StockInfo = TypedDict(
    "StockInfo",
    {"price": float, "percent_change": float, "volume": float, "MA(5)": float, "MA(20)": float},
    total=False,
)


class Watchlist(TypedDict, total=False):
    watchlist: list[str]


class CancelResult(TypedDict, total=False):
    order_id: int
    status: str


class FilteredStocks(TypedDict, total=False):
    filtered_stocks: list[str]


class BalanceResult(TypedDict, total=False):
    status: str
    new_balance: float


class AccountInfo(TypedDict, total=False):
    account_id: int
    balance: float
    binding_card: int


class StockList(TypedDict, total=False):
    stock_list: list[str]


class CurrentTime(TypedDict, total=False):
    current_time: str


class OrderDetails(TypedDict, total=False):
    id: int
    order_type: str
    symbol: str
    price: float
    amount: int
    status: str


class OrderHistory(TypedDict, total=False):
    order_history: list[int]


class SymbolResult(TypedDict, total=False):
    symbol: str


class Transaction(TypedDict, total=False):
    type: str
    amount: float
    timestamp: str


class TransactionHistory(TypedDict, total=False):
    transaction_history: list[Transaction]


class Notification(TypedDict, total=False):
    notification: str


class PlacedOrder(TypedDict, total=False):
    order_id: int
    order_type: str
    status: str
    price: float
    amount: int


class StatusMessage(TypedDict, total=False):
    status: str


class LoginStatus(TypedDict, total=False):
    status: bool
