"""Look-ups and row changes shared by the mail tools. Every function takes the ORM session;
look-ups raise `ToolError` naming the unknown value and what exists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from .models import Attachment, Contact, ContactGroup, Folder, Label, Message, MessageLabel, Recipient
from .rules import OWNER_ADDRESS, OWNER_NAME


def folder(db: Session, name: str) -> Folder:
    found = db.scalar(select(Folder).where(func.lower(Folder.name) == name.strip().lower()))
    if found is None:
        names = ", ".join(db.scalars(select(Folder.name).order_by(Folder.name)))
        raise ToolError(f"No folder named {name!r}. Folders: {names}.")
    return found


def label(db: Session, name: str) -> Label:
    found = db.scalar(select(Label).where(func.lower(Label.name) == name.strip().lower()))
    if found is None:
        names = ", ".join(db.scalars(select(Label.name).order_by(Label.name)))
        raise ToolError(f"No label named {name!r}. Labels: {names}.")
    return found


def group(db: Session, name: str) -> ContactGroup:
    found = db.scalar(select(ContactGroup).where(func.lower(ContactGroup.name) == name.strip().lower()))
    if found is None:
        names = ", ".join(db.scalars(select(ContactGroup.name).order_by(ContactGroup.name)))
        raise ToolError(f"No contact group named {name!r}. Groups: {names}.")
    return found


def message(db: Session, message_id: str) -> Message:
    found = db.get(Message, message_id.strip())
    if found is None:
        raise ToolError(f"No message with id {message_id!r}; search_messages lists message ids.")
    return found


def messages(db: Session, message_ids: Sequence[str]) -> list[Message]:
    if not message_ids:
        raise ToolError("Give at least one message id.")
    unique = list(dict.fromkeys(m.strip() for m in message_ids))
    return [message(db, mid) for mid in unique]


def contact(db: Session, contact_id: str) -> Contact:
    found = db.get(Contact, contact_id.strip())
    if found is None:
        raise ToolError(f"No contact with id {contact_id!r}; find_contacts lists contact ids.")
    return found


def contact_by_email(db: Session, address: str) -> Contact | None:
    return db.scalar(select(Contact).where(func.lower(Contact.email) == address.lower()))


def display_name(db: Session, address: str) -> str | None:
    if address == OWNER_ADDRESS:
        return OWNER_NAME
    found = contact_by_email(db, address)
    return found.name if found else None


def recipients(db: Session, message_id: str, kind: str) -> list[Recipient]:
    stmt = select(Recipient).where(Recipient.message_id == message_id, Recipient.kind == kind)
    return list(db.scalars(stmt.order_by(Recipient.position)))


def set_recipients(db: Session, message_id: str, by_kind: dict[str, Iterable[str]]) -> None:
    db.execute(delete(Recipient).where(Recipient.message_id == message_id))
    for kind, addresses in by_kind.items():
        for pos, address in enumerate(addresses):
            db.add(
                Recipient(
                    message_id=message_id,
                    kind=kind,
                    address=address,
                    name=display_name(db, address),
                    position=pos,
                )
            )


def attachments(db: Session, message_id: str) -> list[Attachment]:
    return list(
        db.scalars(select(Attachment).where(Attachment.message_id == message_id).order_by(Attachment.id))
    )


def label_names(db: Session, message_id: str) -> list[str]:
    stmt = (
        select(Label.name)
        .join(MessageLabel, MessageLabel.label_id == Label.id)
        .where(MessageLabel.message_id == message_id)
        .order_by(Label.name)
    )
    return list(db.scalars(stmt))


def has_label(db: Session, message_id: str, label_id: str) -> bool:
    return db.get(MessageLabel, (message_id, label_id)) is not None


def erase(db: Session, msg: Message) -> None:
    """Delete a message and everything hanging off it."""
    for table, column in (
        (Recipient, Recipient.message_id),
        (Attachment, Attachment.message_id),
        (MessageLabel, MessageLabel.message_id),
    ):
        db.execute(delete(table).where(column == msg.id))
    db.delete(msg)


def reply_subject(subject: str, prefix: str) -> str:
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}"
