"""Tables of the BFCL TicketAPI environment. Own metadata, every table prefixed `tk_`, so they can
share one database with the other BFCL APIs."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class TicketBase(DeclarativeBase):
    pass


class TkSystem(TicketBase):
    """Who is logged in and the next ticket id (a single row, id 1)."""

    __tablename__ = "tk_system"

    id: Mapped[int] = mapped_column(primary_key=True)
    current_user: Mapped[str | None]
    ticket_counter: Mapped[int]


class TkTicket(TicketBase):
    """A ticket of the queue. The queue's order is `position` (0..n-1); fields a config left out
    are NULL and stay out of the export."""

    __tablename__ = "tk_tickets"

    position: Mapped[int] = mapped_column(primary_key=True)
    id: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str | None]
    description: Mapped[str | None]
    status: Mapped[str | None]
    priority: Mapped[int | None]
    created_by: Mapped[str | None]
    resolution: Mapped[str | None]
    extra: Mapped[str | None]  # JSON object of keys the API does not use


class TkExtra(TicketBase):
    """Top-level config keys the API does not model, kept verbatim (JSON)."""

    __tablename__ = "tk_extras"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
