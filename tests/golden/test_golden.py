"""Golden layer: generated/ is exactly what the generator makes from spec/, under any hash seed."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import GENERATED, ROOT

REGENERATE = "contractgen generate   (or: python -m generator generate)"


def _generate(out: Path, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".mypy_cache" not in p.parts
    }


def _diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    lines: list[str] = []
    for rel in sorted(set(expected) | set(actual)):
        old = (
            expected.get(rel, b"").decode("utf-8", "replace").splitlines(keepends=True)
        )
        new = actual.get(rel, b"").decode("utf-8", "replace").splitlines(keepends=True)
        if old != new or (rel in expected) != (rel in actual):
            lines += difflib.unified_diff(old, new, f"generated/{rel}", f"fresh/{rel}")
    return "".join(lines[:200])


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    trees = {}
    for seed in ("0", "1"):
        out = tmp_path_factory.mktemp(f"seed{seed}")
        _generate(out, seed)
        trees[seed] = _tree(out)
    return trees


def test_committed_output_matches_a_fresh_generation(
    fresh: dict[str, dict[str, bytes]],
) -> None:
    committed = _tree(GENERATED)
    if committed != fresh["0"]:
        pytest.fail(
            "generated/ is stale. Regenerate with:\n    "
            + REGENERATE
            + "\n\n"
            + _diff(committed, fresh["0"])
        )


def test_output_is_identical_under_two_hash_seeds(
    fresh: dict[str, dict[str, bytes]],
) -> None:
    assert fresh["0"] == fresh["1"], _diff(fresh["0"], fresh["1"])


def test_check_mode_names_stale_files_and_writes_nothing(tmp_path: Path) -> None:
    _generate(tmp_path, "0")
    models = next(tmp_path.rglob("models.py"))
    models.write_text(models.read_text() + "# edited\n")
    before = _tree(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "-o", str(tmp_path), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=600,
    )
    assert proc.returncode == 1
    assert str(models) in proc.stderr
    assert _tree(tmp_path) == before
