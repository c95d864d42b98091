"""Unit layer: the write stage is atomic, keeps a manifest and never touches foreign files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.paths import ROOT

from generator.write import (
    MANIFEST,
    BackgroundStage,
    WriteError,
    commit,
    plan,
    read_manifest,
    stage,
    write,
)


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


def test_stage_then_commit_is_write(tmp_path: Path) -> None:
    write(tmp_path / "a", {"pkg/x.py": "X\n", "pkg/gone.py": "G\n"}, "h")
    write(tmp_path / "b", {"pkg/x.py": "X\n", "pkg/gone.py": "G\n"}, "h")
    files = {"pkg/x.py": "X2\n", "pkg/s/one.json": "1\n", "pkg/s/two.json": "2\n"}
    whole = write(tmp_path / "a", files, "h")
    json_part = {p: t for p, t in files.items() if p.endswith(".json")}
    early = BackgroundStage(tmp_path / "b", json_part).result()
    assert not (
        tmp_path / "b" / "pkg" / "s" / "one.json"
    ).exists()  # staged, not placed
    rest = stage(tmp_path / "b", {"pkg/x.py": "X2\n"})
    parts = commit(tmp_path / "b", [early, rest], files, "h")
    assert (parts.changed, parts.unchanged, parts.removed) == (
        whole.changed,
        whole.unchanged,
        whole.removed,
    )
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


@pytest.fixture(params=["forked", "in-process"])
def forking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Background stages both ways: in a forked child (even when earlier tests left
    threads in this process) and where there is no fork."""
    from generator import fork

    monkeypatch.setattr(fork, "_can_fork", lambda: request.param == "forked")
    return str(request.param)


def test_a_cancelled_background_stage_leaves_the_output_as_it_was(
    tmp_path: Path, forking: str
) -> None:
    write(tmp_path, {"pkg/a.py": "A\n"}, "h")
    before = _tree(tmp_path)
    background = BackgroundStage(
        tmp_path, {"pkg/new/b.json": "{}\n", "pkg/a.py": "B\n"}
    )
    background.cancel()
    assert _tree(tmp_path) == before
    assert not (tmp_path / "pkg" / "new").exists()


def test_a_background_stage_is_committed_like_any_stage(
    tmp_path: Path, forking: str
) -> None:
    files = {"pkg/new/b.json": "{}\n", "pkg/a.py": "B\n"}
    staged = BackgroundStage(tmp_path, files).result()
    assert sorted(staged.plan.changed) == sorted(files)
    commit(tmp_path, [staged], files, "h")
    assert _tree(tmp_path) == {
        "pkg/a.py": b"B\n",
        "pkg/new/b.json": b"{}\n",
        MANIFEST: (tmp_path / MANIFEST).read_bytes(),
    }


def test_an_interrupted_stage_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.write as w

    write(tmp_path, {"pkg/a.py": "A\n"}, "h")
    before = _tree(tmp_path)
    real, calls = w._write_bytes, []

    def interrupted(path: Path, data: bytes, sync: bool = False) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(path, data, sync)

    monkeypatch.setattr(w, "_write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        stage(tmp_path, {"pkg/a.py": "B\n", "pkg/c/d.py": "D\n", "pkg/e.py": "E\n"})
    assert _tree(tmp_path) == before
    assert not (tmp_path / "pkg" / "c").exists()


def test_a_background_stage_reports_foreign_files(tmp_path: Path, forking: str) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.json").write_text("user data")
    with pytest.raises(WriteError, match="not written by contractgen"):
        BackgroundStage(tmp_path, {"pkg/a.json": "{}\n"}).result()


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generation_failing_in_format_leaves_the_output_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Schema documents staged in the background meanwhile are removed again."""
    from generator import cli
    from generator.commands import generate

    spec = ROOT / "spec" / "telnyx_room_sessions.yaml"
    out = tmp_path / "out"
    args = [str(spec), "-o", str(out), "--package", "pkg", "--no-cache"]
    assert cli.main(["generate", *args]) == 0
    next((out / "pkg" / "schemas").iterdir()).unlink()  # a document to restage
    before = _tree(out)
    bad = tmp_path / "templates"
    bad.mkdir()
    (bad / "resources_init.py.j2").write_text("def broken(:\n")
    monkeypatch.setattr(generate, "BACKGROUND_FILES", 0)
    capsys.readouterr()
    assert cli.main(["generate", *args, "--templates", str(bad)]) == 2
    assert "does not parse" in capsys.readouterr().err
    assert _tree(out) == before


def test_the_cache_drops_its_least_recently_used_entries_beyond_the_limit(
    tmp_path: Path,
) -> None:
    import os

    from generator.write import SegmentCache

    cache = SegmentCache(tmp_path / "cache")
    keys = [f"{i:02d}" + "0" * 62 for i in range(5)]
    for i, key in enumerate(keys):
        cache.put(key, "x" * 1000)
        os.utime(cache._path(key), (1000 + i, 1000 + i))  # stored long ago, in order
    size = cache._path(keys[0]).stat().st_size
    assert cache.get(keys[0]) is not None  # used now: the most recent of all
    assert cache.prune(3 * size, keep_since=5000) == 2  # keys 1 and 2, the oldest
    assert [cache.get(k) is not None for k in keys] == [True, False, False, True, True]
    # Nothing used since keep_since goes, whatever the limit; a temporary file is left.
    (cache._path(keys[3]).parent / ".tmp-of-another-run").write_text("y")
    assert cache.prune(0, keep_since=0) == 0
    assert cache.prune(0, keep_since=time.time() + 60) == 3
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == [
        ".tmp-of-another-run"
    ]


def test_generate_prunes_its_cache_but_keeps_what_the_run_used(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import sys

    def generate(spec: str, package: str, cache: Path, *extra: str) -> set[str]:
        out = tmp_path / "out" / cache.name / package
        done = subprocess.run(
            [sys.executable, "-m", "generator", "generate", spec, "-o"]
            + [str(out), "--package", package, "--cache-dir", str(cache)]
            + list(extra),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return {p.name for p in (cache / "format").rglob("*") if p.is_file()}

    media_alone = generate("tests/specs/media.yaml", "media", tmp_path / "fresh")
    shared = tmp_path / "shared"
    rooms = generate("spec/telnyx_room_sessions.yaml", "rooms", shared)
    both = generate("tests/specs/media.yaml", "media", shared)
    assert rooms < both and media_alone < both
    for entry in (p for p in shared.rglob("*") if p.is_file()):
        os.utime(entry, (time.time() - 3600,) * 2)  # as if both ran an hour ago
    # Under the default limit nothing goes; with none, only what the run used stays. (An
    # output left as the last run wrote it uses no entry: it is rendered again here.)
    assert generate("tests/specs/media.yaml", "media", shared) == both
    shutil.rmtree(tmp_path / "out" / "shared" / "media")
    assert generate(
        "tests/specs/media.yaml", "media", shared, "--cache-limit", "0"
    ) == (media_alone)


def test_a_one_operation_spec_edit_rewrites_only_what_it_changes(
    tmp_path: Path,
) -> None:
    """Files name the spec without its hash (the package __init__ carries that), so a
    regenerated package differs from the last one exactly where the spec edit shows."""
    from generator import cli

    source = (ROOT / "spec" / "telnyx_room_sessions.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    out = tmp_path / "out"
    args = [str(spec), "-o", str(out), "--package", "pkg", "--no-cache"]
    assert cli.main(["generate", *args]) == 0
    before = _tree(out)
    summary = "summary: View a room session."
    assert source.count(summary) == 1
    spec.write_text(source.replace(summary, summary + " Edited."), encoding="utf-8")
    assert cli.main(["generate", *args]) == 0
    after = _tree(out)
    changed = sorted(rel for rel in after if after[rel] != before.get(rel))
    assert changed == [
        ".contractgen-manifest.json",
        "pkg/__init__.py",  # the spec's hash
        "pkg/resources/rooms.py",  # the docstring
    ]
    assert b"View a room session. Edited." in after["pkg/resources/rooms.py"]


def test_regeneration_renders_only_files_whose_inputs_changed_and_never_serves_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache records each file's inputs key and stat: a file is left alone only when
    both match, so an edited spec, a template or a hand edit is always regenerated."""
    from generator import cli, render

    source = (ROOT / "spec" / "telnyx_room_sessions.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    out, reference = tmp_path / "out", tmp_path / "reference"
    args = [str(spec), "--package", "pkg", "--cache-dir", str(tmp_path / "cache")]
    assert cli.main(["generate", *args, "-o", str(out)]) == 0

    produced: list[str] = []

    def counted(path: str, produce: Callable[[], str]) -> Callable[[], str]:
        return lambda: produced.append(path) or produce()  # type: ignore[func-returns-value]

    def outputs(*a: Any, **k: Any) -> dict[str, render.Output]:
        planned = real_outputs(*a, **k)
        return {
            p: render.Output(o.key, counted(p, o.produce)) for p, o in planned.items()
        }

    from generator.commands import generate as command

    real_outputs = command.outputs
    monkeypatch.setattr(command, "outputs", outputs)
    assert cli.main(["generate", *args, "-o", str(out)]) == 0
    # Addressed files are all fresh: only the small unaddressed ones are produced.
    unaddressed = [f"pkg/{m}" for m in render.RUNTIME_MODULES] + ["pkg/py.typed"]
    assert sorted(produced) == sorted(unaddressed)

    spec.write_text(source.replace("View a room session.", "Edited."), encoding="utf-8")
    rooms = out / "pkg" / "resources" / "rooms.py"
    models = out / "pkg" / "models.py"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace("class ", "klass", 1), encoding="utf-8")  # same size
    produced.clear()
    assert cli.main(["generate", *args, "-o", str(out)]) == 0
    edited = ["pkg/__init__.py", "pkg/models.py", "pkg/resources/rooms.py"]
    assert sorted(produced) == sorted(unaddressed + edited)
    assert "Edited." in rooms.read_text(encoding="utf-8")
    monkeypatch.undo()
    assert cli.main(["generate", *args[:-2], "--no-cache", "-o", str(reference)]) == 0
    assert _tree(out) == _tree(reference)


@pytest.mark.parametrize(
    "edit",
    [
        ("RoomSession", "RoomSitting"),  # a model renamed: resources annotate with it
        ("format: date-time", "format: date"),  # a field's type: models and validators
        ("View a room session.", "Seen."),  # a docstring in one resources module
        # Request and response validators of their own (readOnly):
        ("    RoomSession:\n", "    RoomSession:\n      readOnly: true\n"),
        # A model alone: its listing is no longer paged, the operations do not change.
        ("        total_pages:\n", "        pages_in_total:\n"),
        # Names settled by collisions (the analysis cache replays no stale claim):
        ("operationId: EndSession\n", "operationId: kickParticipantInSession\n"),
        (
            "  schemas:\n",
            "  schemas:\n    EndSessionResponse:\n      properties:\n        x:\n"
            "          type: string\n      type: object\n",
        ),
        ("  title: Telnyx API\n", "  title: Telnyx APIs\n"),  # info
        ("  url: https://api.telnyx.com/v2\n", "  url: https://api.telnyx.com/v3\n"),
        ("security:\n- bearerAuth: []\n", "security: []\n"),  # the default security
    ],
)
def test_a_regeneration_through_the_caches_equals_a_generation_without_them(
    tmp_path: Path, edit: tuple[str, str]
) -> None:
    """Each cache (spec trees, analysis units, addressed outputs, layouts, compiled
    validators) is used after an edit, and the package is byte for byte what a cacheless run generates.
    """
    from generator import cli

    source = (ROOT / "spec" / "telnyx_room_sessions.yaml").read_text(encoding="utf-8")
    assert edit[0] in source
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    out, reference = tmp_path / "out", tmp_path / "reference"
    args = [str(spec), "--package", "pkg"]
    cached = ["--cache-dir", str(tmp_path / "cache"), "-o", str(out)]
    assert cli.main(["generate", *args, *cached]) == 0
    spec.write_text(source.replace(*edit), encoding="utf-8")
    assert cli.main(["generate", *args, *cached]) == 0
    assert cli.main(["generate", *args, "--no-cache", "-o", str(reference)]) == 0
    assert _tree(out) == _tree(reference)


def test_a_broken_manifest_is_reported_even_when_the_cache_knows_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import cli

    spec = ROOT / "spec" / "telnyx_room_sessions.yaml"
    out = tmp_path / "out"
    args = [str(spec), "-o", str(out), "--package", "pkg"]
    args += ["--cache-dir", str(tmp_path / "cache")]
    assert cli.main(["generate", *args]) == 0
    (out / ".contractgen-manifest.json").write_text("{not json")
    capsys.readouterr()
    assert cli.main(["generate", *args]) == 2
    assert "unreadable manifest" in capsys.readouterr().err
