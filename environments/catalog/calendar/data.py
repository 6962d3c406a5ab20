"""Seed data: a company of 36 people in five offices, their rooms, six weeks of calendars
(recurring series stored as occurrences plus one-off meetings) and six projects' task boards.

Everything is drawn from the seeded RNG relative to the clock. Meetings are placed only inside
every attendee's working hours, never double-book a room or a person, so the seed obeys the
same rules the tools enforce.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from . import texts, vocab
from .clock import store, to_utc
from .models import Attendee, Comment, Event, Person, Project, ProjectMember, Room, Series, Task
from .schedule import Interval, common_hours, outside_hours, overlaps

WEEKS = 6
PAST_WEEKS = 2


class _Calendar:
    """Rows being built plus who and what is busy when, so new meetings never collide."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.rows: list[object] = []
        self.busy: dict[str, list[Interval]] = defaultdict(list)
        self.used_ids: set[str] = set()

    def new_id(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}{self.rng.getrandbits(24):06X}"
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def free(self, key: str, slot: Interval) -> bool:
        return not any(overlaps(slot, other) for other in self.busy[key])

    def add_event(
        self, title: str, organizer: str, invitees: list[str], slot: Interval, **extra: object
    ) -> None:
        event_id = self.new_id("EV")
        cancelled = extra.pop("cancelled", False)
        room = extra.pop("room", None)
        self.rows.append(
            Event(
                id=event_id,
                title=title,
                description=self.rng.choice(texts.EVENT_NOTES),
                organizer_id=organizer,
                room_id=room,
                start_utc=store(slot[0]),
                end_utc=store(slot[1]),
                status="cancelled" if cancelled else "confirmed",
                **extra,
            )
        )
        self.rows.append(
            Attendee(event_id=event_id, person_id=organizer, response="accepted", optional=False)
        )
        for pid in invitees:
            self.rows.append(
                Attendee(event_id=event_id, person_id=pid, response=self._response(slot), optional=False)
            )
        if not cancelled:
            for key in [organizer, *invitees, *([room] if room else [])]:
                self.busy[key].append(slot)

    def _response(self, slot: Interval) -> str:
        weights = (75, 10, 5, 10) if slot[0] < self.now else (50, 10, 12, 28)
        return self.rng.choices(("accepted", "declined", "tentative", "needs_action"), weights)[0]


def seed(rng: random.Random, now: datetime) -> list[object]:
    people = _people(rng)
    rooms = [
        Room(id=r[0], name=r[1], office=r[2], floor=r[3], capacity=r[4], equipment=r[5]) for r in vocab.ROOMS
    ]
    first_monday = now.date() - timedelta(days=now.weekday() + 7 * PAST_WEEKS)
    days = [first_monday + timedelta(days=d) for d in range(7 * WEEKS) if d % 7 < 5]
    cal = _Calendar(rng, now)
    by_id = {p.id: p for p in people}
    _series(cal, by_id, days)
    _one_offs(cal, by_id, rooms, days)
    return [*people, *rooms, *cal.rows, *_projects(rng, by_id, now.date())]


def _people(rng: random.Random) -> list[Person]:
    people = []
    for pid, name, department, title, office in vocab.PEOPLE:
        start, end = vocab.FIXED_HOURS.get(pid) or rng.choice(vocab.HOURS)
        first, last = name.lower().replace("'", "").replace("ê", "e").split(" ", 1)
        people.append(
            Person(
                id=pid,
                name=name,
                email=f"{first}.{last}@{vocab.COMPANY_DOMAIN}".replace(" ", ""),
                title=title,
                department=department,
                office=office,
                timezone=vocab.OFFICE_ZONES[office],
                work_start=start,
                work_end=end,
                work_days=vocab.PART_TIME.get(pid, "Mon,Tue,Wed,Thu,Fri"),
            )
        )
    return people


def _series(cal: _Calendar, people: dict[str, Person], days: list[date]) -> None:
    for title, organizer, frequency, weekday, at, minutes, room, invitees in vocab.SERIES:
        host = people[organizer]
        hours, mins = (int(x) for x in at.split(":"))
        chosen = [
            d
            for i, d in enumerate(days)
            if frequency == "daily" or (d.weekday() == weekday and (frequency == "weekly" or i // 5 % 2 == 0))
        ]
        slots = []
        for d in chosen:
            begin = to_utc(host.timezone, datetime(d.year, d.month, d.day, hours, mins))
            slots.append((begin, begin + timedelta(minutes=minutes)))
        pool = [p for p in people if p != organizer] if invitees == ["*"] else invitees
        fitting = [pid for pid in pool if all(outside_hours(people[pid], *s) is None for s in slots)]
        series_id = cal.new_id("SR")
        cal.rows.append(
            Series(id=series_id, title=title, organizer_id=organizer, frequency=frequency, status="active")
        )
        for slot in slots:
            cal.add_event(title, organizer, fitting, slot, room=room, series_id=series_id)


def _one_offs(cal: _Calendar, people: dict[str, Person], rooms: list[Room], days: list[date]) -> None:
    rng = cal.rng
    ids = sorted(people)
    for _ in range(140):
        organizer = vocab.ME if rng.random() < 0.2 else rng.choice(ids)
        host = people[organizer]
        colleagues = [p for p in ids if people[p].department == host.department and p != organizer]
        invitees = rng.sample(colleagues, min(len(colleagues), rng.randint(1, 4)))
        invitees += [p for p in rng.sample(ids, rng.randint(0, 2)) if p not in invitees and p != organizer]
        if organizer != vocab.ME and vocab.ME not in invitees and rng.random() < 0.3:
            invitees.append(vocab.ME)
        titles = texts.MEETING_TITLES[host.department] if rng.random() < 0.75 else texts.CROSS_TITLES
        _place(cal, people, rooms, rng.choice(titles), organizer, invitees, rng.choice(days))


def _place(
    cal: _Calendar,
    people: dict[str, Person],
    rooms: list[Room],
    title: str,
    organizer: str,
    invitees: list[str],
    day: date,
) -> None:
    rng = cal.rng
    minutes = rng.choice((30, 30, 45, 60, 60, 90))
    window = common_hours([people[p] for p in [organizer, *invitees]], day)
    while invitees and (window is None or window[1] - window[0] < timedelta(minutes=minutes)):
        invitees.remove(rng.choice(invitees))
        window = common_hours([people[p] for p in [organizer, *invitees]], day)
    if window is None:
        return
    slots = _grid(window, minutes)
    rng.shuffle(slots)
    group = [organizer, *invitees]
    slot = next((s for s in slots if all(cal.free(p, s) for p in group)), None)
    if slot is None:
        return
    room = None
    if rng.random() < 0.65:
        office = people[organizer].office
        fits = sorted(
            (r for r in rooms if r.office == office and r.capacity >= len(group) and cal.free(r.id, slot)),
            key=lambda r: (r.capacity, r.id),
        )
        room = fits[0].id if fits else None
    cal.add_event(title, organizer, invitees, slot, room=room, cancelled=rng.random() < 0.06)


def _grid(window: Interval, minutes: int) -> list[Interval]:
    start = window[0] + timedelta(minutes=(-window[0].minute) % 30)
    slots = []
    while start + timedelta(minutes=minutes) <= window[1]:
        slots.append((start, start + timedelta(minutes=minutes)))
        start += timedelta(minutes=30)
    return slots


def _projects(rng: random.Random, people: dict[str, Person], today: date) -> list[object]:
    rows: list[object] = []
    comment_id = 0
    for key, name, owner, status, due_in, members in vocab.PROJECTS:
        due = today + timedelta(days=due_in)
        rows.append(Project(id=key, name=name, owner_id=owner, status=status, due_date=due.isoformat()))
        rows += [ProjectMember(project_id=key, person_id=m) for m in members]
        for number, title in enumerate(texts.TASK_TITLES[key], 1):
            task = _task(rng, key, number, title, owner, members, status, due, today)
            rows.append(task)
            comments = _comments(rng, task, members, today, comment_id)
            comment_id += len(comments)
            rows += comments
    return rows


def _task(
    rng: random.Random,
    key: str,
    number: int,
    title: str,
    owner: str,
    members: list[str],
    project_status: str,
    project_due: date,
    today: date,
) -> Task:
    if project_status == "completed":
        status = "done"
    elif project_status == "on_hold":
        status = rng.choices(("todo", "blocked", "done"), (60, 25, 15))[0]
    else:
        status = rng.choices(("todo", "in_progress", "blocked", "in_review", "done"), (30, 25, 8, 12, 25))[0]
    created = today - timedelta(days=rng.randint(20, 70))
    if status == "done":
        completed = min(today - timedelta(days=1), created + timedelta(days=rng.randint(3, 30)))
        due = completed + timedelta(days=rng.randint(0, 5))
    else:
        completed = None
        due = min(project_due, today + timedelta(days=rng.randint(-6, 40)))
    assignee = None if status == "todo" and rng.random() < 0.15 else rng.choice(members)
    updated = completed or min(today, created + timedelta(days=rng.randint(1, 25)))
    return Task(
        key=f"{key}-{number}",
        project_id=key,
        number=number,
        title=title,
        description=rng.choice(texts.TASK_DESCRIPTIONS),
        assignee_id=assignee,
        reporter_id=owner if rng.random() < 0.6 else rng.choice(members),
        priority=rng.choices(("low", "medium", "high", "urgent"), (20, 45, 27, 8))[0],
        status=status,
        blocked_reason=rng.choice(texts.BLOCKED_REASONS) if status == "blocked" else None,
        due_date=due.isoformat() if status == "done" or rng.random() < 0.9 else None,
        created_on=created.isoformat(),
        updated_on=updated.isoformat(),
        completed_on=completed.isoformat() if completed else None,
    )


def _comments(rng: random.Random, task: Task, members: list[str], today: date, last_id: int) -> list[Comment]:
    created = datetime.fromisoformat(task.created_on)
    midnight = datetime(today.year, today.month, today.day)
    times = sorted(
        min(
            midnight,
            created
            + timedelta(days=rng.randint(0, 12), hours=rng.randint(8, 17), minutes=rng.choice((0, 25, 40))),
        )
        for _ in range(rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0])
    )
    return [
        Comment(
            id=last_id + n,
            task_key=task.key,
            author_id=rng.choice(members),
            body=rng.choice(texts.COMMENTS),
            created_at=store(at),
        )
        for n, at in enumerate(times, 1)
    ]
