"""Where the tests find the project and the third-party data beside it."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "telnyx_room_sessions.yaml"
GENERATED = ROOT / "generated"
# Third-party data (the full Telnyx spec, the JSON Schema Test Suite) is never copied into
# the project; CONTRACTGEN_SHARED points elsewhere when it is not beside the checkout.
SHARED = Path(os.environ.get("CONTRACTGEN_SHARED", ROOT.parent / "shared")).resolve()
FULL_SPEC = SHARED / "specs" / "telnyx-openapi-2026-07-16.yml"
DOC_PAGE = SHARED / "docs" / "view-room-session.txt"
JSON_SCHEMA_SUITE = SHARED / "json-schema-test-suite"


def require_shared(path: Path) -> Path:
    """Return a shared path, failing (never skipping) when the data is missing."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the tests need ../shared beside the checkout "
            "or CONTRACTGEN_SHARED pointing at it"
        )
    return path
