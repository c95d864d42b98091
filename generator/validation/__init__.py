"""Compile JSON Schemas (2020-12, draft 4) into plain-Python validator modules."""

from __future__ import annotations

import itertools
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

from generator.runtime import _validation as runtime
from generator.validation.compiler import compile_module
from generator.validation.errors import Entry, SchemaCompileError

__all__ = [
    "Entry",
    "SchemaCompileError",
    "compile_module",
    "load_source",
    "load_validators",
]

_serial = itertools.count(1)


def load_validators(
    root: Any,
    entries: Sequence[Entry],
    dialect: str = "2020-12",
    retrieve: Callable[[str], Any] | None = None,
    formats: bool = True,
    openapi: bool = False,
) -> types.ModuleType:
    """Compile and import a validators module in memory, beside the real runtime."""
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
    package = f"_contractgen_validators_{next(_serial)}"
    parent = types.ModuleType(package)
    parent.__path__ = []
    sys.modules[package] = parent
    # The runtime module itself stands in for the package's copy: same classes everywhere.
    sys.modules[f"{package}._validation"] = runtime
    module = types.ModuleType(f"{package}.validators")
    module.__package__ = package
    module.__dict__["__source__"] = body
    sys.modules[module.__name__] = module
    exec(compile(body, f"<{module.__name__}>", "exec"), module.__dict__)
    return module
