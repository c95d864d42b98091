"""Counts of the differential run, printed by conftest.py's terminal summary."""

from __future__ import annotations

# corpus label -> counter name -> count; "divergences" -> kind -> count.
STATS: dict[str, dict[str, int]] = {}
