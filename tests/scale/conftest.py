"""Scale-layer fixtures: the whole Telnyx API generated once per test session.

``full`` renders the package from the shared spec and writes it *unformatted* to a temporary
directory (formatting is proved elsewhere: the golden layer and ``tests/unit/test_format.py``);
every scale test reads that one generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.ir import Api
from generator.load import load_file
from generator.render import render
from generator.write import write
from tests.paths import FULL_SPEC, ROOT, require_shared

PACKAGE = "telnyx_full"


@dataclass
class Generated:
    """The full spec's raw document, its IR and the rendered package on disk."""

    spec: dict[str, object]
    api: Api
    files: dict[str, str]
    out: Path


@pytest.fixture(scope="session")
def full(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    spec_path = require_shared(FULL_SPEC)
    config = load_config(ROOT)
    doc = load_file(spec_path)
    api = analyze(doc, config)
    assert not api.unsupported, api.unsupported[:5]
    files = render(api, PACKAGE, config.templates, config.client)
    out = tmp_path_factory.mktemp("full")
    write(out, files, "test")
    return Generated(doc.root, api, files, out)
