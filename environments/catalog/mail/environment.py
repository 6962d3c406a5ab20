"""Mail: one person's mailbox and address book.

Business rules (enforced by the tools, explained to agents in policy.md): only valid addresses
receive mail; at most 50 recipients and 25 MB of attachments per message; executable files are
blocked; no-reply senders cannot be replied to; Confidential mail is forwarded only inside the
company; your own mail never goes into Inbox; drafts are sent or deleted, never moved; permanent
deletion only from Trash; a vacation reply starts today or later and lasts at most 60 days.

The tools are thin: the rules live in `rules.py`, and the work in `compose.py` (outgoing mail),
`organize.py` (folders, labels, flags, trash), `contacts.py`, `settings.py` and `search.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from envfactory.environments import Environment, ToolError, tool

from . import compose, contacts, data, organize, rules, settings, store, views
from .models import Base, Folder, Message
from .search import MessageQuery, run_query


class NewAttachment(BaseModel):
    """A file from the user's computer to attach."""

    filename: str = Field(description="File name with extension, e.g. report.pdf.")
    size_bytes: int = Field(gt=0, description="File size in bytes.")


class MailEnv(Environment):
    name = "mail"
    domain = "communication"
    description = (
        "An email client for one person: search, read, send, reply, forward, drafts, folders, labels, "
        "trash, contacts and groups, filters and a vacation auto-reply."
    )
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-04-14T09:30:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now()))

    # ------------------------------------------------------------------ reading mail
    @tool()
    def list_folders(self) -> dict[str, Any]:
        """List the mailbox's folders and labels with how many messages (and unread ones) each holds."""
        return views.overview(self.db)

    @tool(trace_ignore=("limit", "offset"))
    def search_messages(
        self,
        query: str = "",
        sender: str | None = None,
        recipient: str | None = None,
        folder: str | None = None,
        label: str | None = None,
        unread_only: bool = False,
        starred_only: bool = False,
        has_attachment: bool = False,
        after: date | None = None,
        before: date | None = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
        offset: Annotated[int, Field(ge=0)] = 0,
    ) -> dict[str, Any]:
        """Search messages, newest first. Without a folder, every folder except Trash is searched.

        Args:
            query: words that must all appear in the subject, body or an attachment's file name.
            sender: part of the sender's name or address, e.g. "harborlaneprint" or "Rosa".
            recipient: part of a to/cc recipient's name or address.
            folder: only this folder (Inbox, Sent, Drafts, Archive, Trash or a custom folder).
            label: only messages with this label.
            unread_only: only unread messages.
            starred_only: only starred messages.
            has_attachment: only messages with at least one attachment.
            after: only messages dated on or after this day (YYYY-MM-DD).
            before: only messages dated on or before this day (YYYY-MM-DD).
            limit: how many messages to return (1-100).
            offset: how many matching messages to skip, for paging.
        """
        q = MessageQuery(query, sender, recipient, unread_only, starred_only, has_attachment, after, before)
        folder_id = store.folder(self.db, folder).id if folder is not None else None
        label_id = store.label(self.db, label).id if label is not None else None
        found = run_query(self.db, q, folder_id, label_id)
        return {
            "total": len(found),
            "messages": views.summaries(self.db, found[offset : offset + limit]),
        }

    @tool()
    def read_message(self, message_id: str) -> dict[str, Any]:
        """Read one message in full: body, recipients, labels and attachment details.

        Args:
            message_id: the message's id, from search_messages.
        """
        return views.full(self.db, store.message(self.db, message_id))

    @tool()
    def get_thread(self, thread_id: str) -> dict[str, Any]:
        """Read a whole conversation, oldest message first.

        Args:
            thread_id: the thread's id, from search_messages or read_message.
        """
        stmt = (
            select(Message).where(Message.thread_id == thread_id.strip()).order_by(Message.date, Message.id)
        )
        rows = list(self.db.scalars(stmt))
        if not rows:
            raise ToolError(
                f"No thread with id {thread_id!r}; search_messages shows each message's thread_id."
            )
        return {
            "thread_id": rows[0].thread_id,
            "subject": rows[0].subject,
            "messages": [views.full(self.db, m) for m in rows],
        }

    # ------------------------------------------------------------------ writing mail
    @tool(write=True, trace_ignore=("body",))
    def send_message(
        self,
        to: list[str],
        subject: str,
        body: str,
        cc: list[str] | None = None,
        bcc: list[str] | None = None,
        attachments: list[NewAttachment] | None = None,
    ) -> dict[str, Any]:
        """Send a new email, starting a new conversation.

        Args:
            to: recipient addresses.
            subject: the subject line; cannot be empty.
            body: the text of the email.
            cc: addresses to copy.
            bcc: addresses to copy blindly.
            attachments: files to attach; at most 25 MB in total, executable file types are blocked.
        """
        files = [(f.filename, f.size_bytes) for f in attachments or []]
        return compose.send(
            self.db, self.new_id, self.now(), {"to": to, "cc": cc, "bcc": bcc}, subject, body, files
        )

    @tool(write=True, trace_ignore=("body",))
    def reply_to_message(self, message_id: str, body: str, reply_all: bool = False) -> dict[str, Any]:
        """Reply in the same conversation. A reply to your own sent mail goes to its recipients.

        Args:
            message_id: the message to reply to.
            body: the text of the reply.
            reply_all: also reply to everyone else in to/cc (you are left out).
        """
        return compose.reply(self.db, self.new_id, self.now(), message_id, body, reply_all)

    @tool(write=True, trace_ignore=("note",))
    def forward_message(
        self,
        message_id: str,
        to: list[str],
        note: str = "",
        include_attachments: bool = True,
        cc: list[str] | None = None,
    ) -> dict[str, Any]:
        """Forward a message, with its attachments unless told otherwise.

        Args:
            message_id: the message to forward.
            to: addresses to forward it to.
            note: a short note written above the forwarded message.
            include_attachments: forward the attachments too (they count toward the 25 MB limit).
            cc: addresses to copy.
        """
        recipients = {"to": to, "cc": cc}
        return compose.forward(
            self.db, self.new_id, self.now(), message_id, recipients, note, include_attachments
        )

    @tool(write=True, trace_ignore=("body",))
    def save_draft(
        self, to: list[str], subject: str, body: str, cc: list[str] | None = None, draft_id: str | None = None
    ) -> dict[str, Any]:
        """Save a draft in Drafts: a new one, or new contents for an existing draft. Addresses are
        checked only when the draft is sent.

        Args:
            to: recipient addresses (may be empty for now).
            subject: the subject line.
            body: the text so far.
            cc: addresses to copy.
            draft_id: the draft to overwrite; leave out to start a new draft.
        """
        people = {"to": to, "cc": cc}
        return compose.save_draft(self.db, self.new_id, self.now(), people, subject, body, draft_id)

    @tool(write=True)
    def send_draft(self, draft_id: str) -> dict[str, Any]:
        """Send a draft as it is; it moves to Sent. Its addresses and subject are checked now.

        Args:
            draft_id: the id of a message in Drafts.
        """
        return compose.send_draft(self.db, self.now(), draft_id)

    # ------------------------------------------------------------------ organising mail
    @tool(write=True)
    def move_messages(self, message_ids: list[str], folder: str) -> list[dict[str, Any]]:
        """Move messages to a folder: Inbox, Archive, Sent (your own mail only) or a custom folder.
        Moving a message out of Trash restores it.

        Args:
            message_ids: ids of the messages to move.
            folder: the destination folder's name.
        """
        return organize.move(self.db, message_ids, folder)

    @tool(write=True)
    def create_folder(self, name: str) -> dict[str, Any]:
        """Create a custom folder.

        Args:
            name: the new folder's name (up to 40 characters, not already used).
        """
        clean = rules.check_folder_name(name, self.db.scalars(select(Folder.name)))
        self.db.add(Folder(id=self.new_id("F", 4), name=clean, system=False))
        return {"name": clean, "system": False, "total": 0, "unread": 0}

    @tool(write=True)
    def label_messages(
        self, message_ids: list[str], label: str, remove: bool = False
    ) -> list[dict[str, Any]]:
        """Add a label to messages, or take it off.

        Args:
            message_ids: ids of the messages.
            label: an existing label's name, e.g. Follow up.
            remove: take the label off instead of adding it.
        """
        return organize.label(self.db, message_ids, label, remove)

    @tool(write=True)
    def mark_messages(
        self, message_ids: list[str], read: bool | None = None, starred: bool | None = None
    ) -> list[dict[str, Any]]:
        """Mark messages read or unread, starred or unstarred.

        Args:
            message_ids: ids of the messages.
            read: true for read, false for unread; leave out to keep as is.
            starred: true to star, false to unstar; leave out to keep as is.
        """
        return organize.mark(self.db, message_ids, read, starred)

    @tool(write=True)
    def delete_messages(self, message_ids: list[str], permanent: bool = False) -> dict[str, list[str]]:
        """Move messages to Trash (drafts are discarded at once), or delete them forever from Trash.

        Args:
            message_ids: ids of the messages.
            permanent: delete forever; only for messages already in Trash. This cannot be undone.
        """
        return organize.trash(self.db, message_ids, permanent)

    # ------------------------------------------------------------------ contacts
    @tool()
    def find_contacts(self, query: str = "", group: str | None = None) -> list[dict[str, Any]]:
        """Find contacts whose name, email, company or city contains the query (case-insensitive).

        Args:
            query: text to look for; empty lists every contact.
            group: only members of this contact group.
        """
        return contacts.find(self.db, query, group)

    @tool(write=True)
    def add_contact(
        self,
        name: str,
        email: str,
        phone: str | None = None,
        company: str | None = None,
        city: str | None = None,
    ) -> dict[str, Any]:
        """Add a person to the contacts.

        Args:
            name: full name.
            email: email address; must be valid and not already a contact's.
            phone: phone number.
            company: where they work.
            city: where they are based.
        """
        details = {"phone": phone, "company": company, "city": city}
        return contacts.add(self.db, self.new_id("C", 4), name, email, details)

    @tool(write=True)
    def update_contact(
        self,
        contact_id: str,
        name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        company: str | None = None,
        city: str | None = None,
    ) -> dict[str, Any]:
        """Change a contact's details; fields left out stay as they are.

        Args:
            contact_id: the contact's id, from find_contacts.
            name: new full name.
            email: new email address; must be valid and not another contact's.
            phone: new phone number.
            company: new company.
            city: new city.
        """
        details = {"name": name, "phone": phone, "company": company, "city": city}
        return contacts.update(self.db, contact_id, email, details)

    @tool(write=True)
    def create_contact_group(self, name: str, member_emails: list[str]) -> dict[str, Any]:
        """Create a contact group from existing contacts.

        Args:
            name: the group's name; not already used.
            member_emails: email addresses of contacts to put in the group.
        """
        return contacts.create_group(self.db, self.new_id("G", 4), name, member_emails)

    # ------------------------------------------------------------------ settings
    @tool()
    def get_mail_settings(self) -> dict[str, Any]:
        """Show the account owner, today's date, sending limits, the vacation reply and the mail filters."""
        return settings.overview(self.db, self.now().date())

    @tool(write=True)
    def set_vacation_reply(
        self,
        enabled: bool,
        start_date: date | None = None,
        end_date: date | None = None,
        subject: str | None = None,
        message: str | None = None,
        contacts_only: bool = False,
    ) -> dict[str, Any]:
        """Turn the vacation auto-reply on for a date range, or off.

        Args:
            enabled: true to turn it on, false to turn it off (the other fields are then ignored).
            start_date: first day away (YYYY-MM-DD); today or later.
            end_date: last day away (YYYY-MM-DD); at most 60 days from the start, counting both ends.
            subject: subject of the automatic reply.
            message: text of the automatic reply.
            contacts_only: only reply to people in the contacts.
        """
        return settings.set_vacation(
            self.db, self.now().date(), enabled, start_date, end_date, subject, message, contacts_only
        )
