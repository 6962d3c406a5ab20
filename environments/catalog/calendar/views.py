"""What the tools return: compact, JSON-friendly views of rows. Times are the acting user's local
time (Europe/London); people are named by name and email, never by internal id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import queries
from .clock import show
from .models import Comment, Event, Person, Project, Room, Series, Task


def person(p: Person) -> dict[str, Any]:
    return {
        "name": p.name,
        "email": p.email,
        "title": p.title,
        "department": p.department,
        "office": p.office,
        "timezone": p.timezone,
        "working_hours": f"{p.work_start}-{p.work_end}",
        "work_days": p.work_days,
    }


def room(r: Room) -> dict[str, Any]:
    return {
        "room_id": r.id,
        "name": r.name,
        "office": r.office,
        "floor": r.floor,
        "capacity": r.capacity,
        "equipment": r.equipment.split(",") if r.equipment else [],
    }


def _who(db: Session, person_id: str | None) -> str | None:
    """A person as people write it in mail clients: `Name <email>`."""
    if person_id is None:
        return None
    p = db.get(Person, person_id)
    return f"{p.name} <{p.email}>"


def event_summary(db: Session, e: Event, response: str | None) -> dict[str, Any]:
    out = {
        "event_id": e.id,
        "title": e.title,
        "start": show(e.start_utc),
        "end": show(e.end_utc),
        "organizer": _who(db, e.organizer_id),
        "room": db.get(Room, e.room_id).name if e.room_id else None,
        "recurring": e.series_id is not None,
        "response": response,
    }
    if e.status != "confirmed":
        out["status"] = e.status
    return out


def busy_block(e: Event) -> dict[str, Any]:
    return {"start": show(e.start_utc), "end": show(e.end_utc), "busy": True}


def event_detail(db: Session, e: Event) -> dict[str, Any]:
    series = db.get(Series, e.series_id) if e.series_id else None
    guests = []
    for a in queries.attendees(db, e.id):
        p = db.get(Person, a.person_id)
        guests.append(
            {
                "name": p.name,
                "email": p.email,
                "response": a.response,
                "optional": a.optional,
                "timezone": p.timezone,
            }
        )
    return {
        "event_id": e.id,
        "title": e.title,
        "description": e.description,
        "start": show(e.start_utc),
        "end": show(e.end_utc),
        "status": e.status,
        "organizer": _who(db, e.organizer_id),
        "room": room(db.get(Room, e.room_id)) if e.room_id else None,
        "recurrence": series.frequency if series else None,
        "attendees": guests,
    }


def task_summary(db: Session, t: Task) -> dict[str, Any]:
    out = {
        "key": t.key,
        "title": t.title,
        "status": t.status,
        "priority": t.priority,
        "assignee": _who(db, t.assignee_id),
        "due_date": t.due_date,
    }
    if t.blocked_reason:
        out["blocked_reason"] = t.blocked_reason
    return out


def task_detail(db: Session, t: Task) -> dict[str, Any]:
    comments = db.scalars(select(Comment).where(Comment.task_key == t.key).order_by(Comment.id))
    return {
        **task_summary(db, t),
        "project": t.project_id,
        "description": t.description,
        "reporter": _who(db, t.reporter_id),
        "created_on": t.created_on,
        "updated_on": t.updated_on,
        "completed_on": t.completed_on,
        "comments": [
            {"author": _who(db, c.author_id), "at": show(c.created_at), "body": c.body} for c in comments
        ],
    }


def project(db: Session, p: Project, open_tasks: int) -> dict[str, Any]:
    return {
        "key": p.id,
        "name": p.name,
        "status": p.status,
        "owner": _who(db, p.owner_id),
        "due_date": p.due_date,
        "open_tasks": open_tasks,
        "members": [_who(db, m) for m in queries.members(db, p.id)],
    }
