"""Pools the seed draws from: issue titles per repository, commit messages, comments, CI jobs."""

ISSUES: dict[str, tuple[tuple[str, str], ...]] = {
    "billing-api": (
        ("Invoice totals off by one cent for Irish customers", "bug"),
        ("Support credit notes", "enhancement"),
        ("Expose invoice PDF download endpoint", "enhancement"),
        ("Currency fallback rates are six months old", "bug"),
        ("Slow /invoices query for customers with 10k+ invoices", "performance"),
        ("Document the VAT rate table", "documentation"),
        ("Rate-limit the public invoice lookup", "security"),
        ("Add Austrian VAT rate", "enhancement"),
        ("Typo in overdue reminder email", "good first issue"),
        ("Payment terms should be configurable per customer", "enhancement"),
        ("500 error when customer country is missing", "bug"),
        ("Flaky postgres service in CI", "needs-triage"),
    ),
    "web-dashboard": (
        ("Dates shown in US format for EU users", "bug"),
        ("Add dark mode", "enhancement"),
        ("Invoice table does not paginate", "performance"),
        ("Download invoices as CSV", "enhancement"),
        ("Login loop when the session cookie expires", "bug"),
        ("Keyboard focus lost after closing a dialog", "bug"),
        ("Upgrade to React 19", "enhancement"),
        ("Empty state for new customers", "good first issue"),
        ("Content-Security-Policy header missing", "security"),
        ("Totals column misaligned on Safari", "needs-triage"),
    ),
    "auth-service": (
        ("Rotate refresh tokens on use", "security"),
        ("Idle sessions live too long", "security"),
        ("Redis connection errors are swallowed", "bug"),
        ("Add /healthz endpoint", "enhancement"),
        ("Token endpoint latency p99 over 300ms", "performance"),
        ("Document the token lifetimes", "documentation"),
        ("Support key rotation without downtime", "enhancement"),
        ("Panics when REDIS_URL is unset", "bug"),
    ),
    "infra-terraform": (
        ("Add a read replica for reporting", "enhancement"),
        ("Staging costs too much", "needs-triage"),
        ("Enable deletion protection on staging DB", "security"),
        ("Upgrade postgres to 16.3", "enhancement"),
        ("terraform fmt fails on modules/db", "bug"),
        ("Move state bucket to eu-central-1", "needs-triage"),
        ("Document the apply procedure", "documentation"),
    ),
    "mobile-app": (
        ("App crashes when rotating on the login screen", "bug"),
        ("Fingerprint login", "enhancement"),
        ("Invoice list jumps to top after refresh", "bug"),
        ("Translate settings screen to Dutch", "good first issue"),
        ("Certificate pinning for api.larkspur.dev", "security"),
        ("Cold start takes 3 seconds on Android 10", "performance"),
        ("Push notifications for overdue invoices", "enhancement"),
        ("Sign-in button hidden behind keyboard", "bug"),
    ),
    "docs-site": (
        ("Rate limits are not documented", "documentation"),
        ("Broken link on the billing guide", "bug"),
        ("Add a quickstart for Python clients", "documentation"),
        ("Search does not find 'webhook'", "bug"),
        ("Token lifetime page out of date", "documentation"),
        ("Dark theme for the docs", "enhancement"),
    ),
    "data-pipeline": (
        ("Nightly revenue DAG fails on CHF invoices", "bug"),
        ("Null currency crashes transform", "bug"),
        ("Backfill revenue for January", "needs-triage"),
        ("Move exchange rates to a table", "enhancement"),
        ("DAG retries hide real failures", "bug"),
        ("Speed up extract with server-side cursor", "performance"),
        ("Document the revenue schema", "documentation"),
        ("Alert finance when the nightly run fails", "enhancement"),
    ),
    "legacy-reports": (
        ("Umlauts render as boxes in PDF", "bug"),
        ("Migrate monthly report to data-pipeline", "enhancement"),
        ("PHP 7.4 is end of life", "security"),
    ),
}

ISSUE_BODY = (
    "Steps to reproduce are in the support ticket; happens for {who} since {when}.",
    "Reported by {who} on {when}. Customers notice this, so it matters before the next release.",
    "Noticed while on call on {when}. {who} has more context.",
    "From the planning session on {when}: {who} suggested we pick this up this quarter.",
)

COMMIT_MESSAGES = (
    "Fix typo in README",
    "Update dependencies",
    "Add missing type hints",
    "Refactor error handling",
    "Improve logging around retries",
    "Add regression test",
    "Tidy up configuration loading",
    "Speed up test suite",
    "Remove dead feature flag",
    "Bump version",
    "Handle empty responses",
    "Document environment variables",
    "Fix flaky test",
    "Rename internal helpers",
    "Add metrics for request latency",
    "Clean up imports",
    "Validate input earlier",
    "Update CI cache key",
)

COMMENTS = (
    "I can reproduce this on the latest main.",
    "Taking a look this week.",
    "Is this still happening after the last deploy?",
    "Linked the support ticket in the description.",
    "This blocks the finance month-end close, raising priority.",
    "Might be related to the change from last sprint.",
    "+1, a customer asked about this again today.",
    "Draft fix is on a branch, will open a PR soon.",
)

JOBS: dict[str, tuple[str, ...]] = {
    "infra-terraform": ("validate", "plan"),
    "docs-site": ("build", "link-check"),
    "data-pipeline": ("lint", "test"),
}
DEFAULT_JOBS = ("lint", "test", "build")

PASSED_LOG = {
    "lint": "All checks passed.",
    "test": "{n} passed in {s}s",
    "build": "Build finished; artifact uploaded.",
    "validate": "Success! The configuration is valid.",
    "plan": "Plan: 0 to add, 0 to change, 0 to destroy.",
    "link-check": "Checked {n} links, 0 broken.",
}

RUNNER_LOST = (
    "Running on ci-runner-03...\n"
    "ERROR: Job failed (system failure): runner ci-runner-03 lost connection to the coordinator"
)

NIGHTLY_FAILURE = (
    "tests/test_transform.py::test_revenue_all_currencies FAILED\n"
    "E   KeyError: 'CHF'\n"
    "pipeline/transform.py:8: in revenue_in_eur\n"
    "1 failed, 11 passed in 4.81s"
)
