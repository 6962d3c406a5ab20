"""An environment whose tools misbehave on purpose, to test the process and docker hosts:
they loop forever, exit the process, segfault, allocate far too much, or open a socket."""

from __future__ import annotations

import ctypes
import os
import socket

from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from envfactory.environments import Environment, tool


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    text: Mapped[str]


class UnrulyEnv(Environment):
    name = "unruly"
    domain = "test"
    description = "Tools that hang, crash, hog memory or dial out."
    metadata = Base.metadata

    @tool(write=True)
    def add_note(self, text: str) -> int:
        """Store a note.

        Args:
            text: the note.
        """
        self.db.add(Note(text=text))
        return len(self.db.scalars(select(Note.id)).all())

    @tool()
    def notes(self) -> list[str]:
        """Every note, oldest first."""
        return list(self.db.scalars(select(Note.text).order_by(Note.id)))

    @tool(write=True)
    def spin(self) -> None:
        """Loop forever (after writing a note nobody should ever see)."""
        self.db.add(Note(text="spinning"))
        self.db.flush()
        while True:
            pass

    @tool()
    def exit_process(self) -> None:
        """Exit the process with status 3."""
        os._exit(3)

    @tool()
    def segfault(self) -> None:
        """Read address 0."""
        ctypes.string_at(0)

    @tool()
    def hog(self, gib: int) -> int:
        """Allocate this many GiB.

        Args:
            gib: how much.
        """
        return len(bytearray(gib << 30))

    @tool()
    def dial(self, port: int) -> str:
        """Open a TCP connection to 127.0.0.1.

        Args:
            port: where.
        """
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return "connected"
