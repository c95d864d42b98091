"""Schema documents are written with their shared definitions encoded once: the text must be
exactly ``json.dumps(doc, indent=2, ensure_ascii=False)``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.jsonschema_docs import document, document_text
from generator.load import load_file
from tests.paths import ROOT

TRICKY: list[dict[str, Any]] = [
    {"$comment": "c", "type": "object"},
    {"$comment": "c", "$defs": {}},
    {"$comment": "é ☃", "$defs": {"A": {}, "B": {"enum": ["x\ny", "\u2028", 1.5]}}},
    {"$comment": "c", "$defs": {"A": {"type": "string"}}, "title": "defs not last"},
    {"$comment": "c", "$defs": {"A/B~": {"items": [[], {}], "const": None}}},
]


@pytest.mark.parametrize("doc", TRICKY)
def test_text_is_json_dumps(doc: dict[str, Any]) -> None:
    assert (
        document_text(doc, {}) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    )


def test_bundled_spec_documents_share_encoded_definitions() -> None:
    api = analyze(load_file(ROOT / "spec" / "telnyx_room_sessions.yaml"), load_config())
    encoded: dict[str, str] = {}
    docs = [document(m.name, api.schemas, "comment") for m in api.models]
    for doc in docs:
        expected = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        assert document_text(doc, encoded) == expected
    assert encoded, "no document had definitions: the shared path went untested"
