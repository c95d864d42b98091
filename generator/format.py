"""Stage 5: format generated Python with black, as a library; other files pass through."""

from __future__ import annotations

from collections.abc import Callable

import black
from black.mode import TargetVersion
from black.parsing import InvalidInput

_MODE = black.Mode(target_versions={TargetVersion.PY311})


class FormatError(Exception):
    """Generated code black could not parse: a generator or template bug, never the spec's."""


def format_files(
    files: dict[str, str],
    preformatted: frozenset[str] = frozenset(),
    on_file: Callable[[int, int, str], None] | None = None,
) -> dict[str, str]:
    """Return the files with every ``.py`` file black-formatted.

    ``preformatted`` names files copied from hand-written, black-clean sources (the
    runtime): formatting them again would only cost time (the quality tests check them).
    """
    out: dict[str, str] = {}
    todo = [p for p in files if p.endswith(".py") and p not in preformatted]
    for path, text in files.items():
        out[path] = text
    for done, path in enumerate(todo, 1):
        if on_file is not None:
            on_file(done, len(todo), path)
        out[path] = format_python(path, files[path])
    return out


def format_python(path: str, text: str) -> str:
    """Format one Python source text."""
    try:
        return black.format_str(text, mode=_MODE)
    except InvalidInput as exc:
        raise FormatError(f"{path}: generated code does not parse: {exc}") from None
