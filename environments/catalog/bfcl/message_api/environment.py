"""BFCL's MessageAPI: a workspace directory of users and a message log, used by whoever is
logged in.

The log is BFCL's `inbox`: a list of entries `{receiver_id: [text, ...]}` in the order they were
sent. BFCL's config names no sender, so the log is the workspace's outbox: it is what
`view_messages_sent` shows. Messaging needs a logged-in user; the directory (list_users,
get_user_id, add_contact) does not. See README.md for every choice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict

from sqlalchemy import delete, func, insert, select, update

from envfactory.environments import Environment, StateError, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .models import MsgBase, MsgGeneratedId, MsgInboxEntry, MsgSettings, MsgUser

_USERS = MsgUser.__table__
_INBOX = MsgInboxEntry.__table__
_IDS = MsgGeneratedId.__table__
_SETTINGS = MsgSettings.__table__
CONFIG_KEYS = ("generated_ids", "user_count", "user_map", "inbox", "message_count", "current_user")
MESSAGE_IDS = (10000, 99999)


class AddContactResult(TypedDict, total=False):
    added_status: bool
    user_id: str
    message: str


class DeleteResult(TypedDict, total=False):
    deleted_status: bool
    receiver_id: str
    message: str


class MessageStats(TypedDict):
    received_count: int
    total_contacts: int


class StatsResult(TypedDict, total=False):
    stats: MessageStats


class UserIdResult(TypedDict, total=False):
    user_id: str


class UserList(TypedDict, total=False):
    user_list: list[str]


class LoginStatus(TypedDict, total=False):
    login_status: bool


class LoginResult(TypedDict, total=False):
    login_status: bool
    message: str


class SearchHit(TypedDict):
    receiver_id: str
    message: str


class SearchResult(TypedDict, total=False):
    results: list[SearchHit]


class SendResult(TypedDict, total=False):
    sent_status: bool
    message_id: int
    message: str


class SentMessages(TypedDict, total=False):
    messages: dict[str, list[str]]


class MessageApiTools:
    """The Message API's tools; mixed into an `Environment` (see `MessageApiEnv`)."""

    # ----------------------------------------------------------------- directory
    @tool()
    def list_users(self) -> UserList:
        """List the names of everyone in the workspace, in the order they joined."""
        names = self.db.execute(select(_USERS.c.user_name).order_by(_USERS.c.user_id)).scalars()
        return {"user_list": list(names)}

    @tool()
    def get_user_id(self, user: str) -> UserIdResult:
        """Look up a user's ID (like USR003) from their user name.

        Args:
            user: the user name, e.g. "Sofia" (case does not matter).
        """
        return {"user_id": self._msg_user_id(user)}

    @tool(write=True)
    def add_contact(self, user_name: str) -> AddContactResult:
        """Add a new person to the workspace; they get the next free user ID.

        Args:
            user_name: the new contact's user name.
        """
        name = user_name.strip()
        if not name:
            raise ToolError("The contact's user name cannot be empty.")
        existing = self._msg_find_user(name)
        if existing is not None:
            return {
                "added_status": False,
                "user_id": existing[1],
                "message": f"User '{existing[0]}' already exists with ID {existing[1]}.",
            }
        settings = self._msg_settings()
        taken = set(self.db.execute(select(_USERS.c.user_id)).scalars())
        number = settings.user_count + 1
        while f"USR{number:03d}" in taken:
            number += 1
        user_id = f"USR{number:03d}"
        self.db.execute(insert(_USERS).values(user_name=name, user_id=user_id))
        self.db.execute(
            update(_SETTINGS).where(_SETTINGS.c.id == 1).values(user_count=settings.user_count + 1)
        )
        return {
            "added_status": True,
            "user_id": user_id,
            "message": f"Contact '{name}' added with ID {user_id}.",
        }

    # ----------------------------------------------------------------- logging in
    @tool()
    def message_get_login_status(self) -> LoginStatus:
        """Whether a user is currently logged in to the messaging app."""
        return {"login_status": self._msg_settings().current_user is not None}

    @tool(write=True)
    def message_login(self, user_id: str) -> LoginResult:
        """Log in to the messaging app as the user with this ID (switching from anyone logged in before).

        Args:
            user_id: the ID of the user to log in as, e.g. USR002.
        """
        name = self.db.execute(select(_USERS.c.user_name).where(_USERS.c.user_id == user_id)).scalar()
        if name is None:
            return {"login_status": False, "message": f"User ID '{user_id}' not found."}
        if self._msg_settings().current_user == user_id:
            return {"login_status": True, "message": f"{name} ({user_id}) is already logged in."}
        self.db.execute(update(_SETTINGS).where(_SETTINGS.c.id == 1).values(current_user=user_id))
        return {"login_status": True, "message": f"Logged in as {name} ({user_id})."}

    # ----------------------------------------------------------------- messages
    @tool(write=True)
    def send_message(self, receiver_id: str, message: str) -> SendResult:
        """Send a text message to a user of the workspace.

        Args:
            receiver_id: the receiver's user ID, e.g. USR004.
            message: the text to send.
        """
        settings = self._msg_require_login()
        if not self.db.execute(select(_USERS.c.user_id).where(_USERS.c.user_id == receiver_id)).first():
            return {"sent_status": False, "message": f"Receiver ID '{receiver_id}' not found."}
        if not message.strip():
            return {"sent_status": False, "message": "The message is empty; nothing was sent."}
        used = set(self.db.execute(select(_IDS.c.id)).scalars())
        message_id = self.rng.randint(*MESSAGE_IDS)
        while message_id in used:
            message_id = self.rng.randint(*MESSAGE_IDS)
        entry = self.db.execute(select(func.coalesce(func.max(_INBOX.c.entry), -1))).scalar_one() + 1
        self.db.execute(
            insert(_INBOX).values(entry=entry, receiver_id=receiver_id, messages=_dump([message]))
        )
        self.db.execute(insert(_IDS).values(id=message_id))
        self.db.execute(
            update(_SETTINGS).where(_SETTINGS.c.id == 1).values(message_count=settings.message_count + 1)
        )
        return {"sent_status": True, "message_id": message_id, "message": f"Message sent to '{receiver_id}'."}

    @tool(write=True)
    def delete_message(self, receiver_id: str) -> DeleteResult:
        """Delete the most recent message sent to a user.

        Args:
            receiver_id: the user ID whose latest received message is deleted.
        """
        self._msg_require_login()
        rows = self.db.execute(
            select(_INBOX).where(_INBOX.c.receiver_id == receiver_id).order_by(_INBOX.c.entry.desc())
        )
        row = next((r for r in rows if _texts(json.loads(r.messages))), None)
        if row is None:
            return {
                "deleted_status": False,
                "receiver_id": receiver_id,
                "message": f"No message to '{receiver_id}' found.",
            }
        texts = _texts(json.loads(row.messages))[:-1]
        where = (_INBOX.c.entry == row.entry) & (_INBOX.c.receiver_id == receiver_id)
        if texts:
            self.db.execute(update(_INBOX).where(where).values(messages=_dump(texts)))
        else:
            self.db.execute(delete(_INBOX).where(where))
            self._msg_renumber()
        return {
            "deleted_status": True,
            "receiver_id": receiver_id,
            "message": f"Latest message to '{receiver_id}' deleted.",
        }

    @tool()
    def view_messages_sent(self) -> SentMessages:
        """All messages in the log, grouped by receiver ID, oldest first."""
        self._msg_require_login()
        grouped: dict[str, list[str]] = {}
        for receiver_id, text in self._msg_log():
            grouped.setdefault(receiver_id, []).append(text)
        return {"messages": grouped}

    @tool()
    def search_messages(self, keyword: str) -> SearchResult:
        """Find messages containing a keyword (case-insensitive), oldest first.

        Args:
            keyword: the text to look for.
        """
        self._msg_require_login()
        needle = keyword.lower()
        return {
            "results": [{"receiver_id": r, "message": t} for r, t in self._msg_log() if needle in t.lower()]
        }

    @tool()
    def get_message_stats(self) -> StatsResult:
        """Counts for the logged-in user: messages addressed to them, and other people in the log."""
        current = self._msg_require_login().current_user
        log = self._msg_log()
        return {
            "stats": {
                "received_count": sum(1 for receiver_id, _ in log if receiver_id == current),
                "total_contacts": len({receiver_id for receiver_id, _ in log if receiver_id != current}),
            }
        }

    # ----------------------------------------------------------------- helpers
    def _msg_settings(self) -> Any:
        return self.db.execute(select(_SETTINGS).where(_SETTINGS.c.id == 1)).one()

    def _msg_require_login(self) -> Any:
        settings = self._msg_settings()
        if settings.current_user is None:
            raise ToolError("No user is logged in; log in with message_login first.")
        return settings

    def _msg_find_user(self, name: str) -> tuple[str, str] | None:
        """(name, id) of the user called `name`: the exact name, else the one case-insensitive match."""
        rows = self.db.execute(
            select(_USERS.c.user_name, _USERS.c.user_id).where(func.lower(_USERS.c.user_name) == name.lower())
        ).all()
        exact = [r for r in rows if r[0] == name]
        found = exact or (rows if len(rows) == 1 else [])
        return (found[0][0], found[0][1]) if found else None

    def _msg_user_id(self, name: str) -> str:
        found = self._msg_find_user(name.strip())
        if found is None:
            raise ToolError(f"User '{name}' not found; list_users shows everyone in the workspace.")
        return found[1]

    def _msg_log(self) -> list[tuple[str, str]]:
        """(receiver_id, text) for every message, in log order."""
        rows = self.db.execute(select(_INBOX).order_by(_INBOX.c.entry, _INBOX.c.receiver_id))
        return [(row.receiver_id, text) for row in rows for text in _texts(json.loads(row.messages))]

    def _msg_renumber(self) -> None:
        rows = [dict(r._mapping) for r in self.db.execute(select(_INBOX).order_by(_INBOX.c.entry))]
        numbers = {old: new for new, old in enumerate(sorted({r["entry"] for r in rows}))}
        self.db.execute(delete(_INBOX))
        if rows:
            self.db.execute(insert(_INBOX), [{**r, "entry": numbers[r["entry"]]} for r in rows])


def _texts(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# ----------------------------------------------------------------- state shape
def seed(env: Environment) -> None:
    """Fill the seed rows: the team workspace (see data.py)."""
    for table, rows in tables_from_config(data.DEFAULT_CONFIG).items():
        if rows:
            env.db.execute(insert(MsgBase.metadata.tables[table]), rows)


def tables_from_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A MessageAPI `initial_config` → rows. Keys it leaves out take the seed workspace's values."""
    if not isinstance(config, Mapping):
        raise StateError("The MessageAPI state must be an object (BFCL's initial_config).")
    unknown = set(config) - set(CONFIG_KEYS)
    if unknown:
        raise StateError(f"Unknown MessageAPI state keys {sorted(unknown)}; known: {', '.join(CONFIG_KEYS)}.")
    full = {**data.DEFAULT_CONFIG, **config}
    for key in ("user_count", "message_count"):
        if not isinstance(full[key], int) or isinstance(full[key], bool):
            raise StateError(f"{key} must be an integer.")
    if full["current_user"] is not None and not isinstance(full["current_user"], str):
        raise StateError("current_user must be a user ID string or null.")
    user_map, inbox, ids = full["user_map"], full["inbox"], full["generated_ids"]
    if not isinstance(user_map, Mapping) or not all(isinstance(v, str) for v in user_map.values()):
        raise StateError("user_map must map user names to user ID strings.")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise StateError("generated_ids must be a list of integers.")
    if not isinstance(inbox, list):
        raise StateError("inbox must be a list of {receiver_id: [messages]} objects.")
    rows = []
    for entry, item in enumerate(inbox):
        if not isinstance(item, Mapping) or not item:
            raise StateError(f"inbox[{entry}] must be an object like {{'USR002': ['Hello']}}.")
        for receiver_id, texts in item.items():
            valid = isinstance(texts, str) or (
                isinstance(texts, list) and all(isinstance(t, str) for t in texts)
            )
            if not valid:
                raise StateError(f"inbox[{entry}][{receiver_id!r}] must be a message or a list of messages.")
            rows.append({"entry": entry, "receiver_id": receiver_id, "messages": _dump(texts)})
    return {
        "msg_users": [{"user_name": n, "user_id": i} for n, i in user_map.items()],
        "msg_inbox": rows,
        "msg_generated_ids": [{"id": i} for i in sorted(set(ids))],
        "msg_settings": [
            {
                "id": 1,
                "current_user": full["current_user"],
                "user_count": full["user_count"],
                "message_count": full["message_count"],
            }
        ],
    }


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """Rows → the `initial_config` shape (all six keys)."""
    inbox: dict[int, dict[str, Any]] = {}
    for row in sorted(tables.get("msg_inbox", []), key=lambda r: (r["entry"], r["receiver_id"])):
        inbox.setdefault(row["entry"], {})[row["receiver_id"]] = json.loads(row["messages"])
    settings = (tables.get("msg_settings") or [{"current_user": None, "user_count": 0, "message_count": 0}])[
        0
    ]
    users = sorted(tables.get("msg_users", []), key=lambda r: r["user_id"])
    return {
        "generated_ids": [row["id"] for row in tables.get("msg_generated_ids", [])],
        "user_count": settings["user_count"],
        "user_map": {row["user_name"]: row["user_id"] for row in users},
        "inbox": [inbox[k] for k in sorted(inbox)],
        "message_count": settings["message_count"],
        "current_user": settings["current_user"],
    }


class MessageApiEnv(MessageApiTools, BfclApiEnv):
    name = "bfcl_message"
    description = (
        "BFCL MessageAPI: a team workspace's users and message log; log in, send, search, view and "
        "delete messages, add contacts."
    )
    metadata = MsgBase.metadata
    api = BfclApi("MessageAPI", seed, tables_from_config, config_from_tables)
