"""Tables of the calendar environment.

Event times are stored in UTC as fixed-width text (`2026-03-10T14:00Z`), so SQL string
comparison orders them correctly; tools speak the acting user's local time.
"""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str]
    department: Mapped[str]
    office: Mapped[str]
    timezone: Mapped[str]
    work_start: Mapped[str]  # local "HH:MM"
    work_end: Mapped[str]
    work_days: Mapped[str]  # "Mon,Tue,Wed,Thu,Fri"


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    office: Mapped[str]
    floor: Mapped[int]
    capacity: Mapped[int]
    equipment: Mapped[str]  # comma-separated, sorted


class Series(Base):
    __tablename__ = "series"

    id: Mapped[str] = mapped_column(primary_key=True)
    title: Mapped[str]
    organizer_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    frequency: Mapped[str]  # daily (weekdays), weekly, biweekly
    status: Mapped[str]  # active, ended


class Event(Base):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(primary_key=True)
    title: Mapped[str]
    description: Mapped[str]
    organizer_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    room_id: Mapped[str | None] = mapped_column(ForeignKey("rooms.id"))
    start_utc: Mapped[str]
    end_utc: Mapped[str]
    status: Mapped[str]  # confirmed, cancelled
    series_id: Mapped[str | None] = mapped_column(ForeignKey("series.id"))


class Attendee(Base):
    __tablename__ = "attendees"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    response: Mapped[str]  # needs_action, accepted, tentative, declined
    optional: Mapped[bool] = mapped_column(default=False)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(primary_key=True)  # the key, e.g. ATL
    name: Mapped[str]
    owner_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str]  # active, on_hold, completed
    due_date: Mapped[str]


class ProjectMember(Base):
    __tablename__ = "project_members"

    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)


class Task(Base):
    __tablename__ = "tasks"

    key: Mapped[str] = mapped_column(primary_key=True)  # e.g. ATL-14
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"))
    number: Mapped[int]
    title: Mapped[str]
    description: Mapped[str]
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    reporter_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    priority: Mapped[str]  # low, medium, high, urgent
    status: Mapped[str]  # todo, in_progress, blocked, in_review, done
    blocked_reason: Mapped[str | None]
    due_date: Mapped[str | None]
    created_on: Mapped[str]
    updated_on: Mapped[str]
    completed_on: Mapped[str | None]


class Comment(Base):
    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    task_key: Mapped[str] = mapped_column(ForeignKey("tasks.key"))
    author_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    body: Mapped[str]
    created_at: Mapped[str]
