"""Code writer: indentation-aware lines, safe literals, sanitised names, hoisted constants.

Schema values reach generated code only through ``literal`` (a Python literal built from
JSON data, never source text) and identifiers only through ``identifier``.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator.pybrackets import fits
from generator.pystyle import string
from generator.validation.errors import SchemaCompileError

INDENT = "    "


def literal(value: Any, pointer: str = "") -> str:
    """Return a Python literal for a JSON value, as black writes it: arrays as tuples."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SchemaCompileError(pointer, f"non-finite number {value!r}")
        return repr(float(value))
    if isinstance(value, str):
        # repr of a str is always a single, complete literal (quotes, newlines and
        # backslashes escaped); ``string`` only picks the quotes black would.
        return string(str(value))
    if isinstance(value, (list, tuple)):
        items = [literal(item, pointer) for item in value]
        if len(items) == 1:
            return f"({items[0]},)"
        return "(" + ", ".join(items) + ")"
    if isinstance(value, dict):
        pairs = [
            f"{literal(str(k), pointer)}: {literal(v, pointer)}"
            for k, v in value.items()
        ]
        return "{" + ", ".join(pairs) + "}"
    raise SchemaCompileError(pointer, f"not a JSON value: {type(value).__name__}")


def frozenset_literal(values: Any, pointer: str = "") -> str:
    """Return a frozenset expression in the values' own order (stable output)."""
    return f"frozenset({literal(tuple(values), pointer)})"


_UNSAFE = re.compile("[^A-Za-z0-9_]+")


def identifier(text: str, prefix: str = "_", limit: int = 64) -> str:
    """Return a valid Python identifier derived from arbitrary text."""
    name = _UNSAFE.sub("_", text).strip("_")[:limit]
    name = prefix + name
    if not name.isidentifier() or keyword.iskeyword(name):
        name = "_" + name
    return name


def parenthesized(expression: str) -> bool:
    """Return whether an expression is wholly enclosed in one pair of parentheses."""
    if not expression.startswith("("):
        return False
    depth = 0
    for i, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(expression) - 1
    return False


def _drop_redundant_parens(header: str) -> str:
    """Return ``if (x):`` as ``if x:``, as black writes it."""
    keyword, _, rest = header.partition(" ")
    if (
        keyword in ("if", "elif", "while")
        and rest.endswith(":")
        and parenthesized(rest[:-1])
    ):
        return f"{keyword} {rest[1:-2]}:"
    return header


def _tuple_lines(head: str, items: list[str]) -> list[str] | None:
    """Return ``head + (items)`` as black lays it out, or None where that takes more than
    these two rules (an item that does not fit alone: ``pystyle`` does it then)."""
    inner = ", ".join(items)
    if fits(f"{head}({inner})"):
        return [f"{head}({inner})"]
    # Black splits at the last opening bracket, and a tuple display split there always
    # has one item per line and a trailing comma.
    if fits(f"{head}(") and all(fits(f"{item},", len(INDENT)) for item in items):
        return [f"{head}(", *(f"{INDENT}{item}," for item in items), ")"]
    return None


class CodeWriter:
    """Accumulate indented lines of a module body plus its hoisted constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.level = 0
        self._counter = 0
        self.constants: list[str] = []
        self._constant_names: dict[str, str] = {}

    def line(self, text: str) -> None:
        """Append one line at the current indentation."""
        self.lines.append(INDENT * self.level + text)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        """Emit a compound-statement header and indent its body (pass if left empty)."""
        self.line(_drop_redundant_parens(header))
        self.level += 1
        start = len(self.lines)
        try:
            yield
        finally:
            if len(self.lines) == start:
                self.line("pass")
            self.level -= 1

    def restart_names(self) -> None:
        """Number locals from 1 again: a new function begins (short names, short lines)."""
        self._counter = 0

    def var(self, prefix: str) -> str:
        """Return a fresh local variable name."""
        self._counter += 1
        return f"{prefix}{self._counter}"

    def constant(self, expression: str, prefix: str, annotation: str = "Any") -> str:
        """Hoist an expression (built from literals) to a module constant, deduplicated."""
        name = self._constant_names.get(expression)
        if name is None:
            name = f"_{prefix}{len(self._constant_names) + 1}"
            self._constant_names[expression] = name
            self.constants.append(f"{name}: {annotation} = {expression}")
        return name

    def tuple_constant(self, items: list[str], prefix: str, annotation: str) -> str:
        """Hoist a tuple of two or more literals to a module constant, laid out as black
        lays it out where that is plain (tens of thousands of them on a large API)."""
        expression = "(" + ", ".join(items) + ")"
        name = self._constant_names.get(expression)
        if name is None:
            name = self.constant(expression, prefix, annotation)
            laid = _tuple_lines(f"{name}: {annotation} = ", items)
            if laid is not None:
                self.constants[-1] = "\n".join(laid)
        return name

    def mark(self) -> int:
        """Return a position to splice lines back at (see ``splice``)."""
        return len(self.lines)

    def take(self, start: int) -> list[str]:
        """Remove and return the lines written since ``start``."""
        taken = self.lines[start:]
        del self.lines[start:]
        return taken

    def text(self) -> str:
        """Return the body written so far."""
        return "\n".join(self.lines) + "\n"
