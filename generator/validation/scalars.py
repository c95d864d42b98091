"""Emitters for string and number keywords, and the formats the runtime checks."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from generator.validation.context import Ctx
from generator.validation.errors import SchemaCompileError
from generator.validation.writer import literal
from generator.validation.typed import Emitter, number, regex

if TYPE_CHECKING:
    from generator.validation.compiler import Compiler

# format -> (runtime checker, fast full-match tried first); either may be absent (None):
# UUID_FAST alone is exact. Formats not listed are annotations.
FORMATS: dict[str, tuple[str | None, str | None]] = {
    "date-time": ("is_date_time", "DATE_TIME_FAST"),
    "date": ("is_date", None),
    "time": ("is_time", None),
    "uuid": (None, "UUID_FAST"),
    "email": ("is_email", None),
    "ipv4": ("is_ipv4", None),
    "ipv6": ("is_ipv6", None),
    "uri": ("is_uri", None),
    "uri-reference": ("is_uri_reference", None),
    "hostname": ("is_hostname", None),
    "duration": ("is_duration", None),
    "regex": ("is_regex", None),
    "json-pointer": ("is_json_pointer", None),
    "relative-json-pointer": ("is_relative_json_pointer", None),
}


def emit_pattern(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit a search with the hoisted, translated pattern."""
    pattern_name = regex(c, value, loc)
    with c.w.block(f"if {pattern_name}.search({ctx.var}) is None:"):
        c.fail(ctx, loc, "pattern", value)


def emit_format(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit the runtime check of a known format; others are annotations."""
    known = FORMATS.get(value) if isinstance(value, str) and c.formats else None
    if known is None:
        return  # unknown formats are annotations
    checker, fast = known
    tests = []
    if fast:
        c.runtime.add(f"{fast} as _{fast}")
        tests.append(f"_{fast}({ctx.var}) is None")
    if checker:
        c.runtime.add(f"{checker} as _{checker}")
        tests.append(f"not _{checker}({ctx.var})")
    # Nested ifs, not `a and b`: lines stay short, and black keeps both forms alike.
    with ExitStack() as stack:
        for test in tests:
            stack.enter_context(c.w.block(f"if {test}:"))
        c.fail(ctx, loc, "format", value)


def compare(kind: str, op: str) -> Emitter:
    """Return an emitter comparing the instance with a bound."""

    def emit(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
        with c.w.block(f"if {ctx.var} {op} {number(value, loc)}:"):
            c.fail(ctx, loc, kind, value)

    return emit


def draft4_bound(kind: str, exclusive: str, op: str, strict: str) -> Emitter:
    """Return an emitter for draft 4 bounds with boolean exclusive flags."""

    def emit(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
        if ctx.node.schema.get(exclusive) is True:
            compare(exclusive, strict)(c, ctx, value, loc)
        else:
            compare(kind, op)(c, ctx, value, loc)

    return emit


def emit_multiple_of(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `multipleOf`, exact for float divisors."""
    divisor = number(value, loc)
    if value <= 0:
        raise SchemaCompileError(loc, "multipleOf must be greater than 0")
    if isinstance(value, float):
        c.runtime.add("not_multiple as _not_multiple")
        test = f"_not_multiple({ctx.var}, {divisor})"
    else:
        test = f"{ctx.var} % {divisor}"
    with c.w.block(f"if {test}:"):
        c.fail(ctx, loc, "multipleOf", value)
