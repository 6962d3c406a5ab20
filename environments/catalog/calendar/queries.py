"""Look-ups shared by the tools. Each either returns rows or raises a ToolError that names the
value that was not found and how to find the right one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError
from envfactory.environments.errors import did_you_mean

from .clock import load, store
from .models import Attendee, Event, Person, Project, ProjectMember, Room, Task
from .schedule import Interval


def person(db: Session, email: str) -> Person:
    found = db.scalar(select(Person).where(Person.email == email.strip().lower()))
    if found is None:
        emails = db.scalars(select(Person.email)).all()
        raise ToolError(
            f"No one at the company has the email {email!r}.{did_you_mean(email.lower(), emails)} "
            "Use find_people to look colleagues up by name."
        )
    return found


def people(db: Session, emails: Iterable[str]) -> list[Person]:
    found: list[Person] = []
    for email in emails:
        p = person(db, email)
        if p not in found:
            found.append(p)
    return found


def room(db: Session, room_id: str) -> Room:
    found = db.get(Room, room_id.strip().upper())
    if found is None:
        ids = db.scalars(select(Room.id).order_by(Room.id)).all()
        raise ToolError(
            f"No room with id {room_id!r}.{did_you_mean(room_id.upper(), ids)} Rooms: {', '.join(ids)}."
        )
    return found


def event(db: Session, event_id: str) -> Event:
    found = db.get(Event, event_id.strip().upper())
    if found is None:
        raise ToolError(f"No event with id {event_id!r}. Use list_events to find event ids.")
    return found


def attendees(db: Session, event_id: str) -> list[Attendee]:
    return list(
        db.scalars(select(Attendee).where(Attendee.event_id == event_id).order_by(Attendee.person_id))
    )


def attendance(db: Session, event_id: str, person_id: str) -> Attendee | None:
    return db.get(Attendee, (event_id, person_id))


def project(db: Session, key: str) -> Project:
    found = db.get(Project, key.strip().upper())
    if found is None:
        keys = db.scalars(select(Project.id).order_by(Project.id)).all()
        raise ToolError(f"No project with key {key!r}. Projects: {', '.join(keys)}.")
    return found


def task(db: Session, key: str) -> Task:
    found = db.get(Task, key.strip().upper())
    if found is None:
        raise ToolError(f"No task with key {key!r}. Task keys look like ATL-12; use list_tasks to find one.")
    return found


def members(db: Session, project_id: str) -> list[str]:
    return list(
        db.scalars(
            select(ProjectMember.person_id)
            .where(ProjectMember.project_id == project_id)
            .order_by(ProjectMember.person_id)
        )
    )


def events_of(
    db: Session, person_id: str, begin: datetime, end: datetime, include_cancelled: bool = False
) -> list[tuple[Event, Attendee]]:
    """Events in [begin, end) (UTC) that the person organizes or is invited to."""
    stmt = (
        select(Event, Attendee)
        .join(Attendee, Attendee.event_id == Event.id)
        .where(Attendee.person_id == person_id, Event.start_utc < store(end), Event.end_utc > store(begin))
        .order_by(Event.start_utc, Event.id)
    )
    if not include_cancelled:
        stmt = stmt.where(Event.status == "confirmed")
    return [(e, a) for e, a in db.execute(stmt).all()]


def busy(
    db: Session, person_ids: Iterable[str], begin: datetime, end: datetime, skip: str | None = None
) -> dict[str, list[tuple[Interval, Event]]]:
    """Confirmed events each person has not declined, overlapping [begin, end)."""
    found: dict[str, list[tuple[Interval, Event]]] = {}
    for pid in person_ids:
        found[pid] = [
            ((load(e.start_utc), load(e.end_utc)), e)
            for e, a in events_of(db, pid, begin, end)
            if a.response != "declined" and e.id != skip
        ]
    return found


def room_clash(db: Session, room_id: str, slot: Interval, skip: str | None = None) -> Event | None:
    stmt = select(Event).where(
        Event.room_id == room_id,
        Event.status == "confirmed",
        Event.start_utc < store(slot[1]),
        Event.end_utc > store(slot[0]),
    )
    if skip is not None:
        stmt = stmt.where(Event.id != skip)
    return db.scalars(stmt.order_by(Event.start_utc)).first()


def rooms(
    db: Session, office: str | None, min_capacity: int, equipment: Iterable[str], slot: Interval | None
) -> list[Room]:
    stmt = select(Room).where(Room.capacity >= min_capacity).order_by(Room.office, Room.id)
    if office is not None:
        stmt = stmt.where(Room.office == office)
    wanted = set(equipment)
    found = [r for r in db.scalars(stmt) if wanted <= set(r.equipment.split(","))]
    return [r for r in found if slot is None or room_clash(db, r.id, slot) is None]


def tasks(
    db: Session, project_id: str | None, assignee_id: str | None, status: str | None, include_done: bool
) -> list[Task]:
    stmt = select(Task)
    if project_id is not None:
        stmt = stmt.where(Task.project_id == project_id)
    if assignee_id is not None:
        stmt = stmt.where(Task.assignee_id == assignee_id)
    if status is not None:
        stmt = stmt.where(Task.status == status)
    elif not include_done:
        stmt = stmt.where(Task.status != "done")
    return list(
        db.scalars(stmt.order_by(Task.due_date.is_(None), Task.due_date, Task.project_id, Task.number))
    )


def later_occurrences(db: Session, event: Event) -> list[Event]:
    """This occurrence of a series and every later confirmed one."""
    stmt = select(Event).where(
        Event.series_id == event.series_id, Event.start_utc >= event.start_utc, Event.status == "confirmed"
    )
    return list(db.scalars(stmt.order_by(Event.start_utc)))


def find_people(db: Session, query: str, department: str | None, office: str | None) -> list[Person]:
    stmt = select(Person).order_by(Person.name)
    if department is not None:
        stmt = stmt.where(Person.department == department)
    if office is not None:
        stmt = stmt.where(Person.office == office)
    needle = query.strip().lower()
    return [p for p in db.scalars(stmt) if needle in f"{p.name} {p.email} {p.title}".lower()]
