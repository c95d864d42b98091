"""Emitters for array keywords, and unevaluated*; each runs inside its type guard."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from generator.validation.context import Ctx
from generator.validation.errors import SchemaCompileError
from generator.validation.writer import literal
from generator.validation.typed import count

if TYPE_CHECKING:
    from generator.validation.compiler import Compiler


def _items_from(
    c: Compiler, ctx: Ctx, sub: Any, start: int, rel: str, loc: str
) -> None:
    if sub is False:
        with c.w.block(f"if len({ctx.var}) > {literal(start)}:"):
            c.fail(ctx, loc, "additionalItems", start)
    else:
        i, v = c.w.var("i"), c.w.var("v")
        node = c.sub(ctx, sub, rel)
        loop = (
            f"for {i}, {v} in enumerate({ctx.var}):"
            if start == 0
            else f"for {i}, {v} in enumerate({ctx.var}[{literal(start)}:], {literal(start)}):"
        )
        if node.schema is not True:
            with c.w.block(loop):
                c.schema(node, ctx.descend(v, i, node))
    if ctx.ev:
        c.w.line(f"{ctx.ev}.update(range(len({ctx.var})))")


def _prefix(c: Compiler, ctx: Ctx, subs: list[Any], kw: str) -> None:
    for index, sub in enumerate(subs):
        with c.w.block(f"if len({ctx.var}) > {literal(index)}:"):
            v = c.w.var("v")
            c.w.line(f"{v} = {ctx.var}[{literal(index)}]")
            node = c.sub(ctx, sub, f"/{kw}/{index}")
            c.schema(node, ctx.descend(v, literal(index), node))
    if ctx.ev:
        c.w.line(f"{ctx.ev}.update(range(min(len({ctx.var}), {literal(len(subs))})))")


def emit_prefix_items(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `prefixItems` subschemas by position."""
    if not isinstance(value, list):
        raise SchemaCompileError(loc, "prefixItems must be an array")
    _prefix(c, ctx, value, "prefixItems")


def emit_items(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `items` over the items after `prefixItems`."""
    prefix = ctx.node.schema.get("prefixItems")
    start = len(prefix) if isinstance(prefix, list) else 0
    _items_from(c, ctx, value, start, "/items", loc)


def emit_items_draft4(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit draft 4 `items` (schema or array) and `additionalItems`."""
    if not isinstance(value, list):
        _items_from(c, ctx, value, 0, "/items", loc)
        return
    _prefix(c, ctx, value, "items")
    more = ctx.node.schema.get("additionalItems", True)
    if more is not True:
        _items_from(
            c,
            ctx,
            more,
            len(value),
            "/additionalItems",
            ctx.node.location + "/additionalItems",
        )


def emit_contains(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `contains` with `minContains`/`maxContains`."""
    schema = ctx.node.schema
    low = schema.get("minContains", 1)
    high = schema.get("maxContains")
    matches, i, v = c.w.var("n"), c.w.var("i"), c.w.var("v")
    c.w.line(f"{matches} = 0")
    node = c.sub(ctx, value, "/contains")
    with c.w.block(f"for {i}, {v} in enumerate({ctx.var}):"):
        ok = c.quiet(node, ctx.descend(v, i, node))
        with c.w.block(f"if {ok}:"):
            c.w.line(f"{matches} += 1")
            if ctx.ev:
                c.w.line(f"{ctx.ev}.add({i})")
    base = ctx.node.location
    with c.w.block(f"if {matches} < {count(low, base + '/minContains')}:"):
        c.fail(ctx, loc, "contains", int(low), matches)
    if high is not None:
        with c.w.block(f"if {matches} > {count(high, base + '/maxContains')}:"):
            c.fail(ctx, base + "/maxContains", "maxContains", int(high), matches)


def emit_unique_items(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit the `uniqueItems` check with JSON equality."""
    if value is True:
        c.runtime.add("has_duplicates as _has_duplicates")
        with c.w.block(f"if _has_duplicates({ctx.var}):"):
            c.fail(ctx, loc, "uniqueItems", True)


def emit_unevaluated(c: Compiler, ctx: Ctx, schema: dict[str, Any]) -> None:
    """Emit unevaluatedProperties/Items last: they need every sibling's annotations."""
    base = ctx.node.location
    for kw, kind, keys, everything in (
        ("unevaluatedProperties", "object", f"{ctx.var}.items()", ctx.var),
        (
            "unevaluatedItems",
            "array",
            f"enumerate({ctx.var})",
            f"range(len({ctx.var}))",
        ),
    ):
        if kw not in schema:
            continue
        k, v = c.w.var("k"), c.w.var("v")
        guard = "isinstance({}, dict)" if kind == "object" else "isinstance({}, list)"
        with c.w.block(f"if {guard.format(ctx.var)}:"):
            with c.w.block(f"for {k}, {v} in {keys}:"):
                with c.w.block(f"if {k} not in {ctx.ev}:"):
                    # jsonschema reports unevaluated items once, at the container.
                    scope: AbstractContextManager[None] = nullcontext()
                    if schema[kw] is not False:
                        node = c.sub(ctx, schema[kw], f"/{kw}")
                        ok = c.quiet(node, ctx.descend(v, k, node))
                        scope = c.w.block(f"if not {ok}:")
                    with scope:
                        c.fail(ctx, f"{base}/{kw}", kw, None, k)
                        c.w.line("break")
            c.w.line(f"{ctx.ev}.update({everything})")
