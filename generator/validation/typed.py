"""Helpers shared by the typed emitters: hoisted regexes, counts, numbers, sizes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.validation.context import Ctx
from generator.validation.errors import SchemaCompileError
from generator.validation.writer import literal
from collections.abc import Callable

from generator.validation.regex import translate

if TYPE_CHECKING:
    from generator.validation.compiler import Compiler

Emitter = Callable[["Compiler", Ctx, Any, str], None]


def regex(c: Compiler, pattern: Any, loc: str) -> str:
    """Hoist a compiled pattern to a module constant; return its name."""
    if not isinstance(pattern, str):
        raise SchemaCompileError(loc, "a pattern must be a string")
    python = translate(pattern, loc)
    return c.w.constant(
        f"_re.compile({literal(python)}, _re.ASCII)", "RE", "_re.Pattern[str]"
    )


def count(value: Any, loc: str) -> str:
    """Return a non-negative integer keyword value as a literal."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise SchemaCompileError(loc, "expected a non-negative integer")
    if isinstance(value, float) and not value.is_integer():
        raise SchemaCompileError(loc, "expected a non-negative integer")
    return literal(int(value))


def number(value: Any, loc: str) -> str:
    """Return a numeric keyword value as a literal."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SchemaCompileError(loc, "expected a number")
    return literal(value, loc)


def size(kind: str, op: str) -> Emitter:
    """Return an emitter comparing a length with a count."""

    def emit(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
        with c.w.block(f"if len({ctx.var}) {op} {count(value, loc)}:"):
            c.fail(ctx, loc, kind, int(value))

    return emit
