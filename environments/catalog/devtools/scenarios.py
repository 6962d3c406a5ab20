"""Hand-written facts of the seed: people, repositories, labels, and the feature branches with
their pull requests (each one set up to exercise a merge rule). `data.py` adds the generated
bulk (history, issues, comments, pipelines) around them."""

from __future__ import annotations

from dataclasses import dataclass

ACTING_USER = "mokafor"

USERS = (
    ("mokafor", "Maya Okafor", "Senior backend engineer", True),
    ("priya", "Priya Raman", "Backend engineer", True),
    ("talvarez", "Tomás Alvarez", "Data engineer", True),
    ("jbecker", "Jonas Becker", "Platform engineer", True),
    ("atanaka", "Aiko Tanaka", "Frontend engineer", True),
    ("sosei", "Samuel Osei", "Platform engineer", True),
    ("lfischer", "Lena Fischer", "Frontend lead", True),
    ("rmenon", "Ravi Menon", "Security engineer", True),
    ("cmartin", "Chloé Martin", "Frontend engineer", True),
    ("dkim", "Daniel Kim", "Mobile engineer", True),
    ("fhaddad", "Fatima Haddad", "Site reliability engineer", True),
    ("ogrant", "Oliver Grant", "Site reliability engineer", False),
    ("npetrova", "Nadia Petrova", "Site reliability engineer", True),
    ("hwong", "Hannah Wong", "Technical writer", True),
    ("bnovak", "Bruno Novak", "Mobile engineer", True),
)

# name, description, language, visibility, archived, required approvals, extra protected branch
REPOS = (
    ("billing-api", "Invoicing and VAT service", "Python", "private", False, 2, "release/2.4"),
    ("web-dashboard", "Customer dashboard (React)", "TypeScript", "private", False, 1, None),
    ("auth-service", "Token issuing and sessions", "Go", "private", False, 2, None),
    ("infra-terraform", "Cloud infrastructure as code", "HCL", "internal", False, 2, None),
    ("mobile-app", "Android app", "Kotlin", "private", False, 1, "release/4.12"),
    ("docs-site", "Public developer documentation", "Markdown", "public", False, 1, None),
    ("data-pipeline", "Finance ETL and Airflow DAGs", "Python", "private", False, 1, None),
    ("legacy-reports", "Old PHP reporting tool (replaced by data-pipeline)", "PHP", "private", True, 1, None),
)

TEAMS = {
    "billing-api": ("mokafor", "priya", "jbecker", "talvarez"),
    "web-dashboard": ("atanaka", "cmartin", "lfischer", "mokafor"),
    "auth-service": ("jbecker", "sosei", "rmenon", "mokafor"),
    "infra-terraform": ("fhaddad", "npetrova", "ogrant", "sosei"),
    "mobile-app": ("dkim", "bnovak", "mokafor"),
    "docs-site": ("hwong", "lfischer", "priya"),
    "data-pipeline": ("talvarez", "priya", "mokafor"),
    "legacy-reports": ("talvarez", "ogrant"),
}

LABELS = (
    ("bug", "d73a4a", "Something is not working"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("documentation", "0075ca", "Docs only"),
    ("security", "b60205", "Security-relevant"),
    ("performance", "fbca04", "Speed or resource use"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("needs-triage", "ededed", "Not yet looked at"),
    ("wontfix", "ffffff", "Will not be worked on"),
)


@dataclass(frozen=True)
class Edit:
    """Replace `old` by `new` in `path`; with old=None, append `new` (or create the file)."""

    path: str
    new: str
    old: str | None = None


@dataclass(frozen=True)
class PullSpec:
    title: str
    body: str
    reviews: tuple[tuple[str, str, str], ...] = ()
    ci: str | None = "passed"
    failing_job: str = "test"
    flaky: bool = False
    log: str = ""
    attempt: int = 1
    conflicts: bool = False


@dataclass(frozen=True)
class Feature:
    repo: str
    branch: str
    author: str
    days_ago: int
    message: str
    edits: tuple[Edit, ...]
    pull: PullSpec | None = None


PDF = """

def export_pdf(invoice: Invoice) -> bytes:
    from .pdf import render

    return render("invoice.html", invoice=invoice)
"""
FLAKY_DB_LOG = (
    "collected 48 items\n"
    "tests/test_invoices.py ........\n"
    'E   psycopg.OperationalError: connection to server at "postgres" (10.0.3.7), port 5432 failed: '
    "timeout expired\n"
    "ERROR: service container postgres:16 did not become healthy within 60s\n"
    "1 error in 61.02s"
)

FEATURES: tuple[Feature, ...] = (
    Feature(
        "billing-api",
        "feature/invoice-pdf-export",
        "priya",
        6,
        "Add PDF export for invoices",
        (Edit("billing/invoices.py", PDF),),
        PullSpec(
            "Add PDF export for invoices",
            "Adds `export_pdf()` so finance can download invoices. Closes the PDF request.",
            reviews=(("talvarez", "approved", "Looks good, tried it locally."),),
        ),
    ),
    Feature(
        "billing-api",
        "fix/vat-rounding",
        "mokafor",
        3,
        "Round VAT per line instead of per invoice",
        (Edit("billing/tax.py", 'VAT_RATES = {\n    "AT": Decimal("0.20"),\n', "VAT_RATES = {\n"),),
        PullSpec(
            "Fix VAT rounding for EU invoices",
            "Rounds VAT per line as the Irish and Austrian tax offices require; adds AT.",
            reviews=(("jbecker", "approved", "LGTM"), ("priya", "approved", "Nice catch on AT.")),
            ci="failed",
            flaky=True,
            log=FLAKY_DB_LOG,
        ),
    ),
    Feature(
        "billing-api",
        "chore/bump-fastapi",
        "dkim",
        12,
        "Bump fastapi to 0.110.1",
        (Edit("pyproject.toml", '"fastapi==0.110.1"', '"fastapi==0.110.0"'),),
        PullSpec(
            "Bump fastapi to 0.110.1",
            "Security patch release.",
            reviews=(("priya", "approved", ""), ("jbecker", "approved", "")),
            conflicts=True,
        ),
    ),
    Feature(
        "web-dashboard",
        "feature/dark-mode",
        "cmartin",
        5,
        "Add a dark theme toggle",
        (
            Edit(
                "src/App.tsx",
                'import { useInvoices } from "./api/client";\nimport { useTheme } from "./theme";\n',
                'import { useInvoices } from "./api/client";\n',
            ),
        ),
        PullSpec(
            "Dark mode",
            "Adds a theme toggle in the header, remembers the choice in localStorage.",
            reviews=(("lfischer", "approved", "Looks great in both themes."),),
            ci="failed",
            failing_job="lint",
            log="> eslint src --max-warnings 0\n\nsrc/App.tsx\n"
            "  3:10  error  'useTheme' is defined but never used"
            "  @typescript-eslint/no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)",
        ),
    ),
    Feature(
        "web-dashboard",
        "fix/date-format",
        "atanaka",
        2,
        "Show dates as dd MMM yyyy",
        (Edit("src/utils/format.ts", '"dd MMM yyyy"', '"MM/dd/yyyy"'),),
        PullSpec(
            "Use unambiguous date format",
            "US-style dates confused our EU customers (issue reported by support).",
        ),
    ),
    Feature(
        "web-dashboard",
        "feature/csv-download",
        "mokafor",
        1,
        "Add CSV download button to invoice table",
        (
            Edit(
                "src/utils/csv.ts",
                "export function toCsv(rows: string[][]): string {\n"
                '  return rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\\n");\n}\n',
            ),
        ),
    ),
    Feature(
        "auth-service",
        "feature/refresh-token-rotation",
        "jbecker",
        9,
        "Rotate refresh tokens on every use",
        (
            Edit(
                "internal/token/jwt.go",
                "const AccessTokenTTL = 15 * time.Minute\nconst RefreshTokenTTL = 30 * 24 * time.Hour\n",
                "const AccessTokenTTL = 15 * time.Minute\n",
            ),
        ),
        PullSpec(
            "Refresh token rotation",
            "Each refresh returns a new refresh token and revokes the old one.",
            reviews=(
                ("sosei", "approved", ""),
                (
                    "rmenon",
                    "changes_requested",
                    "Reuse detection is missing: a replayed token must revoke the family.",
                ),
            ),
        ),
    ),
    Feature(
        "auth-service",
        "fix/session-ttl",
        "sosei",
        4,
        "Shorten idle session TTL to 8 hours",
        (
            Edit(
                "internal/session/store.go",
                "const SessionTTL = 8 * time.Hour",
                "const SessionTTL = 12 * time.Hour",
            ),
        ),
        PullSpec(
            "Shorten idle session TTL to 8h",
            "Requested by security after the March review.",
            reviews=(("jbecker", "approved", ""), ("rmenon", "approved", "Thanks!")),
        ),
    ),
    Feature(
        "infra-terraform",
        "feature/db-read-replica",
        "fhaddad",
        7,
        "Add a read replica for prod",
        (
            Edit(
                "modules/db/main.tf",
                'resource "aws_db_instance" "replica" {\n'
                "  replicate_source_db = aws_db_instance.main.identifier\n"
                "  instance_class      = var.instance_class\n}\n",
                None,
            ),
        ),
        PullSpec(
            "Prod read replica",
            "Adds a read replica so reporting queries stop hitting the primary.",
            reviews=(("npetrova", "approved", "Plan looks right."),),
        ),
    ),
    Feature(
        "infra-terraform",
        "chore/staging-scale-down",
        "npetrova",
        8,
        "Scale staging web tier down to 1 replica",
        (Edit("environments/staging.tfvars", "web_replicas      = 1", "web_replicas      = 2"),),
        PullSpec(
            "Scale staging down",
            "Saves about 140 EUR a month.",
            reviews=(("fhaddad", "approved", ""),),
            ci="failed",
            failing_job="plan",
            flaky=True,
            attempt=3,
            log='Initializing provider plugins...\n- Finding hashicorp/aws versions matching "~> 5.40"...\n'
            "Error: Failed to query available provider packages: could not connect to registry.terraform.io: "
            "context deadline exceeded",
        ),
    ),
    Feature(
        "mobile-app",
        "feature/biometric-login",
        "dkim",
        6,
        "Offer fingerprint sign-in",
        (
            Edit(
                "app/src/main/kotlin/com/larkspur/app/ui/LoginScreen.kt",
                'Button(onClick = { /* TODO: wire up auth-service */ }) {\n        Text("Sign in")\n    }\n'
                "    BiometricButton()\n",
                'Button(onClick = { /* TODO: wire up auth-service */ }) {\n        Text("Sign in")\n    }\n',
            ),
        ),
        PullSpec(
            "Biometric login",
            "Uses BiometricPrompt when the device supports it.",
            reviews=(("bnovak", "approved", "Tested on a Pixel 7."),),
        ),
    ),
    Feature(
        "mobile-app",
        "fix/crash-on-rotate",
        "mokafor",
        2,
        "Keep login state across rotation",
        (
            Edit(
                "app/src/main/kotlin/com/larkspur/app/MainActivity.kt",
                "setContent { LoginScreen(rememberSaveable { LoginState() }) }",
                "setContent { LoginScreen() }",
            ),
        ),
        PullSpec("Fix crash on screen rotation", "State is now saved with rememberSaveable."),
    ),
    Feature(
        "docs-site",
        "docs/rate-limits",
        "hwong",
        3,
        "Document API rate limits",
        (
            Edit(
                "docs/api/rate-limits.md",
                "# Rate limits\n\nEach client may send 600 requests per minute. "
                "Above that the API answers `429 Too Many Requests` with a `Retry-After` header.\n",
            ),
        ),
        PullSpec("Document rate limits", "New page under API."),
    ),
    Feature(
        "data-pipeline",
        "fix/null-currency",
        "talvarez",
        4,
        "Skip invoices without a currency",
        (
            Edit(
                "pipeline/transform.py",
                '    invoices = invoices.copy()\n    invoices = invoices.dropna(subset=["currency"])\n',
                "    invoices = invoices.copy()\n",
            ),
        ),
        PullSpec(
            "Skip invoices with no currency",
            "Null currencies crashed the nightly run twice last month.",
            reviews=(("mokafor", "approved", "Good guard."),),
            ci="failed",
            flaky=True,
            log="tests/test_transform.py::test_usd_is_converted\n"
            "E   OSError: [Errno 28] No space left on device: '/tmp/pytest-of-runner'\n"
            "runner ci-runner-07 disk usage 100%",
        ),
    ),
    Feature(
        "legacy-reports",
        "fix/pdf-encoding",
        "talvarez",
        40,
        "Embed fonts so umlauts render",
        (
            Edit(
                "src/ReportGenerator.php",
                "return $this->renderPdf($rows, ['embed_fonts' => true]);",
                "return $this->renderPdf($rows);",
            ),
        ),
        PullSpec("Fix umlauts in PDF reports", "Embeds DejaVu Sans.", reviews=(("priya", "approved", ""),)),
    ),
)
