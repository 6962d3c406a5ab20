"""The task board's rules: who may change a task, and which status moves are allowed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError

from . import queries
from .models import Comment, Person, Project, Task
from .vocab import ME

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "todo": ("in_progress", "blocked"),
    "in_progress": ("todo", "blocked", "in_review", "done"),
    "blocked": ("todo", "in_progress"),
    "in_review": ("in_progress", "done"),
    "done": ("in_progress",),
}


def require_active(project: Project, action: str) -> None:
    if project.status != "active":
        raise ToolError(
            f"Project {project.id} ({project.name}) is {project.status.replace('_', ' ')}; "
            f"you cannot {action} until it is active again."
        )


def require_editor(task: Task, project: Project, me: Person) -> None:
    if me.id not in (task.assignee_id, project.owner_id):
        raise ToolError(
            f"You can only change tasks assigned to you or in projects you own; {task.key} belongs to "
            f"project {project.id}, owned by someone else, and is not assigned to you."
        )


def check_move(task: Task, status: str, reason: str | None) -> None:
    if status == task.status:
        raise ToolError(f"{task.key} is already {status}.")
    allowed = TRANSITIONS[task.status]
    if status not in allowed:
        raise ToolError(
            f"{task.key} cannot move from {task.status} to {status}; from {task.status} it can move to "
            f"{', '.join(allowed)}."
        )
    if status in ("in_progress", "in_review", "done") and task.assignee_id is None:
        raise ToolError(f"{task.key} has no assignee; assign it to someone before moving it to {status}.")
    if status == "blocked" and not (reason and reason.strip()):
        raise ToolError(f"Moving {task.key} to blocked needs a reason: say what it is waiting for.")


def apply_move(task: Task, status: str, reason: str | None, today: str) -> None:
    task.blocked_reason = reason.strip() if status == "blocked" and reason else None
    task.completed_on = today if status == "done" else None
    task.status = status
    task.updated_on = today


def require_member(db: Session, project: Project, person: Person) -> None:
    if person.id not in queries.members(db, project.id):
        who = "You are" if person.id == ME else f"{person.name} ({person.email}) is"
        raise ToolError(f"{who} not a member of project {project.id} ({project.name}).")


def check_due(project: Project, due: date, today: str) -> None:
    if due.isoformat() < today:
        raise ToolError(f"Due date {due} is in the past (today is {today}).")
    if due.isoformat() > project.due_date:
        raise ToolError(f"Due date {due} is after project {project.id}'s own due date {project.due_date}.")


def new_task(db: Session, project: Project, reporter: Person, today: str, **fields: Any) -> Task:
    """Add a todo task numbered after the project's last one."""
    number = (db.scalar(select(func.max(Task.number)).where(Task.project_id == project.id)) or 0) + 1
    task = Task(
        key=f"{project.id}-{number}",
        project_id=project.id,
        number=number,
        reporter_id=reporter.id,
        status="todo",
        blocked_reason=None,
        created_on=today,
        updated_on=today,
        completed_on=None,
        **fields,
    )
    db.add(task)
    db.flush()
    return task


def create(
    db: Session,
    project: Project,
    me: Person,
    today: str,
    *,
    title: str,
    assignee: Person | None,
    priority: str,
    due: date | None,
    description: str,
) -> Task:
    require_active(project, "add tasks")
    require_member(db, project, me)
    if not title.strip():
        raise ToolError("A task needs a title.")
    if assignee is not None:
        require_member(db, project, assignee)
    if due is not None:
        check_due(project, due, today)
    return new_task(
        db,
        project,
        me,
        today,
        title=title.strip(),
        description=description.strip(),
        assignee_id=assignee.id if assignee else None,
        priority=priority,
        due_date=due.isoformat() if due else None,
    )


def reassign(db: Session, task: Task, me: Person, assignee: Person, today: str) -> None:
    """Unassigned tasks may be handed out by any project member, assigned ones by their
    assignee or the project owner."""
    project = db.get(Project, task.project_id)
    require_active(project, "reassign its tasks")
    if task.assignee_id is not None:
        require_editor(task, project, me)
    else:
        require_member(db, project, me)
    if task.status == "done":
        raise ToolError(f"{task.key} is done; finished tasks are not reassigned.")
    if assignee.id == task.assignee_id:
        raise ToolError(f"{task.key} is already assigned to {assignee.name}.")
    require_member(db, project, assignee)
    task.assignee_id = assignee.id
    task.updated_on = today


def comment(db: Session, task: Task, me: Person, body: str, at: str) -> None:
    require_member(db, db.get(Project, task.project_id), me)
    if not body.strip():
        raise ToolError("A comment cannot be empty.")
    db.add(Comment(task_key=task.key, author_id=me.id, body=body.strip(), created_at=at))
    db.flush()
