"""The reference environment: personal to-do lists. Small on purpose; copy its shape.

Business rules: items are added only to lists that exist, due dates cannot be in the past,
a finished item cannot be finished again or rescheduled.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import func, select

from envfactory.environments import Environment, ToolError, tool

from . import data
from .models import Base, Item, TodoList

Priority = Literal["low", "normal", "high"]


class TodoEnv(Environment):
    name = "todo"
    domain = "reference"
    description = "Personal to-do lists: find, add, finish and reschedule items."
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-03-02T09:00:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now().date()))

    @tool()
    def list_lists(self) -> list[dict]:
        """List the to-do lists with how many open items each has."""
        open_items = func.count(Item.id).filter(Item.done.is_(False))
        rows = self.db.execute(
            select(TodoList.name, open_items).outerjoin(Item).group_by(TodoList.id).order_by(TodoList.name)
        )
        return [{"name": name, "open_items": count} for name, count in rows]

    @tool()
    def find_items(
        self, query: str = "", list_name: str | None = None, include_done: bool = False
    ) -> list[dict]:
        """Find items whose title contains the query (case-insensitive).

        Args:
            query: words to look for in the title; empty matches every item.
            list_name: only items of this list.
            include_done: also return finished items.
        """
        stmt = select(Item).order_by(Item.id)
        if query:
            # instr() on lower(): a plain substring test, unlike LIKE with its % and _ wildcards.
            stmt = stmt.where(func.instr(func.lower(Item.title), query.lower()) > 0)
        if list_name is not None:
            stmt = stmt.where(Item.list_id == self._list(list_name).id)
        if not include_done:
            stmt = stmt.where(Item.done.is_(False))
        return [_item(i) for i in self.db.scalars(stmt)]

    @tool()
    def get_item(self, item_id: str) -> dict:
        """Get one item.

        Args:
            item_id: the item's id, e.g. T105.
        """
        return _item(self._item(item_id))

    @tool(write=True)
    def add_item(
        self, list_name: str, title: str, due_date: date | None = None, priority: Priority = "normal"
    ) -> dict:
        """Add an item to a list.

        Args:
            list_name: name of an existing list, e.g. Home.
            title: what needs doing.
            due_date: when it is due (YYYY-MM-DD); not in the past.
            priority: low, normal or high.
        """
        lst = self._list(list_name)
        self._check_future(due_date)
        item = Item(
            id=self.new_id("T", 4),
            list_id=lst.id,
            title=title.strip(),
            due_date=due_date.isoformat() if due_date else None,
            priority=priority,
            done=False,
        )
        self.db.add(item)
        return _item(item)

    @tool(write=True)
    def complete_item(self, item_id: str) -> dict:
        """Mark an item as done today.

        Args:
            item_id: the item's id.
        """
        item = self._item(item_id)
        if item.done:
            raise ToolError(f"Item {item_id} was already completed on {item.completed_on}.")
        item.done = True
        item.completed_on = self.today()
        return _item(item)

    @tool(write=True)
    def reschedule_item(self, item_id: str, due_date: date) -> dict:
        """Move an open item to a new due date.

        Args:
            item_id: the item's id.
            due_date: the new due date (YYYY-MM-DD); not in the past.
        """
        item = self._item(item_id)
        if item.done:
            raise ToolError(f"Item {item_id} is already done; finished items cannot be rescheduled.")
        self._check_future(due_date)
        item.due_date = due_date.isoformat()
        return _item(item)

    def _list(self, name: str) -> TodoList:
        lst = self.db.scalar(select(TodoList).where(TodoList.name.ilike(name)))
        if lst is None:
            names = ", ".join(self.db.scalars(select(TodoList.name).order_by(TodoList.name)))
            raise ToolError(f"No list named {name!r}. Lists: {names}.")
        return lst

    def _item(self, item_id: str) -> Item:
        item = self.db.get(Item, item_id)
        if item is None:
            raise ToolError(f"No item with id {item_id!r}.")
        return item

    def _check_future(self, due: date | None) -> None:
        if due is not None and due < self.now().date():
            raise ToolError(f"Due date {due.isoformat()} is in the past (today is {self.today()}).")


def _item(item: Item) -> dict:
    return {
        "id": item.id,
        "list_id": item.list_id,
        "title": item.title,
        "due_date": item.due_date,
        "priority": item.priority,
        "done": item.done,
        "completed_on": item.completed_on,
    }
