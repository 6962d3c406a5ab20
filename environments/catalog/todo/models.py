"""Tables of the to-do environment."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class TodoList(Base):
    __tablename__ = "lists"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[str] = mapped_column(primary_key=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("lists.id"))
    title: Mapped[str]
    due_date: Mapped[str | None]
    priority: Mapped[str]
    done: Mapped[bool] = mapped_column(default=False)
    completed_on: Mapped[str | None]
