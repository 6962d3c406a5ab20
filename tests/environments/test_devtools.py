"""Business rules of the devtools environment (the code host)."""

from __future__ import annotations

from typing import Any

import pytest

from envfactory.environments import Environment, registry
from tests.environments.helpers import ok, refused


@pytest.fixture
def env() -> Environment:
    return registry.get("devtools").create()


def pull(env: Environment, repo: str, title: str) -> dict[str, Any]:
    number = next(p["number"] for p in ok(env, "list_pull_requests", repo=repo) if p["title"] == title)
    return ok(env, "get_pull_request", repo=repo, number=number)


def test_a_protected_branch_refuses_direct_commits(env: Environment) -> None:
    error = refused(
        env, "commit_file", repo="billing-api", branch="main", path="README.md", content="x", message="m"
    )
    assert "protected" in error and "pull request" in error


def test_an_author_cannot_review_their_own_pull_request(env: Environment) -> None:
    mine = pull(env, "billing-api", "Fix VAT rounding for EU invoices")
    error = refused(env, "review_pull_request", repo="billing-api", number=mine["number"], verdict="approve")
    assert "own pull request" in error


def test_a_merge_waits_for_unresolved_change_requests_and_approvals(env: Environment) -> None:
    pr = pull(env, "auth-service", "Refresh token rotation")
    assert not pr["mergeable"]
    error = refused(env, "merge_pull_request", repo="auth-service", number=pr["number"])
    assert "changes requested by rmenon" in error and "1 of 2 required approvals" in error


def test_an_archived_repository_is_read_only(env: Environment) -> None:
    pr = pull(env, "legacy-reports", "Fix umlauts in PDF reports")
    assert "archived" in refused(env, "merge_pull_request", repo="legacy-reports", number=pr["number"])
    assert "archived" in refused(env, "create_issue", repo="legacy-reports", title="Broken totals")


def test_an_infrastructure_failure_passes_on_rerun_and_unblocks_the_merge(env: Environment) -> None:
    pr = pull(env, "data-pipeline", "Skip invoices with no currency")
    assert pr["ci"]["status"] == "failed"
    retry = ok(env, "rerun_pipeline", pipeline_id=pr["ci"]["pipeline_id"])
    assert retry["status"] == "passed" and retry["attempt"] == 2
    merged = ok(env, "merge_pull_request", repo="data-pipeline", number=pr["number"])
    assert merged["state"] == "merged"
    main = ok(env, "read_file", repo="data-pipeline", path="pipeline/transform.py")["content"]
    assert 'dropna(subset=["currency"])' in main


def test_a_real_test_failure_fails_again_on_rerun(env: Environment) -> None:
    nightly = ok(env, "list_pipelines", repo="data-pipeline", branch="main", limit=1)[0]
    retry = ok(env, "rerun_pipeline", pipeline_id=nightly["id"])
    assert retry["status"] == "failed"
    assert "KeyError: 'CHF'" in ok(env, "get_pipeline", pipeline_id=retry["id"])["jobs"][1]["log"]


def test_a_pipeline_cannot_be_rerun_after_three_attempts(env: Environment) -> None:
    pr = pull(env, "infra-terraform", "Scale staging down")
    error = refused(env, "rerun_pipeline", pipeline_id=pr["ci"]["pipeline_id"])
    assert "3 times" in error


def test_a_push_starts_a_running_pipeline_that_blocks_the_merge(env: Environment) -> None:
    pr = pull(env, "auth-service", "Shorten idle session TTL to 8h")
    assert pr["mergeable"]
    ok(
        env,
        "commit_file",
        repo="auth-service",
        branch="fix/session-ttl",
        path="NOTES.md",
        content="8h\n",
        message="n",
    )
    error = refused(env, "merge_pull_request", repo="auth-service", number=pr["number"])
    assert "CI is running" in error


def test_merging_makes_open_pull_requests_on_the_same_file_conflict(env: Environment) -> None:
    ok(env, "create_branch", repo="billing-api", name="fix/terms")
    ok(
        env,
        "commit_file",
        repo="billing-api",
        branch="fix/terms",
        path="billing/invoices.py",
        content="x\n",
        message="m",
    )
    mine = ok(env, "open_pull_request", repo="billing-api", source_branch="fix/terms", title="Terms")
    pdf = pull(env, "billing-api", "Add PDF export for invoices")
    ok(env, "review_pull_request", repo="billing-api", number=pdf["number"], verdict="approve")
    merged = ok(env, "merge_pull_request", repo="billing-api", number=pdf["number"])
    assert merged["now_conflicting"] == [mine["number"]]
    assert ok(env, "get_pull_request", repo="billing-api", number=mine["number"])["has_conflicts"]


def test_locked_conversations_and_departed_members_are_refused(env: Environment) -> None:
    locked = next(i for i in ok(env, "list_issues", repo="auth-service", state="closed") if i["locked"])
    assert "locked" in refused(
        env, "comment_on_issue", repo="auth-service", number=locked["number"], body="hi"
    )
    issue = ok(env, "list_issues", repo="infra-terraform")[0]
    assert "left the organisation" in refused(
        env, "assign_issue", repo="infra-terraform", number=issue["number"], assignee="ogrant"
    )
