"""BFCL TradingBot: a brokerage account — market data, a watch list, orders, deposits and
withdrawals.

`TradingBotTools` holds the tools (documented BFCL names) and is a plain mixin, so a combined BFCL
environment can host it next to the other APIs; `TradingBotEnv` is the stand-alone environment.
Its state is BFCL's `initial_config` shape (see `config.py` and the README for the choices).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import delete, func, insert, select

from envfactory.environments import Environment, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .config import ACCOUNT_FIELDS, STOCK_FIELDS, config_from_tables, order_id, tables_from_config
from .models import TbAccount, TbOrder, TbStock, TbTransaction, TbWatch, TradingBase
from .responses import (
    AccountInfo,
    BalanceResult,
    CancelResult,
    CurrentTime,
    FilteredStocks,
    LoginStatus,
    Notification,
    OrderDetails,
    OrderHistory,
    PlacedOrder,
    StatusMessage,
    StockInfo,
    StockList,
    SymbolResult,
    Transaction,
    TransactionHistory,
    Watchlist,
)

__all__ = ["TradingBotEnv", "TradingBotTools", "config_from_tables", "seed", "tables_from_config"]


def seed(env: Environment) -> None:
    """Fill the `tb_` tables with the seed account and market (see `data.py`)."""
    for table, rows in tables_from_config(data.seed_config()).items():
        if rows:
            env.db.execute(insert(TradingBase.metadata.tables[table]), rows)


class TradingBotTools:
    """The TradingBot tools. Mix into an `Environment` whose metadata holds the `tb_` tables."""

    db: Any
    now: Callable[[], datetime]

    # ------------------------------------------------------------------ session
    @tool(write=True)
    def trading_login(self, username: str, password: str) -> StatusMessage:
        """Log in to the trading account.

        Args:
            username: the account's username.
            password: the account's password.

        Returns:
            status: "Logged in successfully", or "Already logged in" (nothing changes).
        """
        if not username.strip() or not password:
            raise ToolError("Give both a username and a password to log in.")
        account = self._tb_account()
        if account.authenticated:
            return {"status": "Already logged in"}
        account.authenticated = True
        return {"status": "Logged in successfully"}

    @tool(write=True)
    def trading_logout(self) -> StatusMessage:
        """Log out of the trading account.

        Returns:
            status: "Logged out successfully", or "No user is currently logged in".
        """
        account = self._tb_account()
        if not account.authenticated:
            return {"status": "No user is currently logged in"}
        account.authenticated = False
        return {"status": "Logged out successfully"}

    @tool()
    def trading_get_login_status(self) -> LoginStatus:
        """Whether the trading account is logged in.

        Returns:
            status: true when logged in.
        """
        return {"status": bool(self._tb_account().authenticated)}

    @tool()
    def get_current_time(self) -> CurrentTime:
        """The current time of day.

        Returns:
            current_time, like "10:30 AM".
        """
        return {"current_time": self.now().strftime("%I:%M %p")}

    # ------------------------------------------------------------------ market data
    @tool()
    def get_stock_info(self, symbol: str) -> StockInfo:
        """Price, daily change, volume and moving averages of one stock.

        Args:
            symbol: the ticker, e.g. "AAPL".

        Returns:
            price, percent_change, volume (millions of shares), MA(5) and MA(20).
        """
        stock = self._tb_stock(symbol)
        info = {name: getattr(stock, col) for name, (col, _) in STOCK_FIELDS.items()}
        return cast(StockInfo, {k: v for k, v in info.items() if v is not None})

    @tool()
    def get_symbol_by_name(self, name: str) -> SymbolResult:
        """The ticker of a company traded in this market, by its name (e.g. "Apple" or "Tesla Inc.").

        Args:
            name: the company's name.

        Returns:
            symbol: the ticker, or "Stock not found".
        """
        wanted = _tb_company_key(name)
        listed = set(self.db.scalars(select(TbStock.symbol)))
        for symbol, (company, _, aliases) in data.COMPANIES.items():
            if symbol in listed and wanted in {_tb_company_key(n) for n in (company, *aliases)}:
                return {"symbol": symbol}
        return {"symbol": "Stock not found"}

    @tool()
    def get_available_stocks(self, sector: str) -> StockList:
        """The tickers of one sector that are traded in this market.

        Args:
            sector: the sector, e.g. "Technology", "Automobile", "Healthcare", "Financial", "Energy",
                "Consumer", "Entertainment" or "Industrial".

        Returns:
            stock_list, the sector's tickers in alphabetical order.
        """
        sectors = sorted({s for _, s, _ in data.COMPANIES.values()})
        match = next((s for s in sectors if s.lower() == sector.strip().lower()), None)
        if match is None:
            raise ToolError(f"Unknown sector {sector!r}. Sectors: {', '.join(sectors)}.")
        listed = set(self.db.scalars(select(TbStock.symbol)))
        return {
            "stock_list": sorted(
                sym for sym, (_, s, _) in data.COMPANIES.items() if s == match and sym in listed
            )
        }

    @tool()
    def filter_stocks_by_price(self, stocks: list[str], min_price: float, max_price: float) -> FilteredStocks:
        """Keep the stocks whose current price lies within a range (both ends included).

        Args:
            stocks: the tickers to filter.
            min_price: the lowest price to keep.
            max_price: the highest price to keep.

        Returns:
            filtered_stocks, in the order given.
        """
        if min_price > max_price:
            raise ToolError(f"The minimum price {min_price} is above the maximum {max_price}.")
        prices = {s: self._tb_stock(s).price for s in stocks}
        return {
            "filtered_stocks": [s for s, p in prices.items() if p is not None and min_price <= p <= max_price]
        }

    @tool()
    def notify_price_change(self, stocks: list[str], threshold: float) -> Notification:
        """Say which of the stocks moved by at least a percentage today, up or down.

        Args:
            stocks: the tickers to check.
            threshold: the percentage change (absolute) that counts as significant, e.g. 2.5.

        Returns:
            notification, a message naming each significant mover and its change.
        """
        if threshold < 0:
            raise ToolError("The threshold is a size of change and cannot be negative.")
        movers = []
        for symbol in dict.fromkeys(stocks):
            change = self._tb_stock(symbol).percent_change or 0.0
            if abs(change) >= threshold:
                movers.append(f"{symbol} ({change:+.2f}%)")
        if not movers:
            message = f"No significant price changes (at least {threshold:g}%) in the selected stocks."
            return {"notification": message}
        return {"notification": f"Significant price changes: {', '.join(movers)}."}

    # ------------------------------------------------------------------ watch list
    @tool()
    def get_watchlist(self) -> Watchlist:
        """The stocks on the account's watch list.

        Returns:
            watchlist, tickers in the order they were added.
        """
        self._tb_require_login()
        return {"watchlist": self._tb_watchlist()}

    @tool(write=True)
    def add_to_watchlist(self, stock: str) -> Watchlist:
        """Put a stock on the watch list (a stock already there stays once).

        Args:
            stock: the ticker to watch.

        Returns:
            watchlist, the whole list afterwards.
        """
        self._tb_require_login()
        symbol = self._tb_stock(stock).symbol
        watch = self._tb_watchlist()
        if symbol not in watch:
            self.db.add(TbWatch(position=len(watch), symbol=symbol))
            watch.append(symbol)
        return {"watchlist": watch}

    @tool(write=True)
    def remove_stock_from_watchlist(self, symbol: str) -> StatusMessage:
        """Take a stock off the watch list.

        Args:
            symbol: the ticker to remove.

        Returns:
            status, a message saying it was removed.
        """
        self._tb_require_login()
        watch = self._tb_watchlist()
        ticker = symbol.strip().upper()
        if ticker not in watch:
            raise ToolError(f"{ticker} is not on your watch list.")
        watch.remove(ticker)
        self.db.execute(delete(TbWatch))
        if watch:
            self.db.execute(insert(TbWatch), [{"position": i, "symbol": s} for i, s in enumerate(watch)])
        return {"status": f"Stock {ticker} removed from watchlist successfully."}

    # ------------------------------------------------------------------ orders
    @tool(write=True)
    def place_order(self, order_type: str, symbol: str, price: float, amount: int) -> PlacedOrder:
        """Place a limit order to buy or sell shares. While the market is open the order is "Open";
        while it is closed the order waits as "Pending". Orders do not move money themselves.

        Args:
            order_type: "Buy" or "Sell".
            symbol: the ticker to trade.
            price: the limit price per share.
            amount: how many shares.

        Returns:
            order_id, order_type, status, price and amount of the new order.
        """
        account = self._tb_require_login()
        kind = order_type.strip().capitalize()
        if kind not in ("Buy", "Sell"):
            raise ToolError(f"Order type must be Buy or Sell, not {order_type!r}.")
        stock = self._tb_stock(symbol)
        if price <= 0 or amount <= 0:
            raise ToolError("Price and amount must be positive.")
        new_id = account.order_counter
        while self.db.get(TbOrder, str(new_id)) is not None:
            new_id += 1
        status = "Open" if account.market_status.lower() == "open" else "Pending"
        self.db.add(
            TbOrder(
                key=str(new_id),
                id=new_id,
                order_type=kind,
                symbol=stock.symbol,
                price=price,
                amount=amount,
                status=status,
                extra=None,
            )
        )
        account.order_counter = new_id + 1
        return {"order_id": new_id, "order_type": kind, "status": status, "price": price, "amount": amount}

    @tool()
    def get_order_details(self, order_id: int) -> OrderDetails:
        """One order: type, stock, price, number of shares and status.

        Args:
            order_id: the order's id.

        Returns:
            id, order_type, symbol, price, amount and status (Open, Pending, Completed or Cancelled).
        """
        self._tb_require_login()
        order = self._tb_order(order_id)
        details = {
            "id": order_id,
            "order_type": order.order_type,
            "symbol": order.symbol,
            "price": order.price,
            "amount": order.amount if order.amount is not None else _tb_extra(order).get("num_shares"),
            "status": order.status,
        }
        return cast(OrderDetails, {k: v for k, v in details.items() if v is not None})

    @tool(write=True)
    def cancel_order(self, order_id: int) -> CancelResult:
        """Cancel an order that has not been filled yet (Open or Pending).

        Args:
            order_id: the order to cancel.

        Returns:
            order_id and its new status, "Cancelled".
        """
        self._tb_require_login()
        order = self._tb_order(order_id)
        if (order.status or "").lower() in ("completed", "cancelled"):
            raise ToolError(f"Order {order_id} is already {order.status.lower()} and cannot be cancelled.")
        order.status = "Cancelled"
        return {"order_id": order_id, "status": "Cancelled"}

    @tool()
    def get_order_history(self) -> OrderHistory:
        """The ids of all the account's orders, oldest first.

        Returns:
            order_history, a list of order ids.
        """
        self._tb_require_login()
        rows = self.db.execute(select(TbOrder.key, TbOrder.id)).mappings()
        return {"order_history": sorted(i for i in map(order_id, rows) if i is not None)}

    # ------------------------------------------------------------------ money
    @tool()
    def get_account_info(self) -> AccountInfo:
        """The account's id, cash balance and the card bound to it.

        Returns:
            account_id, balance and binding_card.
        """
        account = self._tb_require_login()
        info = {name: getattr(account, col) for name, (col, _) in ACCOUNT_FIELDS.items()}
        return cast(AccountInfo, {k: v for k, v in info.items() if v is not None})

    @tool(write=True)
    def fund_account(self, amount: float) -> BalanceResult:
        """Add money to the account's cash balance from the bound card.

        Args:
            amount: how much to deposit; more than 0.

        Returns:
            status and new_balance.
        """
        account = self._tb_require_login()
        if amount <= 0:
            raise ToolError("The deposit amount must be greater than 0.")
        account.balance = round((account.balance or 0.0) + amount, 2)
        self._tb_record("deposit", amount)
        return {"status": "Account funded successfully", "new_balance": account.balance}

    @tool(write=True)
    def withdraw_funds(self, amount: float) -> BalanceResult:
        """Take money out of the account's cash balance to the bound card.

        Args:
            amount: how much to withdraw; more than 0 and at most the balance.

        Returns:
            status and new_balance.
        """
        account = self._tb_require_login()
        if amount <= 0:
            raise ToolError("The withdrawal amount must be greater than 0.")
        balance = account.balance or 0.0
        if amount > balance + 1e-9:
            raise ToolError(f"Insufficient funds: the balance is {balance:.2f}.")
        account.balance = round(balance - amount, 2)
        self._tb_record("withdrawal", amount)
        return {"status": "Withdrawal successful", "new_balance": account.balance}

    @tool()
    def get_transaction_history(self, start_date: str = "None", end_date: str = "None") -> TransactionHistory:
        """Deposits and withdrawals, oldest first, optionally within a date range (both ends included).

        Args:
            start_date: the first day (YYYY-MM-DD); "None" (the default) for no lower bound.
            end_date: the last day (YYYY-MM-DD); "None" (the default) for no upper bound.

        Returns:
            transaction_history, each with type, amount and timestamp.
        """
        self._tb_require_login()
        start, end = _tb_date(start_date), _tb_date(end_date)
        if start and end and start > end:
            raise ToolError(f"The start date {start} is after the end date {end}.")
        rows = self.db.scalars(select(TbTransaction).order_by(TbTransaction.position))
        history = []
        for row in rows:
            day = (row.timestamp or "")[:10]
            if (start and day < start) or (end and day > end):
                continue
            item = {"type": row.type, "amount": row.amount, "timestamp": row.timestamp}
            history.append(cast(Transaction, {k: v for k, v in item.items() if v is not None}))
        return {"transaction_history": history}

    # ------------------------------------------------------------------ helpers
    def _tb_account(self) -> TbAccount:
        return self.db.get(TbAccount, 1)

    def _tb_require_login(self) -> TbAccount:
        account = self._tb_account()
        if not account.authenticated:
            raise ToolError("You are not logged in to the trading account; log in first.")
        return account

    def _tb_stock(self, symbol: str) -> TbStock:
        stock = self.db.get(TbStock, symbol.strip().upper())
        if stock is None:
            raise ToolError(f"Stock with symbol {symbol!r} not found.")
        return stock

    def _tb_order(self, order_id: int) -> TbOrder:
        order = self.db.get(TbOrder, str(order_id))
        if order is None:
            order = self.db.scalar(select(TbOrder).where(TbOrder.id == order_id))
        if order is None:
            raise ToolError(f"Order with ID {order_id} not found.")
        return order

    def _tb_watchlist(self) -> list[str]:
        return list(self.db.scalars(select(TbWatch.symbol).order_by(TbWatch.position)))

    def _tb_record(self, kind: str, amount: float) -> None:
        position = self.db.scalar(select(func.count()).select_from(TbTransaction))
        stamp = self.now().strftime("%Y-%m-%d %H:%M:%S")
        self.db.add(TbTransaction(position=position, type=kind, amount=amount, timestamp=stamp, extra=None))


def _tb_company_key(name: str) -> str:
    words = re.sub(r"[^\w&\s-]", " ", name.lower()).split()
    while len(words) > 1 and words[-1] in {
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "plc",
        "group",
    }:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def _tb_date(value: str) -> str | None:
    if value == "None":
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ToolError(f"Invalid date {value!r}; use YYYY-MM-DD.") from None


def _tb_extra(order: TbOrder) -> dict[str, Any]:
    return json.loads(order.extra) if order.extra else {}


class TradingBotEnv(TradingBotTools, BfclApiEnv):
    name = "bfcl_trading"
    description = (
        "BFCL's TradingBot: a brokerage account with market data, a watch list, buy and sell orders, "
        "deposits and withdrawals; state in BFCL's initial_config shape."
    )
    metadata = TradingBase.metadata
    api = BfclApi("TradingBot", seed, tables_from_config, config_from_tables)
    clock_start = "2026-03-02T10:30:00"
