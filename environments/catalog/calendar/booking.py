"""The rules every meeting must satisfy, whether it is created, moved, grown or given a room."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import queries
from .clock import HOME_ZONE, fmt, load, show, store, to_utc
from .models import Attendee, Event, Person, Room, Series
from .schedule import Interval, free_windows, outside_hours

MAX_LENGTH = timedelta(hours=8)
MAX_SLOT_DAYS = 14


def slot_from(start: datetime, end: datetime, now: datetime) -> Interval:
    """The meeting's [start, end) in UTC; times without an offset are the acting user's local time."""
    begin, finish = to_utc(HOME_ZONE, start), to_utc(HOME_ZONE, end)
    if finish <= begin:
        raise ToolError(f"The end {fmt(finish)} must be after the start {fmt(begin)}.")
    if finish - begin > MAX_LENGTH:
        raise ToolError(f"A meeting can last at most 8 hours; {fmt(begin)} to {fmt(finish)} is longer.")
    if begin <= now:
        raise ToolError(f"The start {fmt(begin)} is in the past; it is now {fmt(now)} ({HOME_ZONE}).")
    return begin, finish


def check_hours(people: list[Person], slot: Interval) -> None:
    for p in people:
        reason = outside_hours(p, *slot)
        if reason is not None:
            raise ToolError(
                f"Outside working hours: {reason}. Pick a time inside everyone's hours "
                "(find_free_slots helps)."
            )


def check_room(db: Session, room: Room, headcount: int, slot: Interval, skip: str | None = None) -> None:
    if headcount > room.capacity:
        raise ToolError(
            f"Room {room.name} ({room.id}) seats {room.capacity}, but the meeting has {headcount} people. "
            "Choose a larger room (find_rooms with min_capacity)."
        )
    clash = queries.room_clash(db, room.id, slot, skip)
    if clash is not None:
        raise ToolError(
            f"Room {room.name} ({room.id}) is already booked from {show(clash.start_utc)} to "
            f"{show(clash.end_utc)}. Choose another room or time (find_rooms with free_from/free_until)."
        )


def conflicts(db: Session, people: list[Person], slot: Interval, skip: str | None = None) -> list[str]:
    """Warnings (not refusals): attendees who already have a meeting at that time."""
    busy = queries.busy(db, [p.id for p in people], *slot, skip=skip)
    names = {p.id: p.name for p in people}
    return [
        f"{names[pid]} already has {e.title!r} {show(e.start_utc)}-{show(e.end_utc)[11:]}"
        for pid, blocks in busy.items()
        for _, e in blocks
    ]


def headcount(db: Session, event: Event) -> int:
    return sum(1 for a in queries.attendees(db, event.id) if a.response != "declined")


def require_organizer(event: Event, me: Person, action: str) -> None:
    if event.organizer_id != me.id:
        raise ToolError(
            f"You can only {action} meetings you organize; {event.title!r} ({event.id}) is organized by "
            "someone else. Ask the organizer, or respond to the invitation instead."
        )


def require_upcoming(event: Event, now: datetime) -> None:
    if event.status == "cancelled":
        raise ToolError(f"{event.title!r} ({event.id}) on {show(event.start_utc)} is already cancelled.")
    if load(event.start_utc) <= now:
        raise ToolError(
            f"{event.title!r} ({event.id}) started at {show(event.start_utc)}; "
            "past meetings cannot be changed."
        )


def day_span(start_date: date, end_date: date, max_days: int) -> Interval:
    """Whole local days start_date..end_date (inclusive) as a UTC span."""
    if end_date < start_date:
        raise ToolError(f"end_date {end_date} is before start_date {start_date}.")
    if (end_date - start_date).days >= max_days:
        raise ToolError(f"Ask for at most {max_days} days at a time; {start_date} to {end_date} is longer.")
    begin = datetime(start_date.year, start_date.month, start_date.day)
    end = datetime(end_date.year, end_date.month, end_date.day) + timedelta(days=1)
    return to_utc(HOME_ZONE, begin), to_utc(HOME_ZONE, end)


def new_event(
    db: Session,
    event_id: str,
    organizer: Person,
    guests: list[Person],
    slot: Interval,
    room: Room | None,
    **text: str,
) -> Event:
    """Add a confirmed meeting; the organizer has accepted, guests are asked to respond."""
    event = Event(
        id=event_id,
        organizer_id=organizer.id,
        room_id=room.id if room else None,
        start_utc=store(slot[0]),
        end_utc=store(slot[1]),
        status="confirmed",
        series_id=None,
        **text,
    )
    db.add(event)
    db.add(Attendee(event_id=event_id, person_id=organizer.id, response="accepted", optional=False))
    db.add_all(
        Attendee(event_id=event_id, person_id=p.id, response="needs_action", optional=False) for p in guests
    )
    db.flush()
    return event


def move(db: Session, event: Event, slot: Interval, room: Room | None) -> None:
    """Put the meeting at a new time and room; everyone but the organizer is asked again."""
    event.start_utc, event.end_utc = store(slot[0]), store(slot[1])
    event.room_id = room.id if room else None
    for invite in queries.attendees(db, event.id):
        if invite.person_id != event.organizer_id:
            invite.response = "needs_action"


def cancel(db: Session, event: Event, scope: str) -> list[Event]:
    """Cancel the meeting, or with scope series this and every later occurrence (the series ends)."""
    targets = [event]
    if scope == "series":
        if event.series_id is None:
            raise ToolError(
                f"{event.title!r} ({event.id}) is not recurring; cancel it with scope occurrence."
            )
        targets = queries.later_occurrences(db, event)
        db.get(Series, event.series_id).status = "ended"
    for e in targets:
        e.status = "cancelled"
    return targets


def respond(db: Session, event: Event, me: Person, response: str, scope: str) -> list[Event]:
    """Record the acting user's answer on this meeting or on every later occurrence of its series."""
    if event.organizer_id == me.id:
        raise ToolError(
            f"You organize {event.title!r} ({event.id}); organizers do not respond to their own meetings."
        )
    if scope == "series" and event.series_id is None:
        raise ToolError(f"{event.title!r} ({event.id}) is not recurring; respond with scope occurrence.")
    answered = []
    for e in queries.later_occurrences(db, event) if scope == "series" else [event]:
        invite = queries.attendance(db, e.id, me.id)
        if invite is not None:
            invite.response = response
            answered.append(e)
    return answered


def free_slots(
    db: Session, group: list[Person], start_date: date, end_date: date, minutes: int, now: datetime
) -> list[Interval]:
    if not 15 <= minutes <= 480:
        raise ToolError(f"duration_minutes must be between 15 and 480, got {minutes}.")
    begin, end = day_span(start_date, end_date, MAX_SLOT_DAYS)
    margin = timedelta(days=1)  # other time zones' working days spill over the local day
    busy = queries.busy(db, [p.id for p in group], begin - margin, end + margin)
    blocks = [slot for entries in busy.values() for slot, _ in entries]
    days = [start_date + timedelta(days=n) for n in range((end_date - start_date).days + 1)]
    return free_windows(group, blocks, days, minutes, now)
