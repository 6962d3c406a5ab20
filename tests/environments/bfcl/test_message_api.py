"""BFCL MessageAPI (`bfcl_message`): docs match, config round trip, conformance, documented
behaviour. Seed facts: Priya (USR001) is logged in; 8 users USR001..USR008 (Marcus USR002, Sofia
USR003, Kenji USR004, Tomas USR008); 12 logged messages, two to USR002 and none to USR008."""

from __future__ import annotations

import pytest

from envfactory.environments import StateError
from envfactory.environments.catalog.bfcl.message_api import MessageApiEnv
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused

Env = MessageApiEnv


@pytest.fixture
def env() -> MessageApiEnv:
    return Env.create()


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(Env, "message_api.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("MessageAPI")
    env = Env.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert exported["user_map"]["Priya"] == "USR001"  # keys the example leaves out keep the seed's
    assert Env.from_state(exported).export_state() == exported
    assert ok(env, "view_messages_sent") == {
        "messages": {"USR002": ["Meeting at 3 PM"], "USR003": ["Please review the document."]}
    }
    assert ok(env, "get_message_stats") == {"stats": {"received_count": 0, "total_contacts": 2}}
    with pytest.raises(StateError, match="Unknown MessageAPI state keys"):
        Env.create(state={"outbox": []})


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(Env) if not r.ok] == []


def test_sending_appends_to_the_log_with_a_fresh_message_id(env: MessageApiEnv) -> None:
    before = env.export_state()
    sent = ok(env, "send_message", receiver_id="USR003", message="The launch moved to April 2.")
    assert sent["sent_status"] is True and sent["message"] == "Message sent to 'USR003'."
    assert 10000 <= sent["message_id"] <= 99999 and sent["message_id"] not in before["generated_ids"]
    after = env.export_state()
    assert after["inbox"] == [*before["inbox"], {"USR003": ["The launch moved to April 2."]}]
    assert after["message_count"] == before["message_count"] + 1
    assert sent["message_id"] in after["generated_ids"]


def test_sending_the_same_message_again_is_deterministic_but_gets_a_new_id(env: MessageApiEnv) -> None:
    other = env.fork()
    first = ok(env, "send_message", receiver_id="USR004", message="Running late.")
    assert ok(other, "send_message", receiver_id="USR004", message="Running late.") == first
    second = ok(env, "send_message", receiver_id="USR004", message="Running late.")
    assert second["message_id"] != first["message_id"]


def test_an_unknown_receiver_or_empty_text_is_not_sent(env: MessageApiEnv) -> None:
    before = env.state_hash()
    assert ok(env, "send_message", receiver_id="USR099", message="Hi") == {
        "sent_status": False,
        "message": "Receiver ID 'USR099' not found.",
    }
    assert ok(env, "send_message", receiver_id="USR002", message="  ")["sent_status"] is False
    assert env.state_hash() == before


def test_messaging_needs_a_login_but_the_directory_does_not() -> None:
    env = Env.create(state={"current_user": None})
    assert ok(env, "message_get_login_status") == {"login_status": False}
    for tool, args in [
        ("send_message", {"receiver_id": "USR002", "message": "Hi"}),
        ("delete_message", {"receiver_id": "USR002"}),
        ("view_messages_sent", {}),
        ("search_messages", {"keyword": "budget"}),
        ("get_message_stats", {}),
    ]:
        assert "No user is logged in" in refused(env, tool, args)
    assert ok(env, "get_user_id", user="kenji") == {"user_id": "USR004"}
    assert ok(env, "message_login", user_id="USR404") == {
        "login_status": False,
        "message": "User ID 'USR404' not found.",
    }
    assert ok(env, "message_login", user_id="USR004")["login_status"] is True
    assert env.export_state()["current_user"] == "USR004"


def test_delete_removes_only_the_latest_message_to_that_receiver(env: MessageApiEnv) -> None:
    result = ok(env, "delete_message", receiver_id="USR002")
    assert result == {
        "deleted_status": True,
        "receiver_id": "USR002",
        "message": "Latest message to 'USR002' deleted.",
    }
    assert ok(env, "view_messages_sent")["messages"]["USR002"] == [
        "Can you send me the slides for Monday's review?"
    ]
    assert len(env.export_state()["inbox"]) == 11
    before = env.state_hash()
    assert ok(env, "delete_message", receiver_id="USR008")["deleted_status"] is False
    assert env.state_hash() == before


def test_add_contact_takes_the_next_id_and_refuses_existing_names(env: MessageApiEnv) -> None:
    assert ok(env, "add_contact", user_name="Noah") == {
        "added_status": True,
        "user_id": "USR009",
        "message": "Contact 'Noah' added with ID USR009.",
    }
    assert env.export_state()["user_count"] == 9
    assert ok(env, "list_users")["user_list"][-1] == "Noah"
    existing = ok(env, "add_contact", user_name="sofia")
    assert existing["added_status"] is False and existing["user_id"] == "USR003"
    assert "not found" in refused(env, "get_user_id", user="Olivia")


def test_search_is_case_insensitive_and_stats_count_the_logged_in_user(env: MessageApiEnv) -> None:
    hits = ok(env, "search_messages", keyword="BUDGET")["results"]
    assert [h["receiver_id"] for h in hits] == ["USR005", "USR001", "USR005"]
    assert ok(env, "get_message_stats") == {"stats": {"received_count": 2, "total_contacts": 6}}
    ok(env, "message_login", user_id="USR005")
    assert ok(env, "get_message_stats") == {"stats": {"received_count": 2, "total_contacts": 6}}
    ok(env, "message_login", user_id="USR008")
    assert ok(env, "get_message_stats") == {"stats": {"received_count": 0, "total_contacts": 7}}


def test_view_groups_the_log_by_receiver_oldest_first(env: MessageApiEnv) -> None:
    ok(env, "send_message", receiver_id="USR002", message="Standup moved to 9:30.")
    messages = ok(env, "view_messages_sent")["messages"]
    assert messages["USR002"] == [
        "Can you send me the slides for Monday's review?",
        "Never mind, found the slides in the shared drive.",
        "Standup moved to 9:30.",
    ]
    assert "USR008" not in messages and sum(map(len, messages.values())) == 13
    assert ok(env, "message_login", user_id="USR001") == {
        "login_status": True,
        "message": "Priya (USR001) is already logged in.",
    }
