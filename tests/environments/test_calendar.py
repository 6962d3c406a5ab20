"""Business rules of the calendar environment: meetings respect working hours in every time zone,
rooms and organizers; tasks follow their workflow. A refused call changes nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from envfactory.environments import Environment, registry
from envfactory.environments.catalog.calendar.clock import to_local, to_utc
from tests.environments.helpers import ok as call
from tests.environments.helpers import refused

NADIA = "nadia.okafor@larkspur.io"
ARJUN = "arjun.mehta@larkspur.io"  # Bangalore, 09:00-17:30 IST


@pytest.fixture
def env() -> Environment:
    return registry.get("calendar").create()


def event_id(env: Environment, day: str, title: str) -> str:
    events = call(env, "list_events", start_date=day, end_date=day)
    return next(e["event_id"] for e in events if e.get("title") == title)


def test_a_meeting_outside_an_attendees_working_hours_is_refused(env: Environment) -> None:
    late_in_bangalore = {"title": "Triage", "attendee_emails": [ARJUN]}
    error = refused(
        env, "create_event", start="2026-03-10T14:00", end="2026-03-10T14:30", **late_in_bangalore
    )
    assert "Arjun Mehta" in error and "19:30" in error
    created = call(env, "create_event", start="2026-03-10T10:00", end="2026-03-10T10:30", **late_in_bangalore)
    assert [a["response"] for a in created["attendees"]] == ["accepted", "needs_action"]


def test_a_room_is_never_double_booked_or_over_capacity(env: Environment) -> None:
    error = refused(
        env,
        "create_event",
        title="Design QA",
        start="2026-03-12T11:30",
        end="2026-03-12T12:00",
        attendee_emails=["sophie.turner@larkspur.io"],
        room_id="LDN-FLEET",
    )
    assert "already booked" in error
    launch_check = event_id(env, "2026-03-13", "Launch readiness check")  # five people
    assert "seats 4" in refused(env, "book_room", event_id=launch_check, room_id="LDN-CAMDEN")


def test_only_the_organizer_can_change_a_meeting_but_invitees_can_respond(env: Environment) -> None:
    planning = event_id(env, "2026-03-11", "Quarterly planning")  # organized by Charlotte Evans
    assert "only cancel meetings you organize" in refused(env, "cancel_event", event_id=planning)
    refused(env, "reschedule_event", event_id=planning, start="2026-03-11T15:00", end="2026-03-11T16:00")
    answered = call(env, "respond_to_invitation", event_id=planning, response="accepted")
    assert [a["response"] for a in answered["answered"]] == ["accepted"]


def test_past_meetings_cannot_be_answered(env: Environment) -> None:
    retro = event_id(env, "2026-03-06", "Sprint retro")
    assert "past meetings cannot be changed" in refused(
        env, "respond_to_invitation", event_id=retro, response="declined"
    )


def test_cancelling_a_series_spares_the_earlier_occurrences(env: Environment) -> None:
    one_to_one = event_id(env, "2026-03-25", "Nadia / Priya 1:1")
    cancelled = call(env, "cancel_event", event_id=one_to_one, scope="series")["cancelled"]
    assert [e["start"][:10] for e in cancelled] == ["2026-03-25", "2026-04-01"]
    earlier = call(env, "list_events", start_date="2026-03-18", end_date="2026-03-18")
    assert any(e["title"] == "Nadia / Priya 1:1" for e in earlier)


def test_rescheduling_asks_every_attendee_to_respond_again(env: Environment) -> None:
    review = event_id(env, "2026-03-17", "Roadmap review")
    moved = call(env, "reschedule_event", event_id=review, start="2026-03-18T14:00", end="2026-03-18T14:45")
    responses = {a["email"]: a["response"] for a in moved["attendees"]}
    assert responses.pop(NADIA) == "accepted"
    assert set(responses.values()) == {"needs_action"}


def test_free_slots_lie_inside_everyones_working_hours(env: Environment) -> None:
    found = call(
        env,
        "find_free_slots",
        attendee_emails=[ARJUN, "grace.kim@larkspur.io"],  # Bangalore and New York barely overlap
        start_date="2026-03-09",
        end_date="2026-03-13",
        duration_minutes=30,
    )
    assert found["free"] == []
    with_berlin = call(
        env,
        "find_free_slots",
        attendee_emails=["lena.fischer@larkspur.io"],  # Berlin, 08:00-16:30, i.e. 07:00-15:30 in London
        start_date="2026-03-10",
        end_date="2026-03-10",
        duration_minutes=60,
    )
    assert with_berlin["free"] and all(w["end"] <= "2026-03-10T15:30" for w in with_berlin["free"])


def test_a_done_task_cannot_go_back_to_todo_but_can_be_reopened(env: Environment) -> None:
    assert "from done it can move to in_progress" in refused(
        env, "update_task_status", task_key="ATL-15", status="todo"
    )
    reopened = call(env, "update_task_status", task_key="ATL-15", status="in_progress")
    assert reopened["status"] == "in_progress" and reopened["completed_on"] is None


def test_blocking_a_task_needs_a_reason_that_is_cleared_on_unblocking(env: Environment) -> None:
    assert "needs a reason" in refused(env, "update_task_status", task_key="EMB-3", status="blocked")
    blocked = call(env, "update_task_status", task_key="EMB-3", status="blocked", reason="Waiting on legal")
    assert blocked["blocked_reason"] == "Waiting on legal"
    assert "blocked_reason" not in call(env, "update_task_status", task_key="EMB-3", status="todo")


def test_tasks_change_only_in_active_projects_and_among_members(env: Environment) -> None:
    assert "on hold" in refused(env, "create_task", project_key="CDR", title="Draft rollback plan")
    assert "not a member" in refused(
        env, "reassign_task", task_key="ATL-6", assignee_email="maya.patel@larkspur.io"
    )
    assert "projects you own" in refused(env, "update_task_status", task_key="FJD-8", status="in_progress")


def test_working_hours_follow_each_zones_daylight_saving_date() -> None:
    nine_in_new_york = [to_utc("America/New_York", datetime(2026, 3, d, 9)) for d in (6, 9)]
    assert [t.hour for t in nine_in_new_york] == [14, 13]  # the US changed clocks on 8 March
    assert to_local("Europe/London", datetime(2026, 3, 30, 9)).hour == 10  # BST from 29 March
