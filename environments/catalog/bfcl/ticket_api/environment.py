"""BFCL TicketAPI: a company's support ticket queue — log in, create, look up, edit, resolve and
close tickets.

`TicketApiTools` holds the tools (documented BFCL names) and is a plain mixin, so a combined BFCL
environment can host it next to the other APIs; `TicketApiEnv` is the stand-alone environment.
Its state is BFCL's `initial_config` shape (see `config.py` and the README for the choices).
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, insert, select

from envfactory.environments import Environment, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .config import FIELDS, config_from_tables, tables_from_config, ticket_dict
from .models import TicketBase, TkSystem, TkTicket

__all__ = ["TicketApiEnv", "TicketApiTools", "config_from_tables", "seed", "tables_from_config"]

OPEN, RESOLVED, CLOSED = "Open", "Resolved", "Closed"


class NewTicket(TypedDict, total=False):
    id: int
    title: str
    description: str
    status: str
    priority: int


class TicketDetails(TypedDict, total=False):
    id: int
    title: str
    description: str
    status: str
    priority: int
    created_by: str


class OperationStatus(TypedDict, total=False):
    status: str


class Success(TypedDict, total=False):
    success: bool


class LoginStatus(TypedDict, total=False):
    login_status: bool


class TicketUpdates(BaseModel):
    """Fields of a ticket to change; leave out what stays as it is. Other keys are accepted by the
    schema but refused by the tool with a message naming them (as BFCL does)."""

    model_config = ConfigDict(extra="allow")

    title: str | None = None
    description: str | None = None
    status: str | None = None
    priority: int | None = None


def seed(env: Environment) -> None:
    """Fill the `tk_` tables with the seed queue (see `data.py`)."""
    for table, rows in tables_from_config(data.seed_config()).items():
        if rows:
            env.db.execute(insert(TicketBase.metadata.tables[table]), rows)


class TicketApiTools:
    """The TicketAPI tools. Mix into an `Environment` whose metadata holds the `tk_` tables."""

    db: Any

    # ------------------------------------------------------------------ session
    @tool(write=True)
    def ticket_login(self, username: str, password: str) -> Success:
        """Log in to the ticket system (logging in as someone else replaces the current user).

        Args:
            username: who logs in.
            password: their password.

        Returns:
            success: true when logged in; false (and nothing changes) when either is empty.
        """
        if not username.strip() or not password:
            return {"success": False}
        self._tk_system().current_user = username.strip()
        return {"success": True}

    @tool()
    def ticket_get_login_status(self) -> LoginStatus:
        """Whether someone is logged in to the ticket system.

        Returns:
            login_status: true when a user is logged in.
        """
        return {"login_status": self._tk_system().current_user is not None}

    @tool(write=True)
    def logout(self) -> Success:
        """Log the current user out of the ticket system.

        Returns:
            success: true when someone was logged out, false when nobody was logged in.
        """
        system = self._tk_system()
        if system.current_user is None:
            return {"success": False}
        system.current_user = None
        return {"success": True}

    # ------------------------------------------------------------------ tickets
    @tool(write=True)
    def create_ticket(self, title: str, description: str = "", priority: int = 1) -> NewTicket:
        """Open a new ticket in the queue, created by the logged-in user.

        Args:
            title: a short summary of the problem.
            description: the details; empty by default.
            priority: 1 (lowest, the default) to 5 (highest).

        Returns:
            The new ticket: id, title, description, status ("Open") and priority.
        """
        system = self._tk_system()
        if system.current_user is None:
            raise ToolError("No user is logged in; log in before creating a ticket.")
        if not title.strip():
            raise ToolError("A ticket needs a title.")
        _tk_check_priority(priority)
        ticket_id = system.ticket_counter
        while self.db.scalar(select(TkTicket.id).where(TkTicket.id == ticket_id)) is not None:
            ticket_id += 1
        position = self.db.scalar(select(func.count()).select_from(TkTicket))
        ticket = TkTicket(
            position=position,
            id=ticket_id,
            title=title,
            description=description,
            status=OPEN,
            priority=priority,
            created_by=system.current_user,
            resolution=None,
            extra=None,
        )
        self.db.add(ticket)
        system.ticket_counter = ticket_id + 1
        return {
            "id": ticket_id,
            "title": title,
            "description": description,
            "status": OPEN,
            "priority": priority,
        }

    @tool()
    def get_ticket(self, ticket_id: int) -> TicketDetails:
        """Look up one ticket by its id.

        Args:
            ticket_id: the ticket's id.

        Returns:
            The ticket's id, title, description, status, priority and creator (fields it has).
        """
        return _tk_view(self._tk_ticket(ticket_id))

    @tool()
    def get_user_tickets(self, status: str = "None") -> TicketDetails:
        """The tickets the logged-in user created, in queue order, optionally only those with one
        status (compared case-insensitively).

        Args:
            status: only tickets with this status, e.g. "Open"; "None" (the default) for all.

        Returns:
            A list of tickets, each with id, title, description, status, priority and created_by.
        """
        user = self._tk_system().current_user
        if user is None:
            raise ToolError("No user is logged in; log in to see your tickets.")
        rows = self.db.scalars(
            select(TkTicket).where(TkTicket.created_by == user).order_by(TkTicket.position)
        )
        wanted = None if status == "None" else status.strip().lower()
        tickets = [_tk_view(t) for t in rows if wanted is None or (t.status or "").lower() == wanted]
        # The docs describe the fields of each ticket; BFCL returns the tickets as a list.
        return cast(TicketDetails, tickets)

    @tool(write=True)
    def edit_ticket(self, ticket_id: int, updates: TicketUpdates) -> OperationStatus:
        """Change a ticket's title, description, status or priority.

        Args:
            ticket_id: the ticket to change.
            updates: the fields to change (title, description, status, priority); at least one.

        Returns:
            status: a message saying the ticket was updated.
        """
        ticket = self._tk_ticket(ticket_id)
        if updates.model_extra:
            unknown = ", ".join(sorted(updates.model_extra))
            raise ToolError(
                f"Invalid fields for update: {unknown}. Allowed: title, description, status, priority."
            )
        changes = updates.model_dump(exclude_none=True)
        if not changes:
            raise ToolError("Say what to change: title, description, status or priority.")
        if "priority" in changes:
            _tk_check_priority(changes["priority"])
        if "title" in changes and not changes["title"].strip():
            raise ToolError("A ticket's title cannot be empty.")
        for field, value in changes.items():
            setattr(ticket, field, value)
        return {"status": f"Ticket {ticket_id} has been updated successfully."}

    @tool(write=True)
    def resolve_ticket(self, ticket_id: int, resolution: str) -> OperationStatus:
        """Mark a ticket resolved and record how it was solved. Closed or already resolved tickets
        cannot be resolved.

        Args:
            ticket_id: the ticket to resolve.
            resolution: what was done to solve it.

        Returns:
            status: a message saying the ticket was resolved.
        """
        ticket = self._tk_ticket(ticket_id)
        current = (ticket.status or "").lower()
        if current == CLOSED.lower():
            raise ToolError(f"Ticket {ticket_id} is closed; a closed ticket cannot be resolved.")
        if current == RESOLVED.lower():
            raise ToolError(f"Ticket {ticket_id} is already resolved.")
        if not resolution.strip():
            raise ToolError("Describe the resolution.")
        ticket.status = RESOLVED
        ticket.resolution = resolution
        return {"status": f"Ticket {ticket_id} has been resolved successfully."}

    @tool(write=True)
    def close_ticket(self, ticket_id: int) -> OperationStatus:
        """Close a ticket.

        Args:
            ticket_id: the ticket to close.

        Returns:
            status: a message saying the ticket was closed.
        """
        ticket = self._tk_ticket(ticket_id)
        if (ticket.status or "").lower() == CLOSED.lower():
            raise ToolError(f"Ticket {ticket_id} is already closed.")
        ticket.status = CLOSED
        return {"status": f"Ticket {ticket_id} has been closed successfully."}

    # ------------------------------------------------------------------ helpers
    def _tk_system(self) -> TkSystem:
        return self.db.get(TkSystem, 1)

    def _tk_ticket(self, ticket_id: int) -> TkTicket:
        ticket = self.db.scalar(select(TkTicket).where(TkTicket.id == ticket_id))
        if ticket is None:
            raise ToolError(f"Ticket with ID {ticket_id} not found.")
        return ticket


def _tk_check_priority(priority: int) -> None:
    if not 1 <= priority <= 5:
        raise ToolError(f"Invalid priority {priority}: priority must be between 1 and 5.")


def _tk_view(ticket: TkTicket) -> TicketDetails:
    row = {"id": ticket.id, "extra": None} | {f: getattr(ticket, f) for f in FIELDS}
    view = ticket_dict(row)
    return cast(TicketDetails, {k: v for k, v in view.items() if k in TicketDetails.__annotations__})


class TicketApiEnv(TicketApiTools, BfclApiEnv):
    name = "bfcl_ticket"
    description = (
        "BFCL's TicketAPI: a company support ticket queue where a logged-in user creates, edits, "
        "resolves and closes tickets; state in BFCL's initial_config shape."
    )
    metadata = TicketBase.metadata
    api = BfclApi("TicketAPI", seed, tables_from_config, config_from_tables)
