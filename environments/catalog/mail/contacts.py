"""The address book: contacts and contact groups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import rules, store, views
from .models import Contact, ContactGroup, GroupMember


def find(db: Session, query: str, group: str | None) -> list[dict[str, Any]]:
    stmt = select(Contact).order_by(Contact.name)
    if group is not None:
        members = select(GroupMember.contact_id).where(GroupMember.group_id == store.group(db, group).id)
        stmt = stmt.where(Contact.id.in_(members))
    needle = query.strip().lower()
    found = [c for c in db.scalars(stmt) if needle in _text(c)]
    groups: dict[str, list[str]] = {}
    names = select(GroupMember.contact_id, ContactGroup.name).join(
        ContactGroup, ContactGroup.id == GroupMember.group_id
    )
    for contact_id, name in db.execute(names.order_by(ContactGroup.name)):
        groups.setdefault(contact_id, []).append(name)
    return [views.contact(c, groups.get(c.id, [])) for c in found]


def add(
    db: Session, contact_id: str, name: str, email: str, details: dict[str, str | None]
) -> dict[str, Any]:
    if not name.strip():
        raise ToolError("A contact needs a name.")
    row = Contact(id=contact_id, name=name.strip(), email=free_email(db, email, None), **_stripped(details))
    db.add(row)
    return views.contact(row, [])


def update(db: Session, contact_id: str, email: str | None, details: dict[str, str | None]) -> dict[str, Any]:
    row = store.contact(db, contact_id)
    if email is None and all(v is None for v in details.values()):
        raise ToolError("Nothing to change: give at least one of name, email, phone, company, city.")
    if details.get("name") is not None and not (details["name"] or "").strip():
        raise ToolError("A contact's name cannot be empty.")
    if email is not None:
        row.email = free_email(db, email, row.id)
    for field, value in _stripped(details).items():
        if value is not None:
            setattr(row, field, value)
    return views.contact(row, groups_of(db, row.id))


def create_group(db: Session, group_id: str, name: str, member_emails: list[str]) -> dict[str, Any]:
    clean = " ".join(name.split())
    if not clean:
        raise ToolError("A contact group needs a name.")
    clash = db.scalar(select(ContactGroup).where(func.lower(ContactGroup.name) == clean.lower()))
    if clash is not None:
        raise ToolError(f"A contact group named {clash.name!r} already exists.")
    members = {a: store.contact_by_email(db, a.strip()) for a in member_emails}
    unknown = [a for a, c in members.items() if c is None]
    if unknown:
        raise ToolError(f"Not in the contacts: {', '.join(unknown)}. Add them with add_contact first.")
    db.add(ContactGroup(id=group_id, name=clean))
    ids = list(dict.fromkeys(c.id for c in members.values() if c is not None))
    db.add_all(GroupMember(group_id=group_id, contact_id=cid) for cid in ids)
    return {"id": group_id, "name": clean, "members": len(ids)}


def groups_of(db: Session, contact_id: str) -> list[str]:
    stmt = (
        select(ContactGroup.name)
        .join(GroupMember, GroupMember.group_id == ContactGroup.id)
        .where(GroupMember.contact_id == contact_id)
        .order_by(ContactGroup.name)
    )
    return list(db.scalars(stmt))


def free_email(db: Session, email: str, owner_id: str | None) -> str:
    """The normalized address, refused when malformed or already another contact's."""
    (address,) = rules.normalize_addresses([email])
    existing = store.contact_by_email(db, address)
    if existing is not None and existing.id != owner_id:
        raise ToolError(f"{address} already belongs to contact {existing.name} ({existing.id}).")
    return address


def _text(c: Contact) -> str:
    return " ".join(filter(None, (c.name, c.email, c.company, c.city))).lower()


def _stripped(details: dict[str, str | None]) -> dict[str, str | None]:
    return {k: (v.strip() if v is not None else None) for k, v in details.items()}
