"""Prism fixtures for the contract tests (see tests/contract/prism.py).

``prism_url``: base URL of one static-mode ``prism mock`` per test session (request validation
on, ``--errors``); per-request ``Prefer: code=N`` / ``Prefer: dynamic=true`` headers select
error or generated responses. ``prism_dynamic_url``: a second server started with
``--dynamic``, only when a test asks for it. Both are stopped at the end of the session,
whatever happened; a missing ``node_modules/.bin/prism`` fails (never skips) the tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.prism import PrismServer, running_prism
from tests.paths import SPEC


def _check_alive(server: PrismServer) -> str:
    assert server.alive(), f"Prism at {server.url} has died. Output:\n{server.output()}"
    return server.url


@pytest.fixture(scope="session")
def prism_server() -> Iterator[PrismServer]:
    with running_prism(SPEC) as server:
        yield server


@pytest.fixture
def prism_url(prism_server: PrismServer) -> str:
    return _check_alive(prism_server)


@pytest.fixture(scope="session")
def prism_dynamic_server() -> Iterator[PrismServer]:
    with running_prism(SPEC, dynamic=True) as server:
        yield server


@pytest.fixture
def prism_dynamic_url(prism_dynamic_server: PrismServer) -> str:
    return _check_alive(prism_dynamic_server)
