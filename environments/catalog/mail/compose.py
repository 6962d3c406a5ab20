"""Outgoing mail: sending, replying, forwarding and drafts, with the checks that guard them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import rules, store, views
from .data import content_type
from .models import Attachment, Message
from .rules import OWNER_ADDRESS, OWNER_NAME

NewId = Callable[[str], str]
Addresses = dict[str, list[str] | None]


def send(
    db: Session,
    new_id: NewId,
    when: datetime,
    people: Addresses,
    subject: str,
    body: str,
    files: Sequence[tuple[str, int]],
) -> dict[str, Any]:
    """A new conversation, with files from the user's computer."""
    recipients = checked_recipients(people, subject)
    for filename, _ in files:
        rules.check_file_type(filename)
    rules.check_attachment_total(size for _, size in files)
    msg = new_message(db, new_id("M"), new_id("T"), "sent", subject.strip(), body, when, recipients)
    db.add_all(
        Attachment(
            id=new_id("A"), message_id=msg.id, filename=name, content_type=content_type(name), size_bytes=size
        )
        for name, size in files
    )
    return views.summary(db, msg)


def reply(
    db: Session, new_id: NewId, when: datetime, message_id: str, body: str, reply_all: bool
) -> dict[str, Any]:
    original = store.message(db, message_id)
    if original.folder_id == "drafts":
        raise ToolError(f"{original.id} is a draft; send it with send_draft instead of replying to it.")
    subject = store.reply_subject(original.subject, "Re:")
    recipients = reply_targets(db, original, reply_all)
    msg = new_message(
        db, new_id("M"), original.thread_id, "sent", subject, body, when, recipients, original.id
    )
    original.is_read = True
    return views.summary(db, msg)


def forward(
    db: Session,
    new_id: NewId,
    when: datetime,
    message_id: str,
    people: Addresses,
    note: str,
    with_files: bool,
) -> dict[str, Any]:
    """Forward a message; Confidential mail stays inside the company, attachments count toward the limit."""
    original = store.message(db, message_id)
    if original.folder_id == "drafts":
        raise ToolError(f"{original.id} is a draft and cannot be forwarded; send it with send_draft.")
    subject = store.reply_subject(original.subject, "Fwd:")
    recipients = checked_recipients(people, subject)
    if rules.CONFIDENTIAL_LABEL in store.label_names(db, original.id):
        rules.check_internal_only(original.subject, recipients["to"] + recipients["cc"])
    files = store.attachments(db, original.id) if with_files else []
    rules.check_attachment_total((a.size_bytes for a in files), "Forward it without attachments instead.")
    body = forwarded_body(original, note)
    msg = new_message(db, new_id("M"), original.thread_id, "sent", subject, body, when, recipients)
    db.add_all(
        Attachment(
            id=new_id("A"),
            message_id=msg.id,
            filename=a.filename,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
        )
        for a in files
    )
    return views.summary(db, msg)


def save_draft(
    db: Session,
    new_id: NewId,
    when: datetime,
    people: Addresses,
    subject: str,
    body: str,
    draft_id: str | None,
) -> dict[str, Any]:
    """A draft keeps whatever addresses it was given; they are checked when it is sent."""
    recipients = {kind: _loose(people.get(kind) or []) for kind in ("to", "cc", "bcc")}
    if draft_id is None:
        msg = new_message(db, new_id("M"), new_id("T"), "drafts", subject.strip(), body, when, recipients)
        return views.summary(db, msg)
    msg = _draft(db, draft_id)
    msg.subject, msg.body, msg.date = subject.strip(), body, when.isoformat(timespec="seconds")
    store.set_recipients(db, msg.id, recipients)
    return views.summary(db, msg)


def send_draft(db: Session, when: datetime, draft_id: str) -> dict[str, Any]:
    msg = _draft(db, draft_id)
    current: Addresses = {
        k: [r.address for r in store.recipients(db, msg.id, k)] for k in ("to", "cc", "bcc")
    }
    store.set_recipients(db, msg.id, checked_recipients(current, msg.subject))
    msg.folder_id = "sent"
    msg.date = when.isoformat(timespec="seconds")
    return views.summary(db, msg)


def checked_recipients(people: Addresses, subject: str) -> dict[str, list[str]]:
    """Validated, normalized recipients by kind; refuses what may not be sent."""
    by_kind = {kind: rules.normalize_addresses(people.get(kind) or []) for kind in ("to", "cc", "bcc")}
    rules.check_recipient_count(by_kind["to"], by_kind["cc"], by_kind["bcc"])
    rules.check_subject(subject)
    return by_kind


def new_message(
    db: Session,
    mid: str,
    thread_id: str,
    folder_id: str,
    subject: str,
    body: str,
    when: datetime,
    recipients: dict[str, list[str]],
    in_reply_to: str | None = None,
) -> Message:
    """A message written by the owner (sent or draft)."""
    msg = Message(
        id=mid,
        thread_id=thread_id,
        folder_id=folder_id,
        from_address=OWNER_ADDRESS,
        from_name=OWNER_NAME,
        subject=subject,
        body=body,
        date=when.isoformat(timespec="seconds"),
        is_read=True,
        is_starred=False,
        in_reply_to=in_reply_to,
        trashed_from=None,
    )
    db.add(msg)
    db.flush()
    store.set_recipients(db, mid, recipients)
    return msg


def reply_targets(db: Session, msg: Message, reply_all: bool) -> dict[str, list[str]]:
    """Who a reply goes to: the sender, or the original recipients when replying to one's own mail;
    with reply_all also everyone else on the message except the owner."""
    if msg.from_address == OWNER_ADDRESS:
        to = [r.address for r in store.recipients(db, msg.id, "to")]
    else:
        rules.check_can_reply(msg.from_address)
        to = [msg.from_address]
    cc: list[str] = []
    if reply_all:
        others = store.recipients(db, msg.id, "to") + store.recipients(db, msg.id, "cc")
        cc = [r.address for r in others if r.address not in (OWNER_ADDRESS, *to)]
    return {"to": to, "cc": list(dict.fromkeys(cc)), "bcc": []}


def forwarded_body(msg: Message, note: str) -> str:
    header = (
        "---------- Forwarded message ----------\n"
        f"From: {msg.from_name} <{msg.from_address}>\nDate: {msg.date}\nSubject: {msg.subject}\n\n"
    )
    return f"{note.strip()}\n\n{header}{msg.body}" if note.strip() else header + msg.body


def _loose(addresses: list[str]) -> list[str]:
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))


def _draft(db: Session, draft_id: str) -> Message:
    msg = store.message(db, draft_id)
    if msg.folder_id != "drafts":
        raise ToolError(f"{msg.id} is not a draft (it is in {views.folder_name(db, msg.folder_id)}).")
    return msg
