"""Seed state of the TicketAPI environment, in BFCL's `initial_config` shape: the internal IT and
facilities help desk of Brightwater Logistics. Jordan Lee, a support engineer, is logged in."""

from __future__ import annotations

from typing import Any

CURRENT_USER = "jordan.lee"
FIRST_ID = 1001

# (title, description, status, priority, created_by, resolution)
TICKETS: list[tuple[str, str, str, int, str, str | None]] = [
    (
        "VPN drops every 20 minutes",
        "Remote staff in Denver lose the VPN tunnel about every 20 minutes since the client update.",
        "Open",
        4,
        "jordan.lee",
        None,
    ),
    (
        "Printer on floor 3 jams",
        "The HP printer by the kitchen on floor 3 jams on double-sided jobs.",
        "Open",
        2,
        "priya.shah",
        None,
    ),
    (
        "New laptop for Marta Gomez",
        "Marta starts in Finance on the 16th; needs a laptop with the finance image.",
        "In Progress",
        3,
        "jordan.lee",
        None,
    ),
    (
        "Password reset for warehouse kiosk",
        "Kiosk WH-07 shows 'account locked' at the login screen.",
        "Resolved",
        3,
        "sam.okafor",
        "Unlocked the kiosk service account and rotated its password.",
    ),
    (
        "Outlook calendar not syncing on phone",
        "Meetings accepted on the phone do not show up in Outlook on the desktop.",
        "Open",
        2,
        "jordan.lee",
        None,
    ),
    (
        "Badge reader at loading dock offline",
        "Badge reader at dock door 4 shows a red light and does not beep.",
        "Open",
        5,
        "alex.nguyen",
        None,
    ),
    (
        "Request: second monitor",
        "Requesting a second 27-inch monitor for dispatch desk 12.",
        "Closed",
        1,
        "priya.shah",
        None,
    ),
    (
        "Shared drive permissions for Audit",
        "External auditors need read access to the Q4 folder on the finance share.",
        "Resolved",
        3,
        "jordan.lee",
        "Granted read-only access to the audit group until 31 March.",
    ),
    (
        "Slow Wi-Fi in conference room B",
        "Video calls freeze in conference room B; other rooms are fine.",
        "Open",
        3,
        "maria.russo",
        None,
    ),
    (
        "Route planner crashes on export",
        "Exporting a route plan to PDF crashes the planner for routes over 40 stops.",
        "In Progress",
        4,
        "sam.okafor",
        None,
    ),
    (
        "Phishing email reported",
        "Several staff received an email pretending to be payroll asking for bank details.",
        "Closed",
        5,
        "jordan.lee",
        "Blocked the sender domain and purged the message from all mailboxes.",
    ),
    (
        "Keyboard replacement",
        "Keys E and R stopped working on the keyboard at reception.",
        "Resolved",
        1,
        "alex.nguyen",
        "Swapped in a spare keyboard from storage.",
    ),
    (
        "Timesheet app shows wrong week",
        "Timesheet app opens on last week's sheet for night-shift staff.",
        "Open",
        3,
        "maria.russo",
        None,
    ),
    (
        "Install Tableau for analytics team",
        "Three analysts need Tableau Desktop installed with the team licence.",
        "Open",
        2,
        "jordan.lee",
        None,
    ),
    (
        "Forklift tablet will not charge",
        "Tablet mounted on forklift FL-2 does not charge from the dock cable.",
        "Open",
        3,
        "sam.okafor",
        None,
    ),
    (
        "Email quota full for shipping inbox",
        "shipping@ mailbox is at 100% and bouncing messages from carriers.",
        "In Progress",
        5,
        "priya.shah",
        None,
    ),
    (
        "Projector bulb in training room",
        "Projector in the training room is very dim; probably the bulb.",
        "Closed",
        1,
        "maria.russo",
        "Replaced the projector bulb.",
    ),
    (
        "MFA prompts not arriving",
        "Authenticator push notifications arrive minutes late or not at all for some users.",
        "Open",
        4,
        "jordan.lee",
        None,
    ),
    (
        "Access to carrier portal",
        "New dispatcher Leo Park needs an account on the FreightLink carrier portal.",
        "Resolved",
        2,
        "alex.nguyen",
        "Created the account and sent the invite to Leo.",
    ),
    (
        "Scanner driver after Windows update",
        "Document scanner in HR stopped working after the latest Windows update.",
        "Open",
        3,
        "maria.russo",
        None,
    ),
    (
        "Desk phone has no dial tone",
        "Desk phone at extension 4471 has no dial tone.",
        "Open",
        2,
        "priya.shah",
        None,
    ),
    (
        "Backup job failed twice",
        "Nightly backup of the ERP database failed on Monday and Tuesday with a timeout.",
        "Open",
        5,
        "jordan.lee",
        None,
    ),
    (
        "Update office floor plan in intranet",
        "The intranet floor plan still shows the old seating for floor 2.",
        "Closed",
        1,
        "jordan.lee",
        None,
    ),
    (
        "Replace cracked phone screen",
        "Company phone of the night-shift supervisor has a cracked screen.",
        "In Progress",
        2,
        "sam.okafor",
        None,
    ),
]


def seed_config() -> dict[str, Any]:
    queue = []
    for i, (title, description, status, priority, created_by, resolution) in enumerate(TICKETS):
        ticket = {
            "id": FIRST_ID + i,
            "title": title,
            "description": description,
            "status": status,
            "priority": priority,
            "created_by": created_by,
        }
        queue.append(ticket | ({"resolution": resolution} if resolution else {}))
    return {"ticket_queue": queue, "ticket_counter": FIRST_ID + len(TICKETS), "current_user": CURRENT_USER}
