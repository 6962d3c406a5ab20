"""Seed data: the message workspace of a small product team, as a BFCL `initial_config` (the
same shape sessions accept), so the default state is also the fallback for the keys a partial
config leaves out. Priya (USR001), the workspace owner, is logged in."""

from __future__ import annotations

from typing import Any

USERS = {
    "Priya": "USR001",
    "Marcus": "USR002",
    "Sofia": "USR003",
    "Kenji": "USR004",
    "Amara": "USR005",
    "Liam": "USR006",
    "Hannah": "USR007",
    "Tomas": "USR008",
}

INBOX: list[dict[str, Any]] = [
    {"USR002": ["Can you send me the slides for Monday's review?"]},
    {"USR003": ["The client signed off on the new onboarding flow."]},
    {"USR004": ["Lunch on Thursday? The ramen place near the office."]},
    {"USR002": ["Never mind, found the slides in the shared drive."]},
    {"USR005": ["Reminder: the budget draft is due Friday at noon."]},
    {"USR001": ["Note to self: renew the parking permit before March 15."]},
    {"USR006": ["Welcome to the team, Liam! Your laptop arrives Tuesday."]},
    {"USR003": ["Please review the pricing page copy before the launch."]},
    {"USR007": ["The quarterly report numbers look great, thanks Hannah."]},
    {"USR004": ["Moving our sync to 3 PM tomorrow, the design review ran over."]},
    {"USR001": ["Note to self: ask Marcus about the Lisbon offsite budget."]},
    {"USR005": ["Budget draft received, I will review it over the weekend."]},
]

GENERATED_IDS = [10342, 18457, 22019, 31876, 40521, 47730, 52214, 60985, 67342, 73108, 81659, 94027]

DEFAULT_CONFIG: dict[str, Any] = {
    "generated_ids": GENERATED_IDS,
    "user_count": len(USERS),
    "user_map": USERS,
    "inbox": INBOX,
    "message_count": sum(len(texts) for entry in INBOX for texts in entry.values()),
    "current_user": "USR001",
}
