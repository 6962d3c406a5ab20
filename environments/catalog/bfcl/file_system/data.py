"""Seed data: the home directory of Dana Whitfield, a data analyst, as a BFCL `initial_config`
(the same shape sessions accept), so the default state is also the documented fallback for the
keys a partial config leaves out."""

from __future__ import annotations

from typing import Any


def _file(content: str) -> dict[str, Any]:
    return {"type": "file", "content": content}


def _dir(**contents: dict[str, Any]) -> dict[str, Any]:
    return {"type": "directory", "contents": contents}


def _named(entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "directory", "contents": entries}


SERVER_LOG = "\n".join(
    [
        "2026-02-27 08:00:01 INFO  service started on port 8080",
        "2026-02-27 08:00:02 INFO  connected to database analytics_prod",
        "2026-02-27 09:14:37 WARN  slow query on sales_by_region took 4.2s",
        "2026-02-27 10:02:11 ERROR timeout while fetching exchange rates",
        "2026-02-27 10:02:15 INFO  retry succeeded for exchange rates",
        "2026-02-27 12:30:00 INFO  nightly export scheduled",
        "2026-02-27 13:45:09 ERROR disk quota at 91% on /var/data",
        "2026-02-27 15:20:44 WARN  deprecated endpoint /v1/report called",
        "2026-02-27 17:05:30 INFO  cache cleared by dana",
        "2026-02-27 18:59:59 ERROR worker 3 crashed: out of memory",
        "2026-02-27 19:00:04 INFO  worker 3 restarted",
        "2026-02-27 23:59:58 INFO  daily summary written",
    ]
)

BACKUP_LOG = "\n".join(
    [
        "2026-02-20 backup ok 1.8 GB",
        "2026-02-21 backup ok 1.8 GB",
        "2026-02-22 backup failed: network unreachable",
        "2026-02-23 backup ok 1.9 GB",
        "2026-02-24 backup ok 1.9 GB",
    ]
)

Q1_SALES = "\n".join(
    [
        "region,month,revenue",
        "north,jan,48200",
        "south,jan,39150",
        "west,jan,52310",
        "north,feb,45900",
        "south,feb,41020",
        "west,feb,50075",
        "north,mar,51340",
        "south,mar,43880",
        "west,mar,55010",
    ]
)

Q2_SALES = "\n".join(
    [
        "region,month,revenue",
        "north,apr,49870",
        "south,apr,42210",
        "west,apr,53990",
        "north,may,52400",
        "south,may,44730",
        "west,may,57120",
    ]
)

DRAFT_POST = "\n".join(
    [
        "Five lessons from a year of dashboards",
        "1. Start from the question, not the data.",
        "2. Fewer charts beat more charts.",
        "3. Label every axis.",
        "4. Refresh schedules matter more than colors.",
        "5. Ask people what they stopped reading.",
    ]
)

FINAL_POST = "\n".join(
    [
        "Five lessons from a year of dashboards",
        "1. Start from the question, not the data.",
        "2. Fewer charts beat more charts.",
        "3. Label every axis and every unit.",
        "4. Refresh schedules matter more than colors.",
        "5. Ask people which charts they stopped reading.",
    ]
)

HOME = _named(
    {
        ".bash_history": _file("cd projects\nls\npython etl.py --month feb\ngit status"),
        ".config": _dir(**{"settings.ini": _file("[editor]\ntheme = solarized\ntab_width = 4")}),
        "notes.txt": _file(
            "Call the landlord about the heating on Thursday.\n"
            "Dentist appointment moved to March 12.\n"
            "Wi-Fi password for the office: maple-harbor-42"
        ),
        "todo.md": _file(
            "- finish the Q1 sales dashboard\n- renew passport\n- book flights to Lisbon\n- file 2024 taxes"
        ),
        "documents": _dir(
            **{
                "resume_2025.docx": _file(
                    "Dana Whitfield\nData Analyst\nSkills: SQL, Python, Tableau\n"
                    "Experience: Northwind Retail 2021-2025"
                ),
                "cover_letter.txt": _file(
                    "Dear hiring manager,\nI am excited to apply for the senior analyst role.\n"
                    "Kind regards,\nDana"
                ),
                "lease_agreement.pdf": _file(
                    "Lease for 14 Alder Street, apartment 3B.\nMonthly rent: 1850 USD.\n"
                    "Term: 2025-09-01 to 2026-08-31."
                ),
                "taxes": _dir(
                    **{
                        "2024_summary.csv": _file(
                            "item,amount\nsalary,86000\ninterest,412\ndonations,-1200\nhome_office,-950"
                        ),
                        "receipts.txt": _file(
                            "2024-03-14 laptop stand 89.99\n2024-06-02 office chair 249.00\n"
                            "2024-11-20 charity run donation 120.00"
                        ),
                    }
                ),
            }
        ),
        "projects": _dir(
            sales_dashboard=_dir(
                **{
                    "README.md": _file(
                        "# Sales dashboard\nBuilds the quarterly revenue dashboard.\n"
                        "Run etl.py, then open the notebook."
                    ),
                    "etl.py": _file(
                        "import csv\n\n\ndef load(path):\n    with open(path) as f:\n"
                        "        return list(csv.DictReader(f))\n"
                    ),
                    "config.yaml": _file("database: analytics_prod\nrefresh: daily\nowner: dana"),
                    "data": _dir(**{"q1_sales.csv": _file(Q1_SALES), "q2_sales.csv": _file(Q2_SALES)}),
                }
            ),
            budget_planner=_dir(
                **{
                    "main.py": _file("BUDGET = 3200\nprint('monthly budget', BUDGET)"),
                    "notes.md": _file("Groceries 450\nRent 1850\nTransport 120\nSavings 600"),
                }
            ),
        ),
        "photos": _dir(
            trip_lisbon=_dir(
                **{
                    "tram_28.jpg": _file("JPEG image 4032x3024, Alfama, 2025-10-03"),
                    "sunset_belem.jpg": _file("JPEG image 4032x3024, Belem, 2025-10-04"),
                    "pasteis.jpg": _file("JPEG image 3024x3024, Belem, 2025-10-04"),
                }
            ),
            family=_dir(),
        ),
        "logs": _dir(**{"server.log": _file(SERVER_LOG), "backup.log": _file(BACKUP_LOG)}),
        "drafts": _dir(
            **{"blog_post_draft.txt": _file(DRAFT_POST), "blog_post_final.txt": _file(FINAL_POST)}
        ),
        "archive": _dir(),
    }
)

DEFAULT_CONFIG: dict[str, Any] = {"root": {"dana": HOME}}
