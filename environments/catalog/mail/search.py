"""Message search: SQL narrows by folder, flags and dates; words, people, labels and
attachments are matched in Python (the mailbox is small, and the rules stay readable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .models import Attachment, Message, MessageLabel, Recipient


@dataclass(frozen=True)
class MessageQuery:
    words: str = ""
    sender: str | None = None
    recipient: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    has_attachment: bool = False
    after: date | None = None
    before: date | None = None


def run_query(db: Session, q: MessageQuery, folder_id: str | None, label_id: str | None) -> list[Message]:
    """Matching messages, newest first."""
    stmt = select(Message).order_by(Message.date.desc(), Message.id.desc())
    stmt = (
        stmt.where(Message.folder_id == folder_id) if folder_id else stmt.where(Message.folder_id != "trash")
    )
    if label_id:
        stmt = stmt.where(
            Message.id.in_(select(MessageLabel.message_id).where(MessageLabel.label_id == label_id))
        )
    if q.unread_only:
        stmt = stmt.where(Message.is_read.is_(False))
    if q.starred_only:
        stmt = stmt.where(Message.is_starred.is_(True))
    if q.after:
        stmt = stmt.where(Message.date >= q.after.isoformat())
    if q.before:
        stmt = stmt.where(Message.date < (q.before + timedelta(days=1)).isoformat())
    candidates = list(db.scalars(stmt))
    ids = [m.id for m in candidates]
    files = _grouped(
        db, select(Attachment.message_id, Attachment.filename).where(Attachment.message_id.in_(ids))
    )
    people = _grouped(
        db,
        select(Recipient.message_id, Recipient.name, Recipient.address).where(
            Recipient.message_id.in_(ids), Recipient.kind.in_(("to", "cc"))
        ),
    )
    return [m for m in candidates if _matches(m, q, files.get(m.id, []), people.get(m.id, []))]


def _grouped(db: Session, stmt: Select[Any]) -> dict[str, list[str]]:
    """Rows (message_id, *texts) as message_id -> texts."""
    out: dict[str, list[str]] = {}
    for message_id, *texts in db.execute(stmt):
        out.setdefault(message_id, []).extend(t for t in texts if t)
    return out


def _matches(msg: Message, q: MessageQuery, files: list[str], people: list[str]) -> bool:
    if q.has_attachment and not files:
        return False
    if q.sender and q.sender.strip().lower() not in f"{msg.from_name} {msg.from_address}".lower():
        return False
    if q.recipient and q.recipient.strip().lower() not in " ".join(people).lower():
        return False
    haystack = " ".join([msg.subject, msg.body, *files]).lower()
    return all(word in haystack for word in q.words.lower().split())
