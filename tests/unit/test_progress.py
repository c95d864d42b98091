"""Progress shows on a terminal once a run passes a second, and never elsewhere."""

from __future__ import annotations

import io

from generator.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream, after=0.0)
    progress.stage("formatting 1/2: models.py")
    progress.done()
    assert stream.getvalue() == ""


def test_shown_on_a_terminal_after_the_delay_then_cleared() -> None:
    stream = Terminal()
    progress = Progress(stream, after=0.0)
    progress.stage("formatting 1/2: models.py")
    progress.done()
    text = stream.getvalue()
    assert "formatting 1/2: models.py" in text and text.endswith("\r\x1b[K")


def test_quick_runs_show_nothing_even_on_a_terminal() -> None:
    stream = Terminal()
    progress = Progress(stream, after=3600.0)
    progress.stage("loading spec.yaml")
    progress.done()
    assert stream.getvalue() == ""
