"""Seed state of the TradingBot environment, in BFCL's `initial_config` shape, and the company
directory behind `get_symbol_by_name` and `get_available_stocks`.

The seed is Noor Haddad's brokerage account on a Monday morning with the market open: a funded
account, a watch list, a few weeks of deposits and withdrawals, and orders in every state.
Prices are invented. The directory also knows the tickers that BFCL's configs use.
"""

from __future__ import annotations

from typing import Any

# symbol -> (company name, sector, other names people use)
COMPANIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "AAPL": ("Apple Inc.", "Technology", ("Apple",)),
    "MSFT": ("Microsoft Corporation", "Technology", ("Microsoft",)),
    "GOOG": ("Alphabet Inc.", "Technology", ("Alphabet", "Google")),
    "NVDA": ("NVIDIA Corporation", "Technology", ("Nvidia",)),
    "META": ("Meta Platforms Inc.", "Technology", ("Meta", "Facebook")),
    "AMZN": ("Amazon.com Inc.", "Consumer", ("Amazon",)),
    "WMT": ("Walmart Inc.", "Consumer", ("Walmart",)),
    "KO": ("The Coca-Cola Company", "Consumer", ("Coca-Cola", "Coke")),
    "TSLA": ("Tesla Inc.", "Automobile", ("Tesla",)),
    "F": ("Ford Motor Company", "Automobile", ("Ford",)),
    "GM": ("General Motors Company", "Automobile", ("General Motors",)),
    "JPM": ("JPMorgan Chase & Co.", "Financial", ("JPMorgan", "JPMorgan Chase")),
    "GS": ("The Goldman Sachs Group Inc.", "Financial", ("Goldman Sachs",)),
    "PFE": ("Pfizer Inc.", "Healthcare", ("Pfizer",)),
    "JNJ": ("Johnson & Johnson", "Healthcare", ("J&J",)),
    "XOM": ("Exxon Mobil Corporation", "Energy", ("Exxon", "ExxonMobil")),
    "NFLX": ("Netflix Inc.", "Entertainment", ("Netflix",)),
    "DIS": ("The Walt Disney Company", "Entertainment", ("Disney", "Walt Disney")),
    "ALPH": ("Alpha Tech", "Technology", ()),
    "OMEG": ("Omega Industries", "Industrial", ()),
    "QUAS": ("Quasar Ltd.", "Technology", ("Quasar",)),
    "NEPT": ("Neptune Systems", "Technology", ()),
    "SYNX": ("Synex Solutions", "Technology", ("Synex",)),
    "ZETA": ("Zeta Corp", "Technology", ("Zeta",)),
}


def _stock(price: float, change: float, volume: float, ma5: float, ma20: float) -> dict[str, float]:
    return {"price": price, "percent_change": change, "volume": volume, "MA(5)": ma5, "MA(20)": ma20}


# The market when a config leaves `stocks` out. Volume is in millions of shares.
MARKET: dict[str, dict[str, float]] = {
    "AAPL": _stock(231.42, 0.84, 48.312, 229.87, 226.15),
    "MSFT": _stock(418.05, -0.37, 19.874, 419.62, 414.3),
    "GOOG": _stock(171.88, 1.52, 22.105, 169.4, 166.92),
    "NVDA": _stock(128.6, 3.41, 301.557, 123.95, 119.8),
    "META": _stock(512.3, -1.18, 12.448, 518.02, 505.66),
    "AMZN": _stock(186.74, 0.22, 35.609, 185.91, 183.07),
    "WMT": _stock(68.15, 0.05, 14.22, 68.02, 67.48),
    "KO": _stock(62.9, -0.41, 11.873, 63.11, 62.75),
    "TSLA": _stock(244.1, -4.27, 98.41, 254.66, 248.93),
    "F": _stock(11.36, 1.97, 52.04, 11.12, 10.98),
    "GM": _stock(47.82, 0.63, 9.315, 47.4, 46.81),
    "JPM": _stock(204.55, -0.12, 8.957, 205.01, 201.38),
    "GS": _stock(468.2, 0.91, 2.416, 464.75, 459.12),
    "PFE": _stock(28.73, -2.06, 31.552, 29.35, 29.8),
    "JNJ": _stock(158.44, 0.18, 6.209, 158.1, 157.65),
    "XOM": _stock(112.67, 1.34, 15.738, 111.2, 113.05),
    "NFLX": _stock(688.9, 2.75, 4.581, 671.3, 655.44),
    "DIS": _stock(97.35, -0.88, 10.664, 98.2, 99.01),
    "ALPH": _stock(1298.4, -0.55, 1.402, 1304.8, 1311.25),
    "SYNX": _stock(352.1, 1.06, 2.87, 349.5, 344.9),
}

ACCOUNT = {"account_id": 40192, "balance": 18250.75, "binding_card": 4539148803436467}

# (id, order_type, symbol, price, amount, status)
ORDERS: list[tuple[int, str, str, float, int, str]] = [
    (5001, "Buy", "AAPL", 219.5, 20, "Completed"),
    (5002, "Buy", "NVDA", 112.3, 50, "Completed"),
    (5003, "Sell", "NVDA", 126.0, 15, "Completed"),
    (5004, "Buy", "KO", 61.8, 40, "Cancelled"),
    (5005, "Buy", "MSFT", 410.0, 5, "Completed"),
    (5006, "Sell", "AAPL", 240.0, 10, "Open"),
    (5007, "Buy", "TSLA", 230.0, 12, "Open"),
    (5008, "Buy", "JNJ", 155.0, 8, "Pending"),
    (5009, "Sell", "PFE", 30.5, 100, "Open"),
    (5010, "Buy", "GOOG", 165.0, 25, "Completed"),
]

WATCH_LIST = ["TSLA", "NFLX", "XOM", "GS"]

TRANSACTIONS = [
    ("deposit", 10000.0, "2026-02-02 09:12:44"),
    ("deposit", 5000.0, "2026-02-09 18:30:02"),
    ("withdrawal", 750.0, "2026-02-13 12:01:37"),
    ("deposit", 2500.0, "2026-02-17 08:45:10"),
    ("withdrawal", 1200.0, "2026-02-20 16:22:59"),
    ("deposit", 3000.0, "2026-02-24 10:05:31"),
    ("withdrawal", 299.25, "2026-02-26 14:48:03"),
    ("deposit", 1000.0, "2026-02-27 09:00:00"),
]


def seed_config() -> dict[str, Any]:
    return {
        "orders": {
            str(i): {"id": i, "order_type": t, "symbol": s, "price": p, "amount": a, "status": st}
            for i, t, s, p, a, st in ORDERS
        },
        "account_info": dict(ACCOUNT),
        "authenticated": True,
        "market_status": "Open",
        "order_counter": ORDERS[-1][0] + 1,
        "stocks": MARKET,
        "watch_list": WATCH_LIST,
        "transaction_history": [{"type": k, "amount": a, "timestamp": ts} for k, a, ts in TRANSACTIONS],
    }
