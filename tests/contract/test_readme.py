"""The README's Python snippets run as they stand: the offline ones alone, the client ones
against Prism with the environment a user would set."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.paths import ROOT

SNIPPETS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_the_readme_has_the_snippets_it_promises() -> None:
    client = [s for s in SNIPPETS if "Client(" in s]
    assert len(SNIPPETS) >= 8 and len(client) >= 6
    for needed in (
        "AsyncClient",
        "strict=True",
        "with_raw_response",
        "NotFoundError",
        "max_retries",
        "has_next_page",
    ):
        assert any(needed in s for s in SNIPPETS), needed


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_snippet_runs(index: int, prism_url: str) -> None:
    env = dict(
        os.environ,
        TELNYX_BASE_URL=prism_url,
        TELNYX_API_KEY="readme-test-key",
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.run(
        [sys.executable, "-c", SNIPPETS[index]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        proc.returncode == 0
    ), f"README snippet {index}:\n{SNIPPETS[index]}\n{proc.stderr}"
    assert proc.stdout.strip(), "a snippet should show something"
