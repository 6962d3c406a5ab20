"""Business rules of the mailbox, as small pure checks that raise `ToolError` with a message
naming the bad value and what would be allowed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from envfactory.environments import ToolError

OWNER_NAME = "Jordan Reyes"
OWNER_ADDRESS = "jordan.reyes@harborlight.com"
COMPANY_DOMAIN = "harborlight.com"

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_RECIPIENTS = 50
MAX_VACATION_DAYS = 60
BLOCKED_EXTENSIONS = (".exe", ".bat", ".cmd", ".com", ".js", ".msi", ".scr", ".vbs", ".jar")
CONFIDENTIAL_LABEL = "Confidential"


_ADDRESS = re.compile(r"^[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
_NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply)@", re.IGNORECASE)


def normalize_addresses(addresses: Iterable[str]) -> list[str]:
    """Lower-cased, stripped, de-duplicated addresses (order kept); refuses malformed ones."""
    seen: list[str] = []
    for raw in addresses:
        address = raw.strip().lower()
        if not _ADDRESS.match(address):
            raise ToolError(
                f"{raw!r} is not a valid email address; use the form name@domain.tld "
                "(look the person up in the contacts if unsure)."
            )
        if address not in seen:
            seen.append(address)
    return seen


def check_recipient_count(to: list[str], cc: list[str], bcc: list[str]) -> None:
    if not to:
        raise ToolError("A message needs at least one address in 'to'.")
    total = len(to) + len(cc) + len(bcc)
    if total > MAX_RECIPIENTS:
        raise ToolError(f"{total} recipients is more than the limit of {MAX_RECIPIENTS} per message.")


def check_subject(subject: str) -> None:
    if not subject.strip():
        raise ToolError("The subject is empty; a message must have a subject before it is sent.")


def check_attachment_total(sizes: Iterable[int], hint: str = "") -> None:
    total = sum(sizes)
    if total > MAX_ATTACHMENT_BYTES:
        raise ToolError(
            f"Attachments total {mb(total)} MB, over the {mb(MAX_ATTACHMENT_BYTES)} MB limit per message."
            + (f" {hint}" if hint else "")
        )


def check_file_type(filename: str) -> None:
    lowered = filename.lower()
    for ext in BLOCKED_EXTENSIONS:
        if lowered.endswith(ext):
            raise ToolError(
                f"{filename!r} cannot be attached: {ext} files are blocked for security. "
                f"Blocked types: {', '.join(BLOCKED_EXTENSIONS)}; send it zipped or as a shared link."
            )


def check_can_reply(address: str) -> None:
    if _NO_REPLY.match(address):
        raise ToolError(f"{address} is a no-reply address and does not accept replies.")


def check_internal_only(subject: str, addresses: Iterable[str]) -> None:
    outside = [a for a in addresses if not a.endswith("@" + COMPANY_DOMAIN)]
    if outside:
        raise ToolError(
            f"'{subject}' is labelled {CONFIDENTIAL_LABEL} and may only be forwarded to "
            f"@{COMPANY_DOMAIN} addresses; refused for {', '.join(outside)}."
        )


def check_move(target_id: str, msg_id: str, sent_by_owner: bool, current_id: str, current_name: str) -> None:
    """Where a message may go: never into Drafts or (by moving) Trash; drafts stay put; only your
    own mail goes into Sent, and your own mail never goes into Inbox."""
    if target_id == "trash":
        raise ToolError("Use delete_messages to move mail to Trash.")
    if target_id == "drafts" or current_id == "drafts":
        raise ToolError(f"{msg_id}: drafts cannot be moved in or out of Drafts; send the draft or delete it.")
    if target_id == "sent" and not sent_by_owner:
        raise ToolError(f"{msg_id} was not sent by you, so it cannot go into Sent.")
    if target_id == "inbox" and sent_by_owner:
        raise ToolError(
            f"{msg_id} is mail you sent and cannot be moved into Inbox; it can go to Sent, Archive or a "
            f"custom folder instead (currently in {current_name})."
        )


def vacation_window(
    start: date | None, end: date | None, subject: str | None, message: str | None, today: date
) -> tuple[date, date, str, str]:
    """The checked (start, end, subject, message) of a vacation reply being turned on."""
    if start is None or end is None:
        raise ToolError("Turning the vacation reply on needs both a start_date and an end_date.")
    if start < today:
        raise ToolError(f"start_date {start.isoformat()} is in the past (today is {today.isoformat()}).")
    if end < start:
        raise ToolError(f"end_date {end.isoformat()} is before start_date {start.isoformat()}.")
    days = (end - start).days + 1
    if days > MAX_VACATION_DAYS:
        raise ToolError(
            f"A vacation reply can run at most {MAX_VACATION_DAYS} days; "
            f"{start.isoformat()} to {end.isoformat()} is {days} days."
        )
    if not (subject or "").strip() or not (message or "").strip():
        raise ToolError("Turning the vacation reply on needs a subject and a message.")
    return start, end, (subject or "").strip(), (message or "").strip()


def check_folder_name(name: str, existing: Iterable[str]) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ToolError("A folder needs a name.")
    if len(clean) > 40:
        raise ToolError(f"Folder names are limited to 40 characters; {clean!r} has {len(clean)}.")
    taken = [n for n in existing if n.lower() == clean.lower()]
    if taken:
        raise ToolError(f"A folder named {taken[0]!r} already exists.")
    return clean


def mb(size: int) -> float:
    return round(size / (1024 * 1024), 1)
