"""Types for users: a usage file written as a user would type-checks under mypy --strict,
and a deliberately wrong one does not (so the check can fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.paths import GENERATED

HERE = Path(__file__).resolve().parent


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        + ["--cache-dir", os.devnull, str(path)],
        env=dict(os.environ, MYPYPATH=str(GENERATED)),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_usage_file_type_checks_strictly() -> None:
    proc = _mypy(HERE / "usage_typed.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_type_error_in_usage_is_caught(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong_usage.py"
    wrong.write_text(
        "from telnyx_rooms import Client, RoomParticipant\n"
        "def f(client: Client) -> RoomParticipant | None:\n"
        "    return client.rooms.sessions.retrieve('x').data\n"
    )
    proc = _mypy(wrong)
    assert proc.returncode == 1
    assert "RoomSession" in proc.stdout and "RoomParticipant" in proc.stdout
