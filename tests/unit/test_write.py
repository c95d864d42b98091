"""Unit layer: the write stage is atomic, keeps a manifest and never touches foreign files."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import MANIFEST, WriteError, plan, read_manifest, write


def test_first_write_then_unchanged(tmp_path: Path) -> None:
    files = {"pkg/a.py": "A\n", "pkg/sub/b.json": "{}\n"}
    first = write(tmp_path, files, "header")
    assert first.changed == ["pkg/a.py", "pkg/sub/b.json"]
    assert (tmp_path / "pkg/sub/b.json").read_text() == "{}\n"
    assert set(read_manifest(tmp_path)) == set(files)
    second = write(tmp_path, files, "header")
    assert second.changed == [] and second.unchanged == sorted(files)


def test_obsolete_owned_files_go_and_foreign_files_stay(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.py": "A\n", "pkg/old/b.py": "B\n"}, "h")
    (tmp_path / "pkg" / "notes.txt").write_text("mine")
    result = write(tmp_path, {"pkg/a.py": "A2\n"}, "h")
    assert result.removed == ["pkg/old/b.py"]
    assert not (tmp_path / "pkg" / "old").exists()
    assert (tmp_path / "pkg" / "notes.txt").read_text() == "mine"


def test_refuses_to_overwrite_a_file_it_does_not_own(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("user code")
    with pytest.raises(WriteError, match="not written by contractgen"):
        write(tmp_path, {"pkg/a.py": "A\n"}, "h")
    assert (tmp_path / "pkg" / "a.py").read_text() == "user code"
    assert not (tmp_path / MANIFEST).exists()


def test_staging_failure_midway_rolls_back(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.py": "A\n"}, "h")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    # "pkg/a.py/x.py" needs pkg/a.py to be a directory: staging must fail after staging others.
    with pytest.raises(WriteError):
        write(
            tmp_path,
            {"pkg/a.py": "A2\n", "pkg/b/c.py": "C\n", "pkg/a.py/x.py": "X\n"},
            "h",
        )
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert not (tmp_path / "pkg" / "b").exists()


def test_plan_names_stale_files(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/a.py": "A\n", "pkg/b.py": "B\n"}, "h")
    (tmp_path / "pkg" / "a.py").write_text("edited by hand\n")
    stale = plan(tmp_path, {"pkg/a.py": "A\n", "pkg/c.py": "C\n"}).stale
    assert stale == ["pkg/a.py", "pkg/b.py", "pkg/c.py"]
