"""The source trees of the seeded repositories (default branch contents), keyed by repo then path."""

from .sources_extra import DATA_PIPELINE, DOCS_SITE, LEGACY_REPORTS, MOBILE_APP

BILLING_API = {
    "README.md": """# billing-api

Invoicing and tax service for Larkspur customers. Exposes a REST API consumed by
web-dashboard and the nightly revenue jobs in data-pipeline.

## Running locally

    pip install -e ".[dev]"
    uvicorn billing.app:app --reload

Set `BILLING_DB_URL` to a PostgreSQL URL; tests use a throwaway database.
""",
    "pyproject.toml": """[project]
name = "billing-api"
version = "2.4.1"
requires-python = ">=3.11"
dependencies = [
    "fastapi==0.110.0",
    "sqlalchemy==2.0.28",
    "psycopg[binary]==3.1.18",
    "pydantic==2.6.4",
]

[project.optional-dependencies]
dev = ["pytest==8.1.1", "ruff==0.3.4"]
""",
    "billing/__init__.py": '"""Invoicing and tax for Larkspur customers."""\n\n__version__ = "2.4.1"\n',
    "billing/invoices.py": """from dataclasses import dataclass, field
from decimal import Decimal

from .tax import vat_for

PAYMENT_TERMS_DAYS = 30


@dataclass
class Line:
    description: str
    quantity: int
    unit_price: Decimal


@dataclass
class Invoice:
    number: str
    customer_country: str
    lines: list[Line] = field(default_factory=list)

    def subtotal(self) -> Decimal:
        return sum((l.quantity * l.unit_price for l in self.lines), Decimal("0"))

    def total(self) -> Decimal:
        # TODO(billing): support credit notes once finance signs off the format
        return self.subtotal() + vat_for(self.customer_country, self.subtotal())
""",
    "billing/tax.py": """from decimal import ROUND_HALF_UP, Decimal

VAT_RATES = {
    "DE": Decimal("0.19"),
    "FR": Decimal("0.20"),
    "NL": Decimal("0.21"),
    "IE": Decimal("0.23"),
    "GB": Decimal("0.20"),
}


def vat_for(country: str, amount: Decimal) -> Decimal:
    rate = VAT_RATES.get(country.upper(), Decimal("0"))
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
""",
    "billing/currency.py": """from decimal import Decimal

# Refreshed daily by data-pipeline; these are the fallbacks when the feed is down.
FALLBACK_RATES_TO_EUR = {
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "CHF": Decimal("1.04"),
}


def to_eur(amount: Decimal, currency: str) -> Decimal:
    if currency == "EUR":
        return amount
    return amount * FALLBACK_RATES_TO_EUR[currency]
""",
    "tests/test_tax.py": """from decimal import Decimal

from billing.tax import vat_for


def test_german_vat_is_nineteen_percent():
    assert vat_for("DE", Decimal("100.00")) == Decimal("19.00")


def test_unknown_country_has_no_vat():
    assert vat_for("US", Decimal("100.00")) == Decimal("0")
""",
    ".ci.yml": """stages: [lint, test, build]
lint:
  script: ruff check billing tests
test:
  services: [postgres:16]
  script: pytest -q
build:
  script: docker build -t registry.larkspur.dev/billing-api:$CI_COMMIT_SHA .
""",
}

WEB_DASHBOARD = {
    "README.md": """# web-dashboard

Customer-facing dashboard (React + Vite). Talks to billing-api and auth-service.

    npm ci
    npm run dev
""",
    "package.json": """{
  "name": "web-dashboard",
  "version": "1.18.0",
  "private": true,
  "scripts": {
    "dev": "vite",
    "build": "tsc && vite build",
    "lint": "eslint src --max-warnings 0",
    "test": "vitest run"
  },
  "dependencies": {
    "react": "18.2.0",
    "react-dom": "18.2.0",
    "date-fns": "3.3.1"
  }
}
""",
    "src/App.tsx": """import { InvoiceTable } from "./components/InvoiceTable";
import { useInvoices } from "./api/client";

export default function App() {
  const { invoices, loading } = useInvoices();
  if (loading) return <p>Loading invoices…</p>;
  return (
    <main>
      <h1>Invoices</h1>
      <InvoiceTable invoices={invoices} />
    </main>
  );
}
""",
    "src/api/client.ts": """const API_BASE = import.meta.env.VITE_BILLING_URL ?? "https://billing.larkspur.dev";
const REQUEST_TIMEOUT_MS = 8000;

export async function getJson<T>(path: string): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(`${API_BASE}${path}`, { signal: controller.signal, credentials: "include" });
    if (!res.ok) throw new Error(`GET ${path} failed with ${res.status}`);
    return (await res.json()) as T;
  } finally {
    clearTimeout(timer);
  }
}
""",
    "src/components/InvoiceTable.tsx": """import { formatMoney, formatDate } from "../utils/format";

export function InvoiceTable({ invoices }: { invoices: Invoice[] }) {
  return (
    <table>
      <thead><tr><th>Number</th><th>Issued</th><th>Total</th></tr></thead>
      <tbody>
        {invoices.map((inv) => (
          <tr key={inv.number}>
            <td>{inv.number}</td>
            <td>{formatDate(inv.issuedAt)}</td>
            <td>{formatMoney(inv.total, inv.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
""",
    "src/utils/format.ts": """import { format } from "date-fns";

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(amount);
}

export function formatDate(iso: string): string {
  return format(new Date(iso), "MM/dd/yyyy");
}
""",
    ".ci.yml": """stages: [lint, test, build]
lint:
  script: npm run lint
test:
  script: npm test
build:
  script: npm run build
""",
}

AUTH_SERVICE = {
    "README.md": """# auth-service

Issues and verifies access tokens for every Larkspur service. Owned by the platform team.
Access tokens live 15 minutes; refresh tokens 30 days.
""",
    "go.mod": """module github.com/larkspur/auth-service

go 1.22

require (
\tgithub.com/golang-jwt/jwt/v5 v5.2.0
\tgithub.com/redis/go-redis/v9 v9.5.1
)
""",
    "cmd/server/main.go": """package main

import (
\t"log"
\t"net/http"
\t"os"

\t"github.com/larkspur/auth-service/internal/session"
)

func main() {
\tstore := session.NewStore(os.Getenv("REDIS_URL"))
\tmux := http.NewServeMux()
\tmux.HandleFunc("/token", session.TokenHandler(store))
\tlog.Println("auth-service listening on :8080")
\tlog.Fatal(http.ListenAndServe(":8080", mux))
}
""",
    "internal/token/jwt.go": """package token

import (
\t"time"

\t"github.com/golang-jwt/jwt/v5"
)

const AccessTokenTTL = 15 * time.Minute

func Sign(subject string, key []byte) (string, error) {
\tclaims := jwt.RegisteredClaims{
\t\tSubject:   subject,
\t\tExpiresAt: jwt.NewNumericDate(time.Now().Add(AccessTokenTTL)),
\t\tIssuer:    "auth.larkspur.dev",
\t}
\treturn jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
}
""",
    "internal/token/jwt_test.go": """package token

import "testing"

func TestSignProducesThreeParts(t *testing.T) {
\ttok, err := Sign("user-1", []byte("test-key"))
\tif err != nil {
\t\tt.Fatal(err)
\t}
\tif len(tok) == 0 {
\t\tt.Fatal("empty token")
\t}
}
""",
    "internal/session/store.go": """package session

import (
\t"time"

\t"github.com/redis/go-redis/v9"
)

// SessionTTL is how long an idle browser session survives.
const SessionTTL = 12 * time.Hour

type Store struct {
\tclient *redis.Client
}

func NewStore(url string) *Store {
\topts, _ := redis.ParseURL(url)
\treturn &Store{client: redis.NewClient(opts)}
}
""",
    ".ci.yml": """stages: [lint, test, build]
lint:
  script: golangci-lint run
test:
  script: go test ./...
build:
  script: go build -o bin/auth-service ./cmd/server
""",
}

INFRA_TERRAFORM = {
    "README.md": """# infra-terraform

Terraform for Larkspur's cloud accounts. Plans run in CI; applies are done by the platform
on-call after review. Never commit secrets: use the vault data sources.
""",
    "main.tf": """terraform {
  required_version = ">= 1.7"
  backend "s3" {
    bucket = "larkspur-terraform-state"
    key    = "core/terraform.tfstate"
    region = "eu-west-1"
  }
}

module "db" {
  source         = "./modules/db"
  instance_class = var.db_instance_class
  environment    = var.environment
}
""",
    "variables.tf": """variable "environment" {
  type = string
}

variable "db_instance_class" {
  type    = string
  default = "db.r6g.large"
}

variable "web_replicas" {
  type    = number
  default = 3
}
""",
    "modules/db/main.tf": """resource "aws_db_instance" "main" {
  identifier          = "larkspur-${var.environment}"
  engine              = "postgres"
  engine_version      = "16.2"
  instance_class      = var.instance_class
  allocated_storage   = 200
  backup_retention_period = 14
  deletion_protection = true
}
""",
    "environments/prod.tfvars": """environment       = "prod"
db_instance_class = "db.r6g.xlarge"
web_replicas      = 6
""",
    "environments/staging.tfvars": """environment       = "staging"
db_instance_class = "db.t4g.medium"
web_replicas      = 2
""",
    ".ci.yml": """stages: [validate, plan]
validate:
  script: terraform fmt -check && terraform validate
plan:
  script: terraform plan -var-file=environments/prod.tfvars
""",
}

TREES: dict[str, dict[str, str]] = {
    "billing-api": BILLING_API,
    "web-dashboard": WEB_DASHBOARD,
    "auth-service": AUTH_SERVICE,
    "infra-terraform": INFRA_TERRAFORM,
    "mobile-app": MOBILE_APP,
    "docs-site": DOCS_SITE,
    "data-pipeline": DATA_PIPELINE,
    "legacy-reports": LEGACY_REPORTS,
}
