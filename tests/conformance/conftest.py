"""Print the conformance pass counts in every pytest run's terminal summary."""

from __future__ import annotations

from typing import Any

from tests.conformance.suite import RESULTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RESULTS:
        return
    terminalreporter.section("JSON Schema Test Suite conformance")
    for name, outcome in sorted(RESULTS.items()):
        terminalreporter.write_line(
            f"{name:40} {outcome.passed:5}/{outcome.total:<5} passed"
            f"{'' if not outcome.failed else f'  ({len(outcome.failed)} failing: see KNOWN_FAILURES)'}"
        )
