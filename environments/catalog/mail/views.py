"""What the tools return: compact summaries for lists, full records for single messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from . import store
from .models import Attachment, Contact, Folder, Label, Message, MessageLabel, Recipient
from .rules import OWNER_ADDRESS


def person(name: str | None, address: str) -> str:
    return f"{name} <{address}>" if name else address


def _addresses(rows: list[Recipient]) -> list[str]:
    return [person(r.name, r.address) for r in rows]


def summary(db: Session, msg: Message) -> dict[str, Any]:
    """One line of a message list."""
    return summaries(db, [msg])[0]


def summaries(db: Session, msgs: list[Message]) -> list[dict[str, Any]]:
    """Lines of a message list, loading recipients, labels and attachments in one query each."""
    ids = [m.id for m in msgs]
    folders = {fid: name for fid, name in db.execute(select(Folder.id, Folder.name))}
    to: dict[str, list[str]] = {}
    stmt = select(Recipient.message_id, Recipient.address).where(
        Recipient.message_id.in_(ids), Recipient.kind == "to"
    )
    for mid, address in db.execute(stmt.order_by(Recipient.message_id, Recipient.position)):
        to.setdefault(mid, []).append(address)
    labels: dict[str, list[str]] = {}
    stmt = select(MessageLabel.message_id, Label.name).join(Label, Label.id == MessageLabel.label_id)
    for mid, name in db.execute(stmt.where(MessageLabel.message_id.in_(ids)).order_by(Label.name)):
        labels.setdefault(mid, []).append(name)
    stmt = select(Attachment.message_id, func.count()).where(Attachment.message_id.in_(ids))
    files = {mid: n for mid, n in db.execute(stmt.group_by(Attachment.message_id))}
    return [
        {
            "id": m.id,
            "thread_id": m.thread_id,
            "folder": folders.get(m.folder_id, m.folder_id),
            "from": person(m.from_name, m.from_address),
            "to": to.get(m.id, []),
            "subject": m.subject,
            "date": m.date,
            "unread": not m.is_read,
            "starred": m.is_starred,
            "labels": labels.get(m.id, []),
            "attachments": files.get(m.id, 0),
            "snippet": _snippet(m.body),
        }
        for m in msgs
    ]


def _snippet(body: str) -> str:
    text = " ".join(body.split())
    return text[:140] + ("…" if len(text) > 140 else "")


def full(db: Session, msg: Message) -> dict[str, Any]:
    """A whole message: body, every recipient, attachments (metadata) and labels."""
    out = {
        "id": msg.id,
        "thread_id": msg.thread_id,
        "folder": folder_name(db, msg.folder_id),
        "from": person(msg.from_name, msg.from_address),
        "to": _addresses(store.recipients(db, msg.id, "to")),
        "cc": _addresses(store.recipients(db, msg.id, "cc")),
        "subject": msg.subject,
        "date": msg.date,
        "body": msg.body,
        "unread": not msg.is_read,
        "starred": msg.is_starred,
        "labels": store.label_names(db, msg.id),
        "attachments": [
            {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size_bytes": a.size_bytes}
            for a in store.attachments(db, msg.id)
        ],
        "in_reply_to": msg.in_reply_to,
    }
    if msg.from_address == OWNER_ADDRESS:
        out["bcc"] = _addresses(store.recipients(db, msg.id, "bcc"))
    return out


def contact(row: Contact, groups: list[str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "phone": row.phone,
        "company": row.company,
        "city": row.city,
        "groups": groups,
    }


def folder_name(db: Session, folder_id: str) -> str:
    row = db.get(Folder, folder_id)
    return row.name if row else folder_id


def overview(db: Session) -> dict[str, Any]:
    """Folders (system ones first) and labels with total and unread message counts."""
    unread = func.sum(case((Message.is_read.is_(False), 1), else_=0))
    by_folder = {
        f: (n, u)
        for f, n, u in db.execute(select(Message.folder_id, func.count(), unread).group_by(Message.folder_id))
    }
    stmt = select(MessageLabel.label_id, func.count(), unread).join(
        Message, Message.id == MessageLabel.message_id
    )
    by_label = {lb: (n, u) for lb, n, u in db.execute(stmt.group_by(MessageLabel.label_id))}
    folders = db.scalars(select(Folder).order_by(Folder.system.desc(), Folder.name))
    labels = db.scalars(select(Label).order_by(Label.name))
    return {
        "folders": [{"name": f.name, "system": f.system, **_counts(by_folder.get(f.id))} for f in folders],
        "labels": [{"name": lb.name, **_counts(by_label.get(lb.id))} for lb in labels],
    }


def _counts(pair: tuple[int, int] | None) -> dict[str, int]:
    total, unread = pair or (0, 0)
    return {"total": total, "unread": unread or 0}
