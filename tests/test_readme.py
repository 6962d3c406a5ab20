"""Every Python example in the README runs as written, as a user would run it: a script."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_example_runs(code: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(code)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_authoring_example_shows_a_refusal_and_an_argument_error(tmp_path: Path) -> None:
    code = next(b for b in BLOCKS if "class RoomsEnv" in b)
    script = tmp_path / "rooms.py"
    script.write_text(code)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120).stdout
    lines = out.splitlines()
    assert lines[0].startswith('{"booked_by":"Ada"')
    assert "already booked by Ada" in lines[1]
    assert "missing required parameter 'person'" in lines[2]
    assert '"name": "book_room"' in lines[3] or "'name': 'book_room'" in lines[3]
