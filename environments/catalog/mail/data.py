"""Seed data: one person's mailbox (about 130 messages in threads, folders, labels and
attachments), about 50 contacts in groups, filters and a vacation reply, all drawn from the seed
and dated relative to the session clock."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import conversations, corpus, notices
from .models import (
    Attachment,
    Contact,
    ContactGroup,
    Filter,
    Folder,
    GroupMember,
    Label,
    Message,
    MessageLabel,
    Recipient,
    VacationReply,
)
from .rules import OWNER_ADDRESS, OWNER_NAME

FOLDERS = (
    ("inbox", "Inbox", True),
    ("sent", "Sent", True),
    ("drafts", "Drafts", True),
    ("archive", "Archive", True),
    ("trash", "Trash", True),
    ("projects", "Projects", False),
    ("receipts", "Receipts", False),
    ("travel", "Travel", False),
)
LABELS = (
    ("Urgent", "red"),
    ("Follow up", "orange"),
    ("Finance", "green"),
    ("Clients", "blue"),
    ("Newsletters", "gray"),
    ("Personal", "purple"),
    ("Confidential", "black"),
)
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".mov": "video/quicktime",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
REF_PREFIX = {"print": "HLP", "av": "BAV", "venue": "P7", "client": "HS"}


def content_type(filename: str) -> str:
    ext = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def label_id(name: str) -> str:
    return "L" + str(next(i for i, (n, _) in enumerate(LABELS, 1) if n == name))


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str
    company: str | None
    city: str
    phone: str | None
    in_contacts: bool

    @property
    def first(self) -> str:
        return self.name.split()[0]


class Mailbox:
    """Accumulates seed rows; ids are sequential in creation order."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.rows: list[object] = []
        self.counts = {"M": 0, "T": 0, "A": 0}

    def next_id(self, prefix: str, width: int = 4) -> str:
        self.counts[prefix] += 1
        return f"{prefix}{self.counts[prefix]:0{width}d}"

    def message(
        self,
        *,
        thread: str,
        folder: str,
        sender: tuple[str, str],
        to: Sequence[tuple[str, str]],
        subject: str,
        body: str,
        when: datetime,
        cc: Sequence[tuple[str, str]] = (),
        files: tuple[tuple[str, int], ...] = (),
        labels: tuple[str, ...] = (),
        in_reply_to: str | None = None,
        trashed_from: str | None = None,
        read: bool | None = None,
    ) -> str:
        mid = self.next_id("M")
        own = sender[1] == OWNER_ADDRESS
        recent = (self.now - when).days < 5
        self.rows.append(
            Message(
                id=mid,
                thread_id=thread,
                folder_id=folder,
                from_address=sender[1],
                from_name=sender[0],
                subject=subject,
                body=body,
                date=when.isoformat(timespec="seconds"),
                is_read=read if read is not None else own or self.rng.random() < (0.45 if recent else 0.92),
                is_starred=folder != "drafts" and self.rng.random() < 0.1,
                in_reply_to=in_reply_to,
                trashed_from=trashed_from,
            )
        )
        for kind, people in (("to", to), ("cc", cc)):
            for pos, (name, address) in enumerate(people):
                self.rows.append(
                    Recipient(message_id=mid, kind=kind, address=address, name=name, position=pos)
                )
        for filename, size in files:
            self.rows.append(
                Attachment(
                    id=self.next_id("A"),
                    message_id=mid,
                    filename=filename,
                    content_type=content_type(filename),
                    size_bytes=size,
                )
            )
        self.rows.extend(MessageLabel(message_id=mid, label_id=label_id(n)) for n in labels)
        return mid


def seed(rng: random.Random, now: datetime) -> list[object]:
    box = Mailbox(rng, now)
    box.rows.extend(Folder(id=fid, name=name, system=system) for fid, name, system in FOLDERS)
    box.rows.extend(Label(id=label_id(name), name=name, color=color) for name, color in LABELS)
    people = make_people(rng)
    add_contacts(box, people)
    owner = (OWNER_NAME, OWNER_ADDRESS)
    for conv in conversations.CONVERSATIONS:
        add_conversation(box, conv, people, owner)
    notices.add_notices(box, people, owner)
    box.rows.append(
        VacationReply(
            id=1,
            enabled=False,
            start_date="2025-12-22",
            end_date="2026-01-02",
            subject="Out of office",
            message="Hi, I'm away for the holidays until January 2 with limited access to email. "
            "For anything urgent, please contact studio@harborlight.com.",
            contacts_only=False,
        )
    )
    box.rows.extend(FILTERS)
    return box.rows


FILTERS = (
    Filter(
        id="R1",
        from_contains="newsletter@fieldnotes.news",
        subject_contains=None,
        move_to=None,
        apply_label="L5",
        mark_read=True,
    ),
    Filter(
        id="R2",
        from_contains="@northlineair.com",
        subject_contains=None,
        move_to="travel",
        apply_label=None,
        mark_read=False,
    ),
    Filter(
        id="R3",
        from_contains="orders@summitofficesupply.com",
        subject_contains=None,
        move_to="receipts",
        apply_label="L3",
        mark_read=False,
    ),
    Filter(
        id="R4",
        from_contains=None,
        subject_contains="invoice",
        move_to=None,
        apply_label="L3",
        mark_read=False,
    ),
    Filter(
        id="R5",
        from_contains="@cityhop.com",
        subject_contains=None,
        move_to="receipts",
        apply_label=None,
        mark_read=True,
    ),
)


def make_people(rng: random.Random) -> list[Person]:
    firsts = rng.sample(corpus.FIRST_NAMES, len(corpus.FIRST_NAMES))
    lasts = rng.sample(corpus.LAST_NAMES, len(corpus.LAST_NAMES))
    phones = iter(rng.sample(range(100, 200), 100))
    people: list[Person] = []
    for role, company, domain, count in corpus.ORGANISATIONS:
        for k in range(count):
            i = len(people)
            first = firsts[i]
            last = "Reyes" if role == "family" else lasts[i % len(lasts)]
            if domain is None:
                pattern = rng.choice(("{f}.{l}", "{f}{l0}", "{f}.{l}{n}", "{f0}{l}"))
                local = pattern.format(f=first, l=last, f0=first[0], l0=last[0], n=rng.randint(2, 98))
                email = f"{local}@{rng.choice(corpus.PERSONAL_DOMAINS)}".lower()
            else:
                email = f"{first}.{last}@{domain}".lower()
            people.append(
                Person(
                    name=f"{first} {last}",
                    email=email,
                    role=role,
                    company=company,
                    city="Portland" if role in ("colleague", "family") else rng.choice(corpus.CITIES),
                    phone=f"+1 503-555-{next(phones):04d}" if rng.random() < 0.75 else None,
                    in_contacts=not (role == "network" and k == 1),
                )
            )
    return people


GROUPS = (
    ("G1", "Studio team", ("colleague",)),
    ("G2", "Clients", ("client",)),
    ("G3", "Vendors", ("print", "accounting", "av", "catering", "venue")),
    ("G4", "Family", ("family",)),
)


def add_contacts(box: Mailbox, people: list[Person]) -> None:
    ids: dict[str, str] = {}
    for person in people:
        if not person.in_contacts:
            continue
        cid = f"C{len(ids) + 1:03d}"
        ids[person.email] = cid
        box.rows.append(
            Contact(
                id=cid,
                name=person.name,
                email=person.email,
                phone=person.phone,
                company=person.company,
                city=person.city,
            )
        )
    for gid, name, roles in GROUPS:
        box.rows.append(ContactGroup(id=gid, name=name))
        box.rows.extend(
            GroupMember(group_id=gid, contact_id=ids[p.email])
            for p in people
            if p.role in roles and p.in_contacts
        )
    box.rows.append(ContactGroup(id="G5", name="Book club"))
    friends = [p for p in people if p.role == "friend"]
    box.rows.extend(GroupMember(group_id="G5", contact_id=ids[p.email]) for p in friends[:5])


def add_conversation(
    box: Mailbox, conv: conversations.Conversation, people: list[Person], owner: tuple[str, str]
) -> None:
    rng = box.rng
    them = rng.choice([p for p in people if p.role == conv.role])
    colleagues = [p for p in people if p.role == "colleague" and p is not them]
    cc = [(c.name, c.email) for c in [rng.choice(colleagues)]] if conv.cc_colleague else []
    start = box.now - timedelta(days=rng.randint(2, 45), hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
    start = start.replace(hour=rng.randint(8, 16), second=0)
    values = {
        "first": them.first,
        "me": OWNER_NAME.split()[0],
        "company": them.company or "",
        "day": _day(start + timedelta(days=rng.randint(3, 12))),
        "day2": _day(start + timedelta(days=rng.randint(16, 40))),
        "amount": f"{rng.randint(12, 320) * 25:,}",
        "ref": f"{REF_PREFIX.get(conv.role, 'INV')}-{rng.randint(1000, 9999)}",
    }
    subject = conv.subject.format(**values)
    thread = box.next_id("T")
    previous: str | None = None
    when = start
    for n, turn in enumerate(conv.turns):
        mine = turn.author == "me"
        other = (them.name, them.email)
        previous = box.message(
            thread=thread,
            folder="sent" if mine else conv.folder,
            sender=owner if mine else other,
            to=[other] if mine else [owner],
            cc=cc,
            subject=subject if n == 0 else f"Re: {subject}",
            body=turn.body.format(**values),
            when=when,
            files=tuple((f.format(**values), size) for f, size in turn.files),
            labels=conv.labels,
            in_reply_to=previous,
        )
        when += timedelta(hours=rng.randint(1, 9), minutes=rng.randint(0, 59))


def _day(d: datetime) -> str:
    return f"{d:%A} {d.day} {d:%B}"
