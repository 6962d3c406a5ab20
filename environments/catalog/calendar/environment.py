"""A small company's work calendar and task board, used by one employee (see policy.md).

Meetings must fall inside every attendee's working hours (in their own time zone), a room is
never double-booked or over capacity, and only the organizer changes a meeting. Tasks follow a
status workflow; only their assignee or the project owner changes them. The rules live in
`booking.py` and `workflow.py`, look-ups in `queries.py`, returned shapes in `views.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from envfactory.environments import Environment, ToolError, tool

from . import booking, data, queries, views, vocab, workflow
from .clock import HOME_ZONE, fmt, load, store, to_utc
from .kinds import Department, Equipment, Office, Priority, Response, Scope, Status
from .models import Attendee, Base, Event, Person, Project, Room, Task

MAX_LIST_DAYS = 31


class CalendarEnv(Environment):
    name = "calendar"
    domain = "productivity"
    description = (
        "Work calendar and task board of a small company: people in five offices, meeting rooms, "
        "meetings and recurring series with RSVPs, free-slot search, projects and tasks."
    )
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-03-09T08:30:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now()))

    # ------------------------------------------------------------------ people and rooms
    @tool(trace_ignore=("limit",))
    def find_people(
        self,
        query: str = "",
        department: Department | None = None,
        office: Office | None = None,
        limit: int = 20,
    ) -> list[dict[str, Any]]:
        """Search colleagues by name, email or job title; shows time zone and working hours.

        Args:
            query: text to look for (case-insensitive); empty matches everyone.
            department: only people in this department.
            office: only people based in this office.
            limit: at most this many results.
        """
        found = queries.find_people(self.db, query, department, office)
        return [views.person(p) for p in found[: max(limit, 1)]]

    @tool()
    def find_rooms(
        self,
        office: Office | None = None,
        min_capacity: int = 1,
        equipment: list[Equipment] | None = None,
        free_from: datetime | None = None,
        free_until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """List meeting rooms, optionally only those free for a whole time span.

        Args:
            office: only rooms in this office.
            min_capacity: only rooms seating at least this many people.
            equipment: only rooms that have all of this equipment.
            free_from: with free_until, only rooms with no meeting in that span; your local time,
                e.g. 2026-03-10T14:00.
            free_until: end of the span that must be free.
        """
        if (free_from is None) != (free_until is None):
            raise ToolError("Give both free_from and free_until to check availability, or neither.")
        slot = None
        if free_from is not None and free_until is not None:
            slot = (to_utc(HOME_ZONE, free_from), to_utc(HOME_ZONE, free_until))
            if slot[1] <= slot[0]:
                raise ToolError(f"free_until {free_until:%Y-%m-%dT%H:%M} must be after free_from.")
        return [views.room(r) for r in queries.rooms(self.db, office, min_capacity, equipment or (), slot)]

    # ------------------------------------------------------------------ reading calendars
    @tool()
    def list_events(
        self,
        start_date: date,
        end_date: date,
        person_email: str | None = None,
        include_cancelled: bool = False,
    ) -> list[dict[str, Any]]:
        """List the meetings on a calendar between two dates (inclusive, your local time).
        Colleagues' meetings that you are not invited to appear only as busy blocks.

        Args:
            start_date: first day, YYYY-MM-DD.
            end_date: last day, YYYY-MM-DD (at most 31 days after start_date).
            person_email: whose calendar; default your own.
            include_cancelled: also list cancelled meetings.
        """
        begin, end = booking.day_span(start_date, end_date, MAX_LIST_DAYS)
        who = queries.person(self.db, person_email) if person_email else self._me()
        out = []
        for e, a in queries.events_of(self.db, who.id, begin, end, include_cancelled):
            if who.id == self._me().id or queries.attendance(self.db, e.id, self._me().id):
                out.append(views.event_summary(self.db, e, a.response))
            elif e.status == "confirmed":
                out.append(views.busy_block(e))
        return out

    @tool()
    def get_event(self, event_id: str) -> dict[str, Any]:
        """Full details of a meeting on your calendar: description, room, recurrence and every
        attendee's response.

        Args:
            event_id: the meeting's id, e.g. EV3F9A21 (from list_events).
        """
        return views.event_detail(self.db, self._my_event(event_id))

    @tool(trace_ignore=("limit",))
    def find_free_slots(
        self,
        attendee_emails: list[str],
        start_date: date,
        end_date: date,
        duration_minutes: int,
        limit: int = 10,
    ) -> dict[str, Any]:
        """Find times when you and the given colleagues are all inside working hours and free.

        Args:
            attendee_emails: colleagues who must attend (you are always included).
            start_date: first day to search, YYYY-MM-DD.
            end_date: last day to search, YYYY-MM-DD (at most 14 days after start_date).
            duration_minutes: length of the meeting, 15 to 480.
            limit: at most this many free windows.
        """
        group = [self._me(), *(p for p in queries.people(self.db, attendee_emails) if p.id != self._me().id)]
        windows = booking.free_slots(self.db, group, start_date, end_date, duration_minutes, self.now())
        return {
            "timezone": HOME_ZONE,
            "people": [p.email for p in group],
            "free": [{"start": fmt(a), "end": fmt(b)} for a, b in windows[: max(limit, 1)]],
        }

    # ------------------------------------------------------------------ changing meetings
    @tool(write=True)
    def create_event(
        self,
        title: str,
        start: datetime,
        end: datetime,
        attendee_emails: list[str],
        room_id: str | None = None,
        description: str = "",
    ) -> dict[str, Any]:
        """Schedule a meeting organized by you and invite colleagues. It must fall inside every
        attendee's working hours; a room must be free and large enough.

        Args:
            title: the meeting's title.
            start: start in your local time (Europe/London), e.g. 2026-03-10T14:00.
            end: end in your local time.
            attendee_emails: colleagues to invite (you are added as organizer).
            room_id: a room to book, e.g. LDN-THAMES; none for a video call.
            description: agenda or notes for the invitation.
        """
        if not title.strip():
            raise ToolError("A meeting needs a title.")
        me = self._me()
        slot = booking.slot_from(start, end, self.now())
        guests = [p for p in queries.people(self.db, attendee_emails) if p.id != me.id]
        booking.check_hours([me, *guests], slot)
        room = queries.room(self.db, room_id) if room_id else None
        if room is not None:
            booking.check_room(self.db, room, len(guests) + 1, slot)
        warnings = booking.conflicts(self.db, guests, slot)
        text = {"title": title.strip(), "description": description.strip()}
        event = booking.new_event(self.db, self._new_event_id(), me, guests, slot, room, **text)
        return {**views.event_detail(self.db, event), "attendee_conflicts": warnings}

    @tool(write=True)
    def reschedule_event(
        self, event_id: str, start: datetime, end: datetime, room_id: str | None = None
    ) -> dict[str, Any]:
        """Move a meeting you organize to a new time (one occurrence of a series at a time).
        Attendees are asked to respond again.

        Args:
            event_id: the meeting's id.
            start: new start in your local time, e.g. 2026-03-10T14:00.
            end: new end in your local time.
            room_id: move to this room as well; default keeps the current room (which must be free).
        """
        event = self._organized(event_id, "reschedule")
        slot = booking.slot_from(start, end, self.now())
        invited = queries.attendees(self.db, event.id)
        booking.check_hours([self.db.get(Person, a.person_id) for a in invited], slot)
        room = queries.room(self.db, room_id) if room_id else self.db.get(Room, event.room_id or "")
        if room is not None:
            booking.check_room(self.db, room, booking.headcount(self.db, event), slot, skip=event.id)
        booking.move(self.db, event, slot, room)
        return views.event_detail(self.db, event)

    @tool(write=True)
    def cancel_event(self, event_id: str, scope: Scope = "occurrence") -> dict[str, Any]:
        """Cancel a meeting you organize; for a recurring meeting, this occurrence or this and
        every later occurrence of the series.

        Args:
            event_id: the meeting's id.
            scope: occurrence (just this one) or series (this and all later occurrences).
        """
        event = self._organized(event_id, "cancel")
        cancelled = booking.cancel(self.db, event, scope)
        return {"cancelled": [views.event_summary(self.db, e, "accepted") for e in cancelled]}

    @tool(write=True)
    def respond_to_invitation(
        self, event_id: str, response: Response, scope: Scope = "occurrence"
    ) -> dict[str, Any]:
        """Accept, decline or tentatively accept a meeting you are invited to.

        Args:
            event_id: the meeting's id.
            response: accepted, declined or tentative.
            scope: occurrence (just this one) or series (this and all later occurrences you are invited to).
        """
        event = self._my_event(event_id)
        booking.require_upcoming(event, self.now())
        answered = booking.respond(self.db, event, self._me(), response, scope)
        return {"answered": [views.event_summary(self.db, e, response) for e in answered]}

    @tool(write=True)
    def add_attendee(self, event_id: str, email: str, optional: bool = False) -> dict[str, Any]:
        """Invite one more colleague to a meeting you organize (inside their working hours, and
        within the room's capacity).

        Args:
            event_id: the meeting's id.
            email: the colleague's email.
            optional: invite as optional rather than required.
        """
        event = self._organized(event_id, "add people to")
        guest = queries.person(self.db, email)
        if queries.attendance(self.db, event.id, guest.id) is not None:
            raise ToolError(f"{guest.name} ({guest.email}) is already invited to {event.title!r}.")
        slot = (load(event.start_utc), load(event.end_utc))
        booking.check_hours([guest], slot)
        if event.room_id:
            room = self.db.get(Room, event.room_id)
            booking.check_room(self.db, room, booking.headcount(self.db, event) + 1, slot, skip=event.id)
        self.db.add(
            Attendee(event_id=event.id, person_id=guest.id, response="needs_action", optional=optional)
        )
        self.db.flush()
        return {
            **views.event_detail(self.db, event),
            "attendee_conflicts": booking.conflicts(self.db, [guest], slot, skip=event.id),
        }

    @tool(write=True)
    def remove_attendee(self, event_id: str, email: str) -> dict[str, Any]:
        """Take a colleague off the guest list of a meeting you organize.

        Args:
            event_id: the meeting's id.
            email: the colleague's email.
        """
        event = self._organized(event_id, "remove people from")
        guest = queries.person(self.db, email)
        if guest.id == event.organizer_id:
            raise ToolError("You organize this meeting and cannot remove yourself; cancel it instead.")
        invite = queries.attendance(self.db, event.id, guest.id)
        if invite is None:
            raise ToolError(f"{guest.name} ({guest.email}) is not invited to {event.title!r}.")
        self.db.delete(invite)
        self.db.flush()
        return views.event_detail(self.db, event)

    @tool(write=True)
    def book_room(self, event_id: str, room_id: str) -> dict[str, Any]:
        """Book a room for a meeting you organize, or move it to another room.

        Args:
            event_id: the meeting's id.
            room_id: the room, e.g. LDN-FLEET (from find_rooms).
        """
        event = self._organized(event_id, "book rooms for")
        room = queries.room(self.db, room_id)
        if event.room_id == room.id:
            raise ToolError(f"{event.title!r} is already in {room.name} ({room.id}).")
        slot = (load(event.start_utc), load(event.end_utc))
        booking.check_room(self.db, room, booking.headcount(self.db, event), slot, skip=event.id)
        event.room_id = room.id
        return views.event_detail(self.db, event)

    # ------------------------------------------------------------------ projects and tasks
    @tool()
    def list_projects(self) -> list[dict[str, Any]]:
        """List projects with their owner, status, due date, members and number of open tasks."""
        open_counts = dict(
            self.db.execute(
                select(Task.project_id, func.count()).where(Task.status != "done").group_by(Task.project_id)
            ).all()
        )
        projects = self.db.scalars(select(Project).order_by(Project.id))
        return [views.project(self.db, p, open_counts.get(p.id, 0)) for p in projects]

    @tool(trace_ignore=("limit",))
    def list_tasks(
        self,
        project_key: str | None = None,
        assignee_email: str | None = None,
        status: Status | None = None,
        query: str = "",
        include_done: bool = False,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Find tasks, soonest due first.

        Args:
            project_key: only this project, e.g. ATL.
            assignee_email: only tasks assigned to this person.
            status: only tasks in this status (overrides include_done).
            query: text to look for in the title (case-insensitive).
            include_done: also list finished tasks.
            limit: at most this many tasks.
        """
        project = queries.project(self.db, project_key).id if project_key else None
        assignee = queries.person(self.db, assignee_email).id if assignee_email else None
        found = [
            t
            for t in queries.tasks(self.db, project, assignee, status, include_done)
            if query.strip().lower() in t.title.lower()
        ]
        return [views.task_summary(self.db, t) for t in found[: max(limit, 1)]]

    @tool()
    def get_task(self, task_key: str) -> dict[str, Any]:
        """Full details of a task, with its comments.

        Args:
            task_key: the task's key, e.g. ATL-12.
        """
        return views.task_detail(self.db, queries.task(self.db, task_key))

    @tool(write=True)
    def create_task(
        self,
        project_key: str,
        title: str,
        assignee_email: str | None = None,
        priority: Priority = "medium",
        due_date: date | None = None,
        description: str = "",
    ) -> dict[str, Any]:
        """Create a task in an active project you are a member of.

        Args:
            project_key: the project, e.g. ATL.
            title: what needs doing.
            assignee_email: a project member to assign it to; default unassigned.
            priority: low, medium, high or urgent.
            due_date: YYYY-MM-DD; not in the past and not after the project's due date.
            description: more detail.
        """
        project = queries.project(self.db, project_key)
        assignee = queries.person(self.db, assignee_email) if assignee_email else None
        fields = {"title": title, "assignee": assignee, "priority": priority, "due": due_date}
        task = workflow.create(self.db, project, self._me(), self.today(), description=description, **fields)
        return views.task_detail(self.db, task)

    @tool(write=True)
    def update_task_status(self, task_key: str, status: Status, reason: str | None = None) -> dict[str, Any]:
        """Move a task along its workflow: todo -> in_progress -> in_review -> done, with blocked
        on the side. A done task can only be reopened to in_progress.

        Args:
            task_key: the task's key, e.g. ATL-12.
            status: the new status.
            reason: what the task is waiting for; required when moving to blocked.
        """
        task = queries.task(self.db, task_key)
        project = self.db.get(Project, task.project_id)
        workflow.require_active(project, "change its tasks")
        workflow.require_editor(task, project, self._me())
        workflow.check_move(task, status, reason)
        workflow.apply_move(task, status, reason, self.today())
        return views.task_detail(self.db, task)

    @tool(write=True)
    def reassign_task(self, task_key: str, assignee_email: str) -> dict[str, Any]:
        """Give a task to another member of its project.

        Args:
            task_key: the task's key, e.g. ATL-12.
            assignee_email: the project member who should do it.
        """
        task = queries.task(self.db, task_key)
        workflow.reassign(self.db, task, self._me(), queries.person(self.db, assignee_email), self.today())
        return views.task_detail(self.db, task)

    @tool(write=True)
    def comment_on_task(self, task_key: str, body: str) -> dict[str, Any]:
        """Add a comment to a task in one of your projects.

        Args:
            task_key: the task's key, e.g. ATL-12.
            body: the comment text.
        """
        task = queries.task(self.db, task_key)
        workflow.comment(self.db, task, self._me(), body, store(self.now()))
        return views.task_detail(self.db, task)

    # ------------------------------------------------------------------ helpers
    def _me(self) -> Person:
        return self.db.get(Person, vocab.ME)

    def _my_event(self, event_id: str) -> Event:
        event = queries.event(self.db, event_id)
        if queries.attendance(self.db, event.id, self._me().id) is None:
            raise ToolError(f"Event {event.id} is not on your calendar; you see only busy time for it.")
        return event

    def _organized(self, event_id: str, action: str) -> Event:
        """An upcoming meeting on your calendar that you organize (else a refusal naming why)."""
        event = self._my_event(event_id)
        booking.require_organizer(event, self._me(), action)
        booking.require_upcoming(event, self.now())
        return event

    def _new_event_id(self) -> str:
        while True:
            candidate = self.new_id("EV", 6)
            if self.db.get(Event, candidate) is None:
                return candidate
