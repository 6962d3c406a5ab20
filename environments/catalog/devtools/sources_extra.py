"""Source trees of the mobile, docs, data and archived repositories (see `sources.py`)."""

MOBILE_APP = {
    "README.md": """# mobile-app

The Larkspur Android app (Kotlin, Jetpack Compose). Minimum SDK 26.
""",
    "build.gradle.kts": """plugins {
    id("com.android.application") version "8.3.0"
    kotlin("android") version "1.9.23"
}

android {
    namespace = "com.larkspur.app"
    compileSdk = 34
    defaultConfig {
        minSdk = 26
        versionCode = 412
        versionName = "4.12.0"
    }
}
""",
    "app/src/main/kotlin/com/larkspur/app/MainActivity.kt": """package com.larkspur.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import com.larkspur.app.ui.LoginScreen

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent { LoginScreen() }
    }
}
""",
    "app/src/main/kotlin/com/larkspur/app/api/ApiClient.kt": """package com.larkspur.app.api

import okhttp3.OkHttpClient
import java.util.concurrent.TimeUnit

object ApiClient {
    const val BASE_URL = "https://api.larkspur.dev/v2/"
    val http: OkHttpClient = OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(30, TimeUnit.SECONDS)
        .build()
}
""",
    "app/src/main/kotlin/com/larkspur/app/ui/LoginScreen.kt": """package com.larkspur.app.ui

import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable

@Composable
fun LoginScreen() {
    Button(onClick = { /* TODO: wire up auth-service */ }) {
        Text("Sign in")
    }
}
""",
    "CHANGELOG.md": """# Changelog

## 4.12.0
- Invoice list loads 40% faster.
- Fixed the crash when the session expired in the background.

## 4.11.2
- Updated translations (de, fr, nl).
""",
}

DOCS_SITE = {
    "README.md": """# docs-site

Public developer documentation, built with MkDocs and published to docs.larkspur.dev.
""",
    "mkdocs.yml": """site_name: Larkspur Developer Docs
theme:
  name: material
nav:
  - Home: index.md
  - Authentication: api/authentication.md
  - Billing guide: guides/billing.md
  - Changelog: changelog.md
""",
    "docs/index.md": """# Larkspur Developer Docs

Start with [Authentication](api/authentication.md), then the [billing guide](guides/billing.md).
""",
    "docs/api/authentication.md": """# Authentication

Request a token from `POST https://auth.larkspur.dev/token` with your client id and secret.
Access tokens expire after 15 minutes; refresh tokens after 30 days.

Send the token as `Authorization: Bearer <token>`.
""",
    "docs/guides/billing.md": """# Billing guide

Invoices are issued on the 1st of each month and are payable within 30 days.
VAT is added for EU customers at the rate of their country of registration.
""",
    "docs/changelog.md": "# API changelog\n\n## 2026-02-10\n- `GET /invoices` accepts `?status=overdue`.\n",
}

DATA_PIPELINE = {
    "README.md": """# data-pipeline

Airflow DAGs and ETL code for finance reporting. The nightly revenue DAG runs at 02:00 UTC
and feeds the revenue dashboard.
""",
    "requirements.txt": "apache-airflow==2.8.3\npandas==2.2.1\npsycopg[binary]==3.1.18\n",
    "pipeline/extract.py": """import pandas as pd


def extract_invoices(conn, since: str) -> pd.DataFrame:
    query = "SELECT number, customer_id, total, currency, issued_at FROM invoices WHERE issued_at >= %s"
    return pd.read_sql(query, conn, params=(since,))
""",
    "pipeline/transform.py": """import pandas as pd

RATES_TO_EUR = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}


def revenue_in_eur(invoices: pd.DataFrame) -> pd.DataFrame:
    invoices = invoices.copy()
    invoices["total_eur"] = invoices["total"] * invoices["currency"].map(RATES_TO_EUR)
    return invoices.groupby("customer_id", as_index=False)["total_eur"].sum()
""",
    "pipeline/load.py": """def load_revenue(frame, conn) -> int:
    frame.to_sql("daily_revenue", conn, if_exists="append", index=False)
    return len(frame)
""",
    "dags/nightly_revenue.py": """from datetime import datetime

from airflow.decorators import dag, task


@dag(schedule="0 2 * * *", start_date=datetime(2025, 1, 1), catchup=False)
def nightly_revenue():
    @task(retries=2)
    def run():
        from pipeline import extract, load, transform  # noqa: F401

    run()


nightly_revenue()
""",
    "tests/test_transform.py": """import pandas as pd

from pipeline.transform import revenue_in_eur


def test_usd_is_converted():
    frame = pd.DataFrame({"customer_id": [1], "total": [100.0], "currency": ["USD"]})
    assert revenue_in_eur(frame)["total_eur"].iloc[0] == 92.0
""",
}

LEGACY_REPORTS = {
    "README.md": """# legacy-reports

ARCHIVED. The old PHP reporting tool, replaced by data-pipeline in 2025.
""",
    "composer.json": """{
  "name": "larkspur/legacy-reports",
  "require": {"php": ">=7.4", "dompdf/dompdf": "^1.2"}
}
""",
    "src/ReportGenerator.php": """<?php

class ReportGenerator
{
    public function monthly(Db $db, string $month): string
    {
        $rows = $db->query("SELECT * FROM invoices WHERE month = ?", [$month]);
        return $this->renderPdf($rows);
    }
}
""",
    "src/Db.php": """<?php

class Db
{
    private PDO $pdo;

    public function __construct(string $dsn)
    {
        $this->pdo = new PDO($dsn);
    }
}
""",
}
