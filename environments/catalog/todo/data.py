"""Seed data: three lists and a few dozen items, generated from the seed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from .models import Item, TodoList

LISTS = ("Home", "Work", "Errands")
TITLES = {
    "Home": [
        "Water the plants",
        "Fix the leaking tap",
        "Clean the gutters",
        "Sort the recycling",
        "Replace the smoke alarm battery",
        "Defrost the freezer",
        "Book a chimney sweep",
        "Hang the hallway mirror",
        "Clear out the garage",
        "Wash the car",
    ],
    "Work": [
        "Send the quarterly report",
        "Review Dana's pull request",
        "Prepare the team offsite agenda",
        "Renew the SSL certificate",
        "Update the onboarding guide",
        "Plan the Q3 roadmap",
        "Reply to the auditor",
        "Book the client dinner",
        "Archive old tickets",
        "Draft the hiring plan",
    ],
    "Errands": [
        "Pick up dry cleaning",
        "Buy birthday card for Mum",
        "Return library books",
        "Post the parcel to Leeds",
        "Collect the prescription",
        "Get the bike serviced",
        "Buy printer ink",
        "Drop off the donation bags",
        "Renew the parking permit",
        "Buy dog food",
    ],
}
PRIORITIES = ("low", "normal", "high")


def seed(rng: random.Random, today: date) -> list[object]:
    rows: list[object] = []
    for n, name in enumerate(LISTS, 1):
        rows.append(TodoList(id=f"L{n}", name=name))
        for k, title in enumerate(TITLES[name], 1):
            done = rng.random() < 0.3
            due = today + timedelta(days=rng.randint(-10, 30))
            rows.append(
                Item(
                    id=f"T{n}{k:02d}",
                    list_id=f"L{n}",
                    title=title,
                    due_date=due.isoformat() if rng.random() < 0.8 else None,
                    priority=rng.choice(PRIORITIES),
                    done=done,
                    completed_on=(today - timedelta(days=rng.randint(1, 9))).isoformat() if done else None,
                )
            )
    return rows
