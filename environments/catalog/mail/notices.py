"""Seed mail that is not a conversation: newsletters, notifications, receipts, job
applications, drafts and what already sits in Trash."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from . import corpus

if TYPE_CHECKING:
    from .data import Mailbox, Person

FIELDNOTES = ("Fieldnotes Weekly", "newsletter@fieldnotes.news")
RIVET = ("Rivet", "notifications@rivet.app")
SUMMIT = ("Summit Office Supply", "orders@summitofficesupply.com")
CITYHOP = ("Cityhop", "receipts@cityhop.com")
BANK = ("Harbor Credit Union", "alerts@harborcu.com")
AIRLINE = ("Northline Air", "no-reply@northlineair.com")
LIBRARY = ("Riverside Public Library", "no-reply@riversidelibrary.org")
PEOPLE_OPS = ("Harborlight People Ops", "people@harborlight.com")
STOCKLY = ("Stockly", "promo@stockly.com")


def add_notices(box: Mailbox, people: list[Person], owner: tuple[str, str]) -> None:
    _newsletters(box, owner)
    _notifications(box, owner)
    _receipts(box, owner)
    _travel(box, owner)
    _applications(box, owner)
    _drafts(box, people, owner)
    _trash(box, people, owner)


def _at(box: Mailbox, days: int, hour: int | None = None) -> datetime:
    """A time `days` before now (earlier today when `days` is 0), never in the future."""
    when = box.now - timedelta(days=days)
    when = when.replace(
        hour=box.rng.randint(7, 18) if hour is None else hour, minute=box.rng.randint(0, 59), second=0
    )
    return when if when < box.now else box.now - timedelta(minutes=box.rng.randint(20, 90))


def _single(
    box: Mailbox,
    sender: tuple[str, str],
    owner: tuple[str, str],
    subject: str,
    body: str,
    when: datetime,
    folder: str = "inbox",
    **extra: object,
) -> str:
    return box.message(
        thread=box.next_id("T"),
        folder=folder,
        sender=sender,
        to=[owner],
        subject=subject,
        body=body,
        when=when,
        **extra,
    )


def _newsletters(box: Mailbox, owner: tuple[str, str]) -> None:
    for k, topic in enumerate(corpus.NEWSLETTER_TOPICS):
        issue = 152 - k
        old = k >= 8
        _single(
            box,
            FIELDNOTES,
            owner,
            f"Fieldnotes #{issue}: {topic}",
            f"This week: {topic.lower()}. Plus three studio tools we love and a reader Q&A.\n\n"
            "You are receiving this because you subscribed at fieldnotes.news.",
            _at(box, 7 * k + 1, 7),
            folder="trash" if old else "inbox",
            labels=("Newsletters",),
            trashed_from="inbox" if old else None,
            read=True,
        )


def _notifications(box: Mailbox, owner: tuple[str, str]) -> None:
    for k, event in enumerate(corpus.RIVET_EVENTS):
        _single(box, RIVET, owner, event, f"{event}.\n\nOpen Rivet to see the details.", _at(box, k))
    for k, month in enumerate(("January", "February", "March")):
        _single(
            box,
            BANK,
            owner,
            f"Your {month} statement is ready",
            f"Your {month} statement for checking account ending 4417 is ready to view in online banking.",
            _at(box, 74 - 30 * k),
            folder="archive" if k < 2 else "inbox",
            labels=("Finance",),
        )
    for subject, body, days in (
        ("Office closed on Memorial Day", "Reminder: the studio is closed on Monday 25 May.", 3),
        (
            "Benefits enrollment closes April 30",
            "Open enrollment for 2026-27 benefits closes on April 30. "
            "Log in to the benefits portal to confirm your choices.",
            9,
        ),
    ):
        _single(box, PEOPLE_OPS, owner, subject, body, _at(box, days))


def _receipts(box: Mailbox, owner: tuple[str, str]) -> None:
    rng = box.rng
    for k, item in enumerate(corpus.OFFICE_ITEMS):
        order = f"SOS-{rng.randint(40000, 49999)}"
        total = rng.randint(1800, 24000) / 100
        _single(
            box,
            SUMMIT,
            owner,
            f"Order {order} confirmed",
            f"Thanks for your order {order}: {item}. Total charged: ${total:,.2f}. "
            "Delivery in 2-3 business days.",
            _at(box, 6 + 9 * k),
            folder="receipts",
            labels=("Finance",),
        )
    for k, place in enumerate(corpus.RIDE_PLACES):
        fare = rng.randint(1100, 6400) / 100
        _single(
            box,
            CITYHOP,
            owner,
            "Your Cityhop ride receipt",
            f"Trip to {place}. Fare: ${fare:.2f}, paid with Visa ending 2210. Thanks for riding with "
            "Cityhop.",
            _at(box, 2 + 7 * k),
            folder="receipts",
            read=True,
        )


def _travel(box: Mailbox, owner: tuple[str, str]) -> None:
    flight = box.now + timedelta(days=23)
    day = f"{flight:%A} {flight.day} {flight:%B} {flight.year}"
    _single(
        box,
        AIRLINE,
        owner,
        "Booking confirmed: Portland to Denver (KX7P2M)",
        f"Your booking KX7P2M is confirmed. Flight NL 418 departs PDX on {day} at 07:45 and arrives in "
        "Denver at 11:02. Seat 14C. Checked bag included.",
        _at(box, 12),
        folder="travel",
    )
    _single(
        box,
        AIRLINE,
        owner,
        "Your receipt for booking KX7P2M",
        "Receipt for booking KX7P2M: fare $286.40, taxes and fees $41.10, total $327.50.",
        _at(box, 12),
        folder="travel",
    )
    _single(
        box,
        LIBRARY,
        owner,
        "Your hold is ready for pickup",
        "Your hold 'The Design of Everyday Things' is ready for pickup at the Belmont branch until "
        "next Monday.",
        _at(box, 1),
    )


def _applications(box: Mailbox, owner: tuple[str, str]) -> None:
    for k, name in enumerate(corpus.CANDIDATES):
        first, last = name.split()
        address = f"{first.lower().replace('á', 'a')}.{last.lower()}@{corpus.PERSONAL_DOMAINS[k]}"
        _single(
            box,
            (name, address),
            owner,
            f"Application: Junior Designer - {name}",
            f"Dear Jordan,\n\nPlease find my CV and portfolio attached for the Junior Designer role. "
            f"I'd love to bring my experience to Harborlight.\n\nKind regards,\n{first}",
            _at(box, 3 + 2 * k),
            files=(
                (f"{first}_{last}_CV.pdf".replace("á", "a"), 240_000 + 37_000 * k),
                (f"{first}_{last}_portfolio.pdf".replace("á", "a"), 6_200_000 + 1_300_000 * k),
            ),
        )


def _drafts(box: Mailbox, people: list[Person], owner: tuple[str, str]) -> None:
    client = next(p for p in people if p.role == "client")
    caterer = next(p for p in people if p.role == "catering")
    drafts = (
        (
            [(client.name, client.email)],
            f"Renewal proposal for {client.company}",
            f"Hi {client.first},\n\nAs promised, here is an outline of the renewal: same retainer, "
            "two extra campaign days per quarter, and monthly reporting.\n\nJordan",
        ),
        (
            [("Li Wei", "li.wei@maplecourt")],
            "Dinner on Saturday?",
            "Hi Li, are you and Sam free for dinner on Saturday? We're thinking 7pm at ours.\n\nJ",
        ),
        (
            [],
            "Notes for the all-hands",
            "- Q1 wins\n- Offsite logistics\n- Hiring update\n- Benefits deadline",
        ),
        (
            [(caterer.name, caterer.email)],
            "Final headcount for April 24",
            f"Hi {caterer.first},\n\nWe'll be 42 guests, 12 of them vegetarian. Lunch at 12:30.\n\nJordan",
        ),
    )
    for k, (to, subject, body) in enumerate(drafts):
        box.message(
            thread=box.next_id("T"),
            folder="drafts",
            sender=owner,
            to=to,
            subject=subject,
            body=body,
            when=_at(box, k + 1),
        )


def _trash(box: Mailbox, people: list[Person], owner: tuple[str, str]) -> None:
    _single(
        box,
        STOCKLY,
        owner,
        "Limited offer: 40% off premium stock photos",
        "This week only: 40% off every premium stock photo plan. Use code SPRING40.",
        _at(box, 4),
        folder="trash",
        trashed_from="inbox",
    )
    colleague = next(p for p in people if p.role == "colleague")
    box.message(
        thread=box.next_id("T"),
        folder="trash",
        sender=owner,
        to=[(colleague.name, colleague.email)],
        subject="Offsite agenda (old version)",
        body="Hi, here's the first version of the offsite agenda. Ignore if you've seen v2.\n\nJordan",
        when=_at(box, 20),
        files=(("offsite_agenda_v1.docx", 58_368),),
        trashed_from="sent",
    )
