"""Tables of the BFCL TradingBot environment. Own metadata, every table prefixed `tb_`, so they can
share one database with the other BFCL APIs. Fields a config left out are NULL and stay out of
the export; lists keep their order in a `position` column kept as 0..n-1."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class TradingBase(DeclarativeBase):
    pass


class TbAccount(TradingBase):
    """The trading account and the session around it (a single row, id 1)."""

    __tablename__ = "tb_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None]
    balance: Mapped[float | None]
    binding_card: Mapped[int | None]
    authenticated: Mapped[bool]
    market_status: Mapped[str]  # Open | Closed
    order_counter: Mapped[int]  # the id the next order gets


class TbStock(TradingBase):
    __tablename__ = "tb_stocks"

    symbol: Mapped[str] = mapped_column(primary_key=True)
    price: Mapped[float | None]
    percent_change: Mapped[float | None]
    volume: Mapped[float | None]  # millions of shares
    ma_5: Mapped[float | None]
    ma_20: Mapped[float | None]
    extra: Mapped[str | None]  # JSON object of keys the API does not use


class TbOrder(TradingBase):
    """An order, under its key in the config's `orders` object (the order id as a string)."""

    __tablename__ = "tb_orders"

    key: Mapped[str] = mapped_column(primary_key=True)
    id: Mapped[int | None]
    order_type: Mapped[str | None]  # Buy | Sell
    symbol: Mapped[str | None]
    price: Mapped[float | None]
    amount: Mapped[int | None]
    status: Mapped[str | None]  # Open | Pending | Completed | Cancelled
    extra: Mapped[str | None]


class TbWatch(TradingBase):
    __tablename__ = "tb_watchlist"

    position: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str]


class TbTransaction(TradingBase):
    __tablename__ = "tb_transactions"

    position: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str | None]  # deposit | withdrawal
    amount: Mapped[float | None]
    timestamp: Mapped[str | None]  # YYYY-MM-DD HH:MM:SS
    extra: Mapped[str | None]


class TbExtra(TradingBase):
    """Config entries the API does not model, kept verbatim (JSON): top-level keys (section ""),
    and entries of `orders` or `account_info` that are not orders or account fields."""

    __tablename__ = "tb_extras"

    section: Mapped[str] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
