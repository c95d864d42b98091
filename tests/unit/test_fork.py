"""generator.fork: a call in a forked child gives the same result, or the same error, as in-process."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from generator import fork


@pytest.fixture(autouse=True)
def forking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even when earlier tests left threads behind in this process (the calls here
    take no lock), except in the test of that very rule."""
    if (
        request.node.name
        != "test_with_other_threads_running_the_call_is_made_in_process"
    ):
        monkeypatch.setattr(fork, "_can_fork", lambda: True)


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _fails(message: str) -> None:
    raise ValueError(message)


def _count(path: Path) -> int:
    with path.open("a") as handle:
        handle.write("x")
    return len(path.read_text())


def _sleep() -> None:
    time.sleep(60)


def test_the_call_runs_in_a_child_and_its_result_comes_back() -> None:
    with fork.call(_pid_and, 21) as job:
        pid, doubled = job.result()
    assert doubled == 42
    assert pid != os.getpid()


def test_a_large_result_is_not_truncated() -> None:
    with fork.call(str.__mul__, "0123456789", 1_000_000) as job:
        assert job.result() == "0123456789" * 1_000_000


def test_a_failing_child_leaves_the_error_to_an_in_process_rerun() -> None:
    with fork.call(_fails, "bad pattern at /a/b") as job:
        with pytest.raises(ValueError, match="bad pattern at /a/b") as caught:
            job.result()
    # Raised here, with a traceback through this process's frames.
    assert any(entry.name == "_fails" for entry in caught.traceback)


def test_the_call_runs_once_however_often_the_result_is_asked(tmp_path: Path) -> None:
    counter = tmp_path / "count"
    with fork.call(_count, counter) as job:
        assert job.result() == 1
        assert job.result() == 1
    assert counter.read_text() == "x"


def test_cancel_stops_and_reaps_a_running_child() -> None:
    started = time.perf_counter()
    with fork.call(_sleep) as job:
        pid = job.pid
        assert pid
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_with_other_threads_running_the_call_is_made_in_process() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with fork.call(_pid_and, 1) as job:
            assert job.pid == 0
            assert job.result() == (os.getpid(), 2)
    finally:
        stop.set()
        other.join()


def _count_then_fail(path: Path) -> None:
    _count(path)
    raise ValueError("failed in the child")


def test_finish_waits_for_the_child_and_never_runs_the_call_here(
    tmp_path: Path,
) -> None:
    counter = tmp_path / "count"
    with fork.call(_pid_and, 4) as job:
        first = job.finish()
        assert first is not None and first[1] == 8 and first[0] != os.getpid()
        assert job.result() == first  # collected once
    with fork.call(_count_then_fail, counter) as failing:
        assert failing.finish() is None
    assert counter.read_text() == "x"  # the child's attempt only


def test_generation_is_the_same_forked_with_j1_and_without_fork(tmp_path: Path) -> None:
    """``-j 1`` never forks, and a platform without ``os.fork`` runs it all in-process:
    both give the bytes of the default (forked) run, for the media spec, whose schema
    documents and validators take the forked paths."""
    import subprocess
    import sys

    from tests.paths import ROOT

    def generate(name: str, prelude: str, *extra: str) -> dict[str, bytes]:
        out = tmp_path / name
        argv = ["generate", "tests/specs/media.yaml", "-o", str(out), "--no-cache"]
        code = (
            f"{prelude}\n"
            "import generator.commands.generate as g\n"
            "g.BACKGROUND_FILES = 1\n"  # the background stage even for a small spec
            "from generator.cli import main\n"
            f"raise SystemExit(main({[*argv, *extra]!r}))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return {
            str(p.relative_to(out)): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }

    forked = generate("forked", "")
    refuse = "import os\ndef _no(): raise AssertionError('forked')\nos.fork = _no"
    assert generate("j1", refuse, "-j", "1") == forked
    assert generate("nofork", "import os\ndel os.fork") == forked
    assert len(forked) > 30
