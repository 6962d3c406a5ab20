"""Scheduling arithmetic: working hours, overlaps and free windows. Pure functions on UTC times."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from .clock import WEEKDAYS, to_local, to_utc
from .models import Person

Interval = tuple[datetime, datetime]


def working_window(person: Person, day: date) -> Interval | None:
    """The person's working hours on their local calendar day `day`, in UTC (None on days off)."""
    if WEEKDAYS[day.weekday()] not in person.work_days.split(","):
        return None
    midnight = datetime(day.year, day.month, day.day)
    begin = to_utc(person.timezone, midnight + _hhmm(person.work_start))
    end = to_utc(person.timezone, midnight + _hhmm(person.work_end))
    return begin, end


def outside_hours(person: Person, start: datetime, end: datetime) -> str | None:
    """Why [start, end) (UTC) is outside the person's working hours, or None when it fits."""
    local_start, local_end = to_local(person.timezone, start), to_local(person.timezone, end)
    window = working_window(person, local_start.date())
    if window is not None and window[0] <= start and end <= window[1]:
        return None
    days = "Mon-Fri" if person.work_days == "Mon,Tue,Wed,Thu,Fri" else person.work_days.replace(",", ", ")
    return (
        f"{person.name} ({person.email}) works {person.work_start}-{person.work_end} {person.timezone} "
        f"on {days}; this would be {local_start:%a %H:%M}-{local_end:%H:%M} their time"
    )


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def common_hours(people: Sequence[Person], day: date) -> Interval | None:
    """The stretch of `day` (each person's local date) in which everyone is working."""
    windows = [working_window(p, day) for p in people]
    if any(w is None for w in windows):
        return None
    begin = max(w[0] for w in windows if w)
    end = min(w[1] for w in windows if w)
    return (begin, end) if begin < end else None


def free_windows(
    people: Sequence[Person],
    busy: Iterable[Interval],
    days: Iterable[date],
    minutes: int,
    not_before: datetime,
) -> list[Interval]:
    """Maximal stretches of at least `minutes` inside everyone's working hours and outside `busy`."""
    blocks = sorted(busy)
    need = timedelta(minutes=minutes)
    found: list[Interval] = []
    for day in days:
        window = common_hours(people, day)
        if window is None:
            continue
        cursor = max(window[0], _round_up(not_before))
        for b_start, b_end in blocks:
            if b_end <= cursor or b_start >= window[1]:
                continue
            if b_start - cursor >= need:
                found.append((cursor, b_start))
            cursor = max(cursor, b_end)
        if window[1] - cursor >= need:
            found.append((cursor, window[1]))
    return found


def _round_up(moment: datetime) -> datetime:
    """Up to the next quarter hour: nobody books a meeting at 09:07."""
    extra = (-moment.minute) % 15
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=extra)


def _hhmm(text: str) -> timedelta:
    hours, minutes = text.split(":")
    return timedelta(hours=int(hours), minutes=int(minutes))
