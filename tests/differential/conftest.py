"""Print what the differential tests compared in every pytest run's terminal summary."""

from __future__ import annotations

from typing import Any

from tests.differential.stats import STATS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not STATS:
        return
    terminalreporter.section("Differential: compiled validators vs jsonschema")
    for label, counts in STATS.items():
        if label == "divergences":
            continue
        terminalreporter.write_line(
            f"{label}: {counts.get('schemas', 0)} schemas, "
            f"{counts.get('instances', 0)} instances"
        )
        for name, count in sorted(counts.items()):
            if name not in ("schemas", "instances"):
                terminalreporter.write_line(f"    {name:45} {count:6}")
    divergences = STATS.get("divergences", {})
    terminalreporter.write_line("intended divergences seen (INTENDED_DIVERGENCES):")
    if not divergences:
        terminalreporter.write_line("    none")
    for kind, count in sorted(divergences.items()):
        terminalreporter.write_line(f"    {kind:45} {count:6}")
