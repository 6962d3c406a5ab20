"""Organising mail: moving, labelling, flags and deleting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import rules, store, views
from .models import MessageLabel


def move(db: Session, message_ids: list[str], folder: str) -> list[dict[str, Any]]:
    target = store.folder(db, folder)
    moved = store.messages(db, message_ids)
    for msg in moved:
        own = msg.from_address == rules.OWNER_ADDRESS
        rules.check_move(target.id, msg.id, own, msg.folder_id, views.folder_name(db, msg.folder_id))
    for msg in moved:
        msg.folder_id = target.id
        msg.trashed_from = None
    return views.summaries(db, moved)


def label(db: Session, message_ids: list[str], name: str, remove: bool) -> list[dict[str, Any]]:
    row = store.label(db, name)
    targets = store.messages(db, message_ids)
    for msg in targets:
        present = store.has_label(db, msg.id, row.id)
        if remove and present:
            db.execute(
                delete(MessageLabel).where(MessageLabel.message_id == msg.id, MessageLabel.label_id == row.id)
            )
        elif not remove and not present:
            db.add(MessageLabel(message_id=msg.id, label_id=row.id))
    db.flush()
    return views.summaries(db, targets)


def mark(
    db: Session, message_ids: list[str], read: bool | None, starred: bool | None
) -> list[dict[str, Any]]:
    if read is None and starred is None:
        raise ToolError("Nothing to change: give read and/or starred.")
    targets = store.messages(db, message_ids)
    for msg in targets:
        if read is not None:
            msg.is_read = read
        if starred is not None:
            msg.is_starred = starred
    return views.summaries(db, targets)


def trash(db: Session, message_ids: list[str], permanent: bool) -> dict[str, list[str]]:
    """Move to Trash (drafts are discarded), or with `permanent` erase messages already in Trash."""
    targets = store.messages(db, message_ids)
    outside = [m.id for m in targets if m.folder_id != "trash"]
    if permanent and outside:
        raise ToolError(
            f"Only messages in Trash can be deleted permanently; not in Trash: {', '.join(outside)}. "
            "Move them to Trash first."
        )
    inside = [m.id for m in targets if m.folder_id == "trash"]
    if not permanent and inside:
        raise ToolError(f"Already in Trash: {', '.join(inside)}; use permanent=true to delete them forever.")
    result: dict[str, list[str]] = {"trashed": [], "deleted": []}
    for msg in targets:
        if permanent or msg.folder_id == "drafts":
            result["deleted"].append(msg.id)
            store.erase(db, msg)
        else:
            result["trashed"].append(msg.id)
            msg.trashed_from, msg.folder_id = msg.folder_id, "trash"
    return result
