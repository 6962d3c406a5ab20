"""Training runs under `ENVFACTORY_RUNS_DIR`: a run is a folder holding a `metrics.jsonl`.

The trainer writes one JSON line per step to `<output_dir>/metrics.jsonl` (plus PNG plots, a
`rollouts.jsonl` and checkpoints beside it), so the console lists every such folder found a few
levels below the configured directory, newest first, and serves the plain files of a run folder:
metrics and trajectories (`.jsonl`), reports and configs (`.json`), plots (`.png`). Nothing outside
the directory is ever served, symbolic links included.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import BadRequest, NotFound

METRICS_FILE = "metrics.jsonl"
#: Suffixes of the files served from a run folder, with their media types.
MEDIA_TYPES = {".jsonl": "application/x-ndjson", ".json": "application/json", ".png": "image/png"}
#: How deep below the runs directory a run folder may be (runs/<project>/<name>/<phase> is 3).
MAX_DEPTH = 4
MAX_RUNS = 500
_TAIL_BYTES = 8192


def find_runs(root: Path) -> list[dict[str, Any]]:
    """Every run folder below `root`, newest metrics first (at most `MAX_RUNS`)."""
    if not root.is_dir():
        raise NotFound(
            f"ENVFACTORY_RUNS_DIR is {str(root)!r}, which is not a directory; point it at the folder "
            "that holds the trainer's output folders."
        )
    runs = []
    for folder, subfolders, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")) if depth < MAX_DEPTH else []
        if METRICS_FILE in files:
            runs.append(_describe(root, Path(folder), files))
    runs.sort(key=lambda run: run["modified"], reverse=True)
    return runs[:MAX_RUNS]


def _describe(root: Path, folder: Path, files: list[str]) -> dict[str, Any]:
    metrics = folder / METRICS_FILE
    stat = metrics.stat()
    served = sorted(f for f in files if Path(f).suffix in MEDIA_TYPES)
    return {
        "name": folder.relative_to(root).as_posix() if folder != root else ".",
        "metrics": metrics.relative_to(root).as_posix(),
        "modified": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
        "size": stat.st_size,
        "last": _last_line(metrics, stat.st_size),
        "files": [
            {"path": (folder / f).relative_to(root).as_posix(), "size": (folder / f).stat().st_size}
            for f in served
        ],
    }


def _last_line(path: Path, size: int) -> dict[str, Any] | None:
    """The newest metrics line (how far a run got), read from the end of the file only."""
    with path.open("rb") as handle:
        handle.seek(max(0, size - _TAIL_BYTES))
        lines = handle.read().splitlines()
    for raw in reversed(lines):
        if raw.strip():
            try:
                line = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                return None  # a line cut in the middle by the tail window, or one being written
            return line if isinstance(line, dict) else None
    return None


def resolve(root: Path, relative: str) -> Path:
    """The file at `relative` inside `root`; refuses anything that would leave it."""
    if not relative or Path(relative).is_absolute():
        raise BadRequest(f"path must be relative to ENVFACTORY_RUNS_DIR; got {relative!r}.")
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise BadRequest(f"path {relative!r} leads outside ENVFACTORY_RUNS_DIR.")
    if path.suffix not in MEDIA_TYPES:
        raise BadRequest(f"only {', '.join(MEDIA_TYPES)} files of a run are served; got {relative!r}.")
    if not path.is_file():
        raise NotFound(f"No file {relative!r} in the runs directory; GET /ui/api/runs lists them.")
    return path
