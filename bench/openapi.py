"""OpenAPI compiler figures: compile and verify time per document, and how many documents of the
corpus compile and verify.

    python bench/openapi.py [--dir ../shared/resources/openapi] [--only NAME,...] [--json out.json]
                            [--out catalog/]

Each document is compiled (parse, analysis, tables, tools, seed template, tasks) and then verified
(every tool on valid, boundary and invalid input; the conformance suite; export/import; a catalog
round trip; a second build for determinism). `--json` writes every per-document report; `--out`
saves the verified environments as a catalog folder (`ENVFACTORY_EXTRA_ENVS=<out>` serves it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from envfactory.factory.openapi import save_environment, verify_document

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "resources" / "openapi"


def documents(root: Path, only: list[str]) -> list[tuple[Path, str]]:
    """(file, domain) for every document the corpus manifest lists, else every JSON/YAML file."""
    manifest = root / "manifest.json"
    if manifest.is_file():
        entries = [(root / e["file"], e.get("domain", "openapi")) for e in json.loads(manifest.read_text())]
    else:
        entries = [
            (p, p.parent.name) for p in sorted(root.rglob("*")) if p.suffix in (".json", ".yaml", ".yml")
        ]
    return [(p, d) for p, d in entries if not only or any(o in p.name for o in only)]


def run(root: Path, only: list[str], out: Path | None) -> list[dict[str, Any]]:
    reports = []
    for path, domain in documents(root, only):
        start = time.perf_counter()
        env_cls, report = verify_document(path, domain=domain)
        report["seconds"]["total"] = round(time.perf_counter() - start, 3)
        report["document"] = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        if out is not None and env_cls is not None and report["verified"]:
            save_environment(env_cls, out, report)
        reports.append(report)
        print(f"{'ok ' if report['verified'] else 'BAD'} {report['document']}", file=sys.stderr, flush=True)
    return reports


def show(reports: list[dict[str, Any]]) -> None:
    table = Table(title="OpenAPI documents: compile + verify")
    for column in ("document", "spec", "tools", "tables", "rows", "tasks", "compile s", "verify s", "result"):
        table.add_column(column, justify="left" if column in ("document", "result") else "right")
    for r in reports:
        seconds = r.get("seconds", {})
        result = (
            "verified" if r["verified"] else ("compiled, " if r["compiled"] else "") + (r["error"] or "")[:70]
        )
        table.add_row(
            r["document"],
            str(r.get("openapi", "")),
            str(r.get("tools", "")),
            str(r.get("tables", "")),
            str(r.get("rows", "")),
            str(r.get("tasks", "")),
            f"{seconds.get('compile', 0):.2f}",
            f"{seconds.get('verify', 0):.2f}" if "verify" in seconds else "",
            result,
        )
    console = Console(width=200)
    console.print(table)
    compiled = sum(r["compiled"] for r in reports)
    verified = sum(r["verified"] for r in reports)
    totals = [r["seconds"]["total"] for r in reports]
    console.print(
        f"{compiled} of {len(reports)} documents compile, {verified} of {len(reports)} compile and verify; "
        f"per document: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s, "
        f"total {sum(totals):.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of OpenAPI documents")
    parser.add_argument("--only", default="", help="comma-separated parts of file names to keep")
    parser.add_argument("--json", type=Path, help="write every report to this file")
    parser.add_argument("--out", type=Path, help="save verified environments to this catalog folder")
    args = parser.parse_args()
    reports = run(args.dir, [o for o in args.only.split(",") if o], args.out)
    if not reports:
        sys.exit(f"No OpenAPI documents found in {args.dir}.")
    show(reports)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1) + "\n")


if __name__ == "__main__":
    main()
