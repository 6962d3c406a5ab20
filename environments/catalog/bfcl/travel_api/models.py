"""Tables of the BFCL TravelAPI environment. Own metadata, every table prefixed `tr_`, so they can
share one database with the other BFCL APIs. Fields a config left out are NULL and stay out of
the export; `extra` columns keep fields the API does not use (JSON)."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class TravelBase(DeclarativeBase):
    pass


class TrAccount(TravelBase):
    """The traveller's session and settings (a single row, id 1)."""

    __tablename__ = "tr_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    access_token: Mapped[str | None]
    token_type: Mapped[str | None]
    token_expires_in: Mapped[int | None]
    token_scope: Mapped[str | None]
    user_first_name: Mapped[str | None]
    user_last_name: Mapped[str | None]
    budget_limit: Mapped[float | None]


class TrCard(TravelBase):
    """A registered credit card; `balance` is the credit still available on it (USD)."""

    __tablename__ = "tr_cards"

    card_id: Mapped[str] = mapped_column(primary_key=True)
    card_number: Mapped[str | None]
    expiration_date: Mapped[str | None]
    cardholder_name: Mapped[str | None]
    card_verification_number: Mapped[int | None]
    balance: Mapped[float]
    extra: Mapped[str | None]


class TrBooking(TravelBase):
    """A booked flight."""

    __tablename__ = "tr_bookings"

    booking_id: Mapped[str] = mapped_column(primary_key=True)
    card_id: Mapped[str | None]
    travel_date: Mapped[str | None]
    travel_from: Mapped[str | None]
    travel_to: Mapped[str | None]
    travel_class: Mapped[str | None]
    travel_cost: Mapped[float | None]
    transaction_id: Mapped[str | None]
    extra: Mapped[str | None]


class TrInsurance(TravelBase):
    """A travel insurance policy bought for a booking."""

    __tablename__ = "tr_insurance"

    insurance_id: Mapped[str] = mapped_column(primary_key=True)
    booking_id: Mapped[str]
    insurance_type: Mapped[str]
    insurance_cost: Mapped[float]
    card_id: Mapped[str]


class TrExtra(TravelBase):
    """Top-level config keys the API does not model, kept verbatim (JSON)."""

    __tablename__ = "tr_extras"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
