"""Compile JSON Schemas (2020-12, draft 4) into plain-Python validator modules."""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from generator.validation.errors import Entry, SchemaCompileError

if TYPE_CHECKING:
    from generator.validation.compiler import compile_module

__all__ = [
    "Entry",
    "SchemaCompileError",
    "compile_module",
    "load_source",
    "load_validators",
]


def load_validators(
    root: Any,
    entries: Sequence[Entry],
    dialect: str = "2020-12",
    retrieve: Callable[[str], Any] | None = None,
    formats: bool = True,
    openapi: bool = False,
) -> types.ModuleType:
    """Compile and import a validators module in memory, beside the real runtime."""
    from generator.validation.compiler import compile_module

    body = compile_module(
        root,
        entries,
        dialect=dialect,
        retrieve=retrieve,
        formats=formats,
        openapi=openapi,
    )
    return load_source(body)


def load_source(body: str) -> types.ModuleType:
    """Import a compiled validators module body in memory, beside the real runtime."""
    from generator.inmemory import import_source
    from generator.runtime import _validation as runtime

    # The runtime module itself stands in for the package's copy: same classes everywhere.
    return import_source("validators", body, {"_validation": runtime})


def __getattr__(name: str) -> Any:
    # The compiler loads on first use: a regeneration that compiles nothing (and the
    # schema converter, which needs only the errors module) never imports it.
    if name == "compile_module":
        from generator.validation.compiler import compile_module

        return compile_module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
