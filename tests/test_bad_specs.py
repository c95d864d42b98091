"""Broken specs: one line PATH:LINE:COL: message on stderr, exit 2, no traceback, output untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

BAD = ROOT / "tests" / "bad_specs"
CASES = sorted(p.stem for p in BAD.glob("*.yaml"))


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_every_error_kind_has_a_case() -> None:
    assert set(CASES) >= {
        "yaml_syntax",
        "duplicate_key",
        "dangling_ref",
        "unsupported_remote_ref",
        "unsupported_version",
        "name_collision",
        "untranslatable_pattern",
    }
    for case in CASES:
        assert (
            BAD / f"{case}.expected"
        ).is_file(), f"{case}.yaml has no .expected message"


@pytest.mark.parametrize("case", CASES)
def test_bad_spec_reports_its_place_and_changes_nothing(
    case: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "pkg").mkdir(parents=True)
    (out / "pkg" / "models.py").write_text("# what a previous run left\n")
    (out / "user_notes.txt").write_text("mine\n")
    before = _snapshot(out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            f"tests/bad_specs/{case}.yaml",
            "-o",
            str(out),
            "--package",
            "pkg",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    expected = (BAD / f"{case}.expected").read_text().strip()
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == expected
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert _snapshot(out) == before
