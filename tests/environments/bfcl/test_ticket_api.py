"""BFCL TicketAPI (`bfcl_ticket`): docs match, config round trip, conformance, documented behaviour.
Seed facts: jordan.lee is logged in; tickets 1001..1024, next id 1025; 1007 is closed, 1004 resolved."""

from __future__ import annotations

import pytest

from envfactory.environments.catalog.bfcl.ticket_api import TicketApiEnv
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused


@pytest.fixture
def env() -> TicketApiEnv:
    return TicketApiEnv.create()


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(TicketApiEnv, "ticket_api.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("TicketAPI")
    env = TicketApiEnv.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert exported["current_user"] is None and exported["ticket_counter"] == 7424
    assert TicketApiEnv.from_state(exported).export_state() == exported
    assert ok(env, "get_ticket", ticket_id=7423) == {
        "id": 7423,
        "status": "unresolved",
        "description": "Minor snag in the ticketing system.",
    }


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(TicketApiEnv) if not r.ok] == []


def test_a_new_ticket_is_open_owned_by_the_user_and_takes_the_next_id(env: TicketApiEnv) -> None:
    ticket = ok(env, "create_ticket", title="Monitor flickers", priority=3)
    assert ticket == {
        "id": 1025,
        "title": "Monitor flickers",
        "description": "",
        "status": "Open",
        "priority": 3,
    }
    assert ok(env, "get_ticket", ticket_id=1025)["created_by"] == "jordan.lee"
    state = env.export_state()
    assert state["ticket_counter"] == 1026 and state["ticket_queue"][-1]["id"] == 1025


def test_priority_must_be_between_1_and_5(env: TicketApiEnv) -> None:
    assert "between 1 and 5" in refused(env, "create_ticket", title="Too urgent", priority=6)
    assert "between 1 and 5" in refused(env, "edit_ticket", ticket_id=1001, updates={"priority": 0})


def test_creating_and_listing_own_tickets_need_a_login(env: TicketApiEnv) -> None:
    assert ok(env, "logout") == {"success": True}
    assert ok(env, "logout") == {"success": False}
    assert ok(env, "ticket_get_login_status") == {"login_status": False}
    assert "log in" in refused(env, "create_ticket", title="Broken chair")
    assert "log in" in refused(env, "get_user_tickets")
    assert ok(env, "ticket_login", username="priya.shah", password="pw") == {"success": True}
    assert [t["id"] for t in ok(env, "get_user_tickets")] == [1002, 1007, 1016, 1021]


def test_an_empty_password_does_not_log_in(env: TicketApiEnv) -> None:
    ok(env, "logout")
    before = env.state_hash()
    assert ok(env, "ticket_login", username="sam.okafor", password="") == {"success": False}
    assert env.state_hash() == before


def test_user_tickets_filter_by_status_case_insensitively(env: TicketApiEnv) -> None:
    assert [t["id"] for t in ok(env, "get_user_tickets", status="open")] == [1001, 1005, 1014, 1018, 1022]
    assert [t["id"] for t in ok(env, "get_user_tickets", status="Closed")] == [1011, 1023]


def test_resolving_records_the_resolution_and_cannot_be_repeated(env: TicketApiEnv) -> None:
    assert ok(env, "resolve_ticket", ticket_id=1001, resolution="Rolled back the VPN client.") == {
        "status": "Ticket 1001 has been resolved successfully."
    }
    assert env.export_state()["ticket_queue"][0]["resolution"] == "Rolled back the VPN client."
    assert "already resolved" in refused(env, "resolve_ticket", ticket_id=1001, resolution="again")
    assert "closed ticket cannot be resolved" in refused(
        env, "resolve_ticket", ticket_id=1007, resolution="x"
    )


def test_closing_twice_and_unknown_tickets_are_errors(env: TicketApiEnv) -> None:
    assert ok(env, "close_ticket", ticket_id=1002)["status"] == "Ticket 1002 has been closed successfully."
    assert refused(env, "close_ticket", ticket_id=1002) == "Ticket 1002 is already closed."
    assert env.call("get_ticket", {"ticket_id": 99}).content == '{"error":"Ticket with ID 99 not found."}'


def test_edit_changes_only_the_given_fields_and_refuses_unknown_ones(env: TicketApiEnv) -> None:
    ok(env, "edit_ticket", ticket_id=1009, updates={"status": "In Progress", "priority": 4})
    ticket = ok(env, "get_ticket", ticket_id=1009)
    assert (ticket["status"], ticket["priority"], ticket["title"]) == (
        "In Progress",
        4,
        "Slow Wi-Fi in conference room B",
    )
    assert refused(env, "edit_ticket", ticket_id=1009, updates={"owner": "me"}).startswith(
        "Invalid fields for update: owner."
    )
    assert "Say what to change" in refused(env, "edit_ticket", ticket_id=1009, updates={})
