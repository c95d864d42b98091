"""ECMA-262 patterns -> Python ``re``: one translation shared with the runtime's format check.

ECMA semantics kept: ``\\d``/``\\w`` are ASCII, ``\\s`` is ECMA's whitespace set, ``.``
stops at all line terminators, ``$`` is end of input (never before a final newline), and
``\\b`` is ASCII (the pattern compiles with re.ASCII). Patterns search, they do not match.
"""

from __future__ import annotations

import re

from generator.runtime._validation import ecma_to_python
from generator.validation.errors import SchemaCompileError


def translate(pattern: str, pointer: str) -> str:
    """Return the Python form of an ECMA pattern, or raise SchemaCompileError at pointer."""
    try:
        python = ecma_to_python(pattern)
        re.compile(python, re.ASCII)
    except (ValueError, re.error, OverflowError, RecursionError) as exc:
        raise SchemaCompileError(
            pointer, f"pattern {pattern!r} cannot be used: {exc}"
        ) from None
    return python
