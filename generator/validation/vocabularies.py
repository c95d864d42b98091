"""Keywords switched off by a custom metaschema's $vocabulary (2020-12 only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_VOCAB = "https://json-schema.org/draft/2020-12/vocab/"
_STANDARD = "https://json-schema.org/draft/2020-12/schema"
# The assertion keywords each optional vocabulary brings; core is always on.
KEYWORDS = {
    _VOCAB
    + "validation": frozenset(
        (
            "type enum const multipleOf maximum exclusiveMaximum minimum exclusiveMinimum "
            "maxLength minLength pattern maxItems minItems uniqueItems maxContains "
            "minContains maxProperties minProperties required dependentRequired"
        ).split()
    ),
    _VOCAB
    + "applicator": frozenset(
        (
            "prefixItems items contains additionalProperties properties patternProperties "
            "dependentSchemas propertyNames if then else allOf anyOf oneOf not"
        ).split()
    ),
    _VOCAB + "unevaluated": frozenset(("unevaluatedItems", "unevaluatedProperties")),
    _VOCAB + "format-assertion": frozenset(),
}


def disabled_keywords(
    root: Any, draft4: bool, retrieve: Callable[[str], Any] | None
) -> frozenset[str]:
    """Return the keywords a root's custom metaschema leaves out of its vocabularies."""
    if draft4 or not isinstance(root, dict) or retrieve is None:
        return frozenset()
    uri = root.get("$schema")
    if not isinstance(uri, str) or uri.rstrip("#") == _STANDARD:
        return frozenset()
    try:
        meta = retrieve(uri.rstrip("#"))
    except Exception:  # noqa: BLE001 - an unknown metaschema just means the default set
        return frozenset()
    vocabularies = meta.get("$vocabulary") if isinstance(meta, dict) else None
    if not isinstance(vocabularies, dict):
        return frozenset()
    off: set[str] = set()
    for vocabulary, words in KEYWORDS.items():
        if vocabulary not in vocabularies and words:
            off |= words
    return frozenset(off)
