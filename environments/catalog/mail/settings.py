"""Account settings: sending limits, filters and the vacation auto-reply."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import rules, views
from .models import Filter, Folder, Label, VacationReply


def overview(db: Session, today: date) -> dict[str, Any]:
    return {
        "owner": views.person(rules.OWNER_NAME, rules.OWNER_ADDRESS),
        "today": today.isoformat(),
        "limits": {
            "max_attachments_mb": rules.mb(rules.MAX_ATTACHMENT_BYTES),
            "max_recipients": rules.MAX_RECIPIENTS,
            "max_vacation_days": rules.MAX_VACATION_DAYS,
            "blocked_file_types": list(rules.BLOCKED_EXTENSIONS),
        },
        "vacation_reply": vacation_view(db.get(VacationReply, 1)),
        "filters": [_filter(db, f) for f in db.scalars(select(Filter).order_by(Filter.id))],
    }


def set_vacation(
    db: Session,
    today: date,
    enabled: bool,
    start: date | None,
    end: date | None,
    subject: str | None,
    message: str | None,
    contacts_only: bool,
) -> dict[str, Any]:
    row = db.get(VacationReply, 1)
    if row is None:
        row = VacationReply(id=1, enabled=False)
        db.add(row)
    if not enabled:
        row.enabled = False
        return vacation_view(row)
    first, last, row.subject, row.message = rules.vacation_window(start, end, subject, message, today)
    row.enabled, row.contacts_only = True, contacts_only
    row.start_date, row.end_date = first.isoformat(), last.isoformat()
    return vacation_view(row)


def vacation_view(row: VacationReply | None) -> dict[str, Any]:
    if row is None:
        return {"enabled": False}
    return {
        "enabled": row.enabled,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "subject": row.subject,
        "message": row.message,
        "contacts_only": row.contacts_only,
    }


def _filter(db: Session, row: Filter) -> dict[str, Any]:
    folder = db.get(Folder, row.move_to) if row.move_to else None
    label = db.get(Label, row.apply_label) if row.apply_label else None
    return {
        "id": row.id,
        "when_from_contains": row.from_contains,
        "when_subject_contains": row.subject_contains,
        "move_to": folder.name if folder else None,
        "apply_label": label.name if label else None,
        "mark_read": row.mark_read,
    }
