"""The command line's process-wide policy: no cyclic GC while a command runs, restored after."""

from __future__ import annotations

import argparse
import gc

import pytest

import generator.commands.lint as lint_command
from generator.cli import main
from generator.errors import Location, SpecError


def test_a_command_runs_without_the_cyclic_collector_which_comes_back_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def run(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return 0

    def fail(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        raise SpecError(Location("spec.yaml", 3, 4), "broken")

    assert gc.isenabled()
    monkeypatch.setattr(lint_command, "run", run)
    assert main(["lint", "spec.yaml"]) == 0
    assert gc.isenabled()
    monkeypatch.setattr(lint_command, "run", fail)
    assert main(["lint", "spec.yaml"]) == 2
    assert gc.isenabled()
    assert seen == [False, False]
    gc.disable()
    try:  # a caller that had turned it off keeps it off
        monkeypatch.setattr(lint_command, "run", run)
        main(["lint", "spec.yaml"])
        assert not gc.isenabled()
    finally:
        gc.enable()
