"""Business rules of the mail environment."""

from __future__ import annotations

from typing import Any

import pytest

from envfactory.environments import registry
from envfactory.environments.catalog.mail import MailEnv
from tests.environments.helpers import ok, refused


@pytest.fixture
def env() -> MailEnv:
    return registry.get("mail").create()


def only_message(env: MailEnv, **query: Any) -> dict[str, Any]:
    found = ok(env, "search_messages", **query)
    assert found["total"] == 1, found
    return found["messages"][0]


def test_a_forward_over_the_attachment_limit_is_refused_but_works_without_attachments(env: MailEnv) -> None:
    video = only_message(env, query="walkthrough video")
    error = refused(env, "forward_message", message_id=video["id"], to=["elena.mendes@pier7events.com"])
    assert "37.5 MB" in error and "25.0 MB" in error

    sent = ok(
        env,
        "forward_message",
        message_id=video["id"],
        to=["elena.mendes@pier7events.com"],
        include_attachments=False,
    )
    assert sent["subject"] == "Fwd: Site walkthrough video" and sent["attachments"] == 0
    assert sent["thread_id"] == video["thread_id"]


def test_confidential_mail_is_forwarded_only_inside_the_company(env: MailEnv) -> None:
    deck = only_message(env, query="board deck")
    error = refused(
        env,
        "forward_message",
        message_id=deck["id"],
        to=["aiden.jensen@harborlight.com", "caleb.brennan@atlasventures.vc"],
    )
    assert "caleb.brennan@atlasventures.vc" in error and "aiden" not in error

    sent = ok(env, "forward_message", message_id=deck["id"], to=["aiden.jensen@harborlight.com"])
    full = ok(env, "read_message", message_id=sent["id"])
    assert [a["filename"] for a in full["attachments"]] == ["board_deck_q1.pdf"]


def test_invalid_addresses_never_receive_mail_even_from_a_saved_draft(env: MailEnv) -> None:
    error = refused(env, "send_message", to=["li.wei@maplecourt"], subject="Dinner", body="Saturday?")
    assert "'li.wei@maplecourt' is not a valid email address" in error

    draft = only_message(env, folder="Drafts", query="dinner")
    refused(env, "send_draft", draft_id=draft["id"])
    ok(
        env,
        "save_draft",
        to=["li.wei@maplecourt.com"],
        subject=draft["subject"],
        body="Saturday?",
        draft_id=draft["id"],
    )
    sent = ok(env, "send_draft", draft_id=draft["id"])
    assert (sent["folder"], sent["to"]) == ("Sent", ["li.wei@maplecourt.com"])


def test_executable_attachments_are_blocked(env: MailEnv) -> None:
    error = refused(
        env,
        "send_message",
        to=["quentin.chen@harborlight.com"],
        subject="Installer",
        body="Here.",
        attachments=[{"filename": "Setup_Tool.EXE", "size_bytes": 3_000_000}],
    )
    assert ".exe files are blocked" in error


def test_mail_you_sent_never_goes_into_the_inbox_but_can_be_restored_to_sent(env: MailEnv) -> None:
    agenda = only_message(env, folder="Trash", query="offsite agenda")
    error = refused(env, "move_messages", message_ids=[agenda["id"]], folder="Inbox")
    assert "cannot be moved into Inbox" in error

    (restored,) = ok(env, "move_messages", message_ids=[agenda["id"]], folder="Sent")
    assert restored["folder"] == "Sent"
    assert env.export_state()["messages"][-1]["trashed_from"] is None


def test_only_mail_in_trash_can_be_deleted_for_good(env: MailEnv) -> None:
    photos = only_message(env, query="offsite photos")
    error = refused(env, "delete_messages", message_ids=[photos["id"]], permanent=True)
    assert photos["id"] in error

    assert ok(env, "delete_messages", message_ids=[photos["id"]]) == {
        "trashed": [photos["id"]],
        "deleted": [],
    }
    refused(env, "delete_messages", message_ids=[photos["id"]])
    ok(env, "delete_messages", message_ids=[photos["id"]], permanent=True)
    assert not env.call("read_message", {"message_id": photos["id"]}).ok
    assert not any(a["message_id"] == photos["id"] for a in env.export_state()["attachments"])


def test_reply_all_goes_to_everyone_but_the_owner_and_stays_in_the_thread(env: MailEnv) -> None:
    renewal = only_message(env, query="renewal terms")
    reply = ok(env, "reply_to_message", message_id=renewal["id"], body="Friday.", reply_all=True)
    full = ok(env, "read_message", message_id=reply["id"])
    assert full["to"] == ["Samir Whitfield <samir.whitfield@mosaichealth.org>"]
    assert full["cc"] == ["Yusuf Okafor <yusuf.okafor@harborlight.com>"]
    assert (full["subject"], full["thread_id"], full["in_reply_to"]) == (
        "Re: Contract renewal for Mosaic Health",
        renewal["thread_id"],
        renewal["id"],
    )


def test_no_reply_senders_cannot_be_replied_to(env: MailEnv) -> None:
    booking = only_message(env, query="KX7P2M seat")
    error = refused(env, "reply_to_message", message_id=booking["id"], body="Aisle seat please.")
    assert "no-reply@northlineair.com" in error


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("2026-04-13", "2026-04-20", "in the past"),
        ("2026-04-20", "2026-04-19", "before start_date"),
        ("2026-06-01", "2026-07-31", "at most 60 days"),
    ],
)
def test_a_vacation_reply_starts_today_or_later_and_lasts_at_most_60_days(
    env: MailEnv, start: str, end: str, reason: str
) -> None:
    error = refused(
        env,
        "set_vacation_reply",
        enabled=True,
        start_date=start,
        end_date=end,
        subject="Away",
        message="Back soon.",
    )
    assert reason in error

    on = ok(
        env,
        "set_vacation_reply",
        enabled=True,
        start_date="2026-04-14",
        end_date="2026-06-12",
        subject="Away",
        message="Back soon.",
    )
    assert on["enabled"] and on["end_date"] == "2026-06-12"


def test_a_contact_email_belongs_to_one_contact_only(env: MailEnv) -> None:
    error = refused(env, "add_contact", name="Nora K", email="Nora.Kowalski@harborlaneprint.com")
    assert "Nora Kowalski (C020)" in error
    refused(env, "update_contact", contact_id="C011", email="nora.kowalski@harborlaneprint.com")

    added = ok(env, "add_contact", name="Liam Eriksen", email="Liam.Eriksen@orbitmedia.co")
    assert added["email"] == "liam.eriksen@orbitmedia.co"
    group = ok(env, "create_contact_group", name="Design Week", member_emails=["liam.eriksen@orbitmedia.co"])
    assert group["members"] == 1
    assert ok(env, "find_contacts", query="Liam")[0]["groups"] == ["Design Week"]
