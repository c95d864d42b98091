"""Progress on a terminal for long generations; silent when not on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Show the current stage and its counts on one rewritten line, once a run passes a second.

    Quiet runs (pipes, CI logs) print nothing: only the command's one-line summary.
    """

    def __init__(self, stream: TextIO | None = None, after: float = 1.0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.after = after
        self.started = time.perf_counter()
        self.shown = False
        self.pending = ""

    def stage(self, text: str) -> None:
        """Announce a stage (shown once the run has taken longer than ``after``)."""
        self.pending = text
        if self.enabled and time.perf_counter() - self.started >= self.after:
            elapsed = time.perf_counter() - self.started
            self.stream.write(f"\r\x1b[Kcontractgen: {text} ({elapsed:.1f} s)")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        """Clear the progress line before the summary is printed."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
