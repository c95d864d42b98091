"""Emitters for object keywords; each runs inside an isinstance(dict) guard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.validation.context import Ctx
from generator.validation.errors import SchemaCompileError
from generator.validation.refs import escape
from generator.validation.writer import frozenset_literal, literal
from generator.validation.typed import regex

if TYPE_CHECKING:
    from generator.validation.compiler import Compiler


def emit_properties(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit each listed property's subschema, in schema order."""
    if not isinstance(value, dict):
        raise SchemaCompileError(loc, "properties must be an object")
    for name, sub in value.items():
        key = literal(name)
        with c.w.block(f"if {key} in {ctx.var}:"):
            v = c.w.var("v")
            c.w.line(f"{v} = {ctx.var}[{key}]")
            node = c.sub(ctx, sub, f"/properties/{escape(name)}")
            c.schema(node, ctx.descend(v, key, node))
            if ctx.ev:
                c.w.line(f"{ctx.ev}.add({key})")


def emit_pattern_properties(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit each pattern's subschema over the matching keys."""
    if not isinstance(value, dict):
        raise SchemaCompileError(loc, "patternProperties must be an object")
    for pattern, sub in value.items():
        where = f"{loc}/{escape(pattern)}"
        pattern_name = regex(c, pattern, where)
        k, v = c.w.var("k"), c.w.var("v")
        with c.w.block(f"for {k}, {v} in {ctx.var}.items():"):
            with c.w.block(f"if {pattern_name}.search({k}) is not None:"):
                node = c.sub(ctx, sub, f"/patternProperties/{escape(pattern)}")
                c.schema(node, ctx.descend(v, k, node))
                if ctx.ev:
                    c.w.line(f"{ctx.ev}.add({k})")


def emit_additional_properties(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `additionalProperties` over keys no sibling matched."""
    schema = ctx.node.schema
    tests = []
    k, v = c.w.var("k"), c.w.var("v")
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        names = c.w.constant(
            frozenset_literal(schema["properties"]), "P", "frozenset[Any]"
        )
        tests.append(f"{k} in {names}")
    if isinstance(schema.get("patternProperties"), dict):
        for pattern in schema["patternProperties"]:
            where = f"{ctx.node.location}/patternProperties/{escape(pattern)}"
            tests.append(f"{regex(c, pattern, where)}.search({k}) is not None")
    with c.w.block(f"for {k}, {v} in {ctx.var}.items():"):
        if tests:
            with c.w.block(f"if {' or '.join(tests)}:"):
                c.w.line("continue")
        if value is False:
            c.fail(ctx, loc, "additionalProperties", None, k)
            c.w.line("break")
        else:
            node = c.sub(ctx, value, "/additionalProperties")
            c.schema(node, ctx.descend(v, k, node))
    if ctx.ev:
        c.w.line(f"{ctx.ev}.update({ctx.var})")


def emit_required(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit one presence check per required name.

    In a request (response) validator a readOnly (writeOnly) property is not required:
    OpenAPI says required applies to it only in the other direction.
    """
    if not isinstance(value, list):
        raise SchemaCompileError(loc, "required must be an array")
    properties = ctx.node.schema.get("properties")
    for name in value:
        if (
            ctx.direction is not None
            and isinstance(properties, dict)
            and isinstance(name, str)
            and c.forbidden(
                ctx,
                properties.get(name),
                f"{ctx.node.location}/properties/{escape(name)}",
            )
        ):
            continue
        with c.w.block(f"if {literal(name)} not in {ctx.var}:"):
            c.fail(ctx, loc, "required", name)


def emit_dependent_required(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `dependentRequired` presence checks."""
    for name, needs in value.items():
        if not isinstance(needs, list):
            raise SchemaCompileError(f"{loc}/{escape(name)}", "expected an array")
        with c.w.block(f"if {literal(name)} in {ctx.var}:"):
            for need in needs:
                with c.w.block(f"if {literal(need)} not in {ctx.var}:"):
                    c.fail(ctx, loc, "dependentRequired", (name, need))


def emit_dependent_schemas(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `dependentSchemas` subschemas for present keys."""
    for name, sub in value.items():
        with c.w.block(f"if {literal(name)} in {ctx.var}:"):
            c.schema(c.sub(ctx, sub, f"/dependentSchemas/{escape(name)}"), ctx)


def emit_dependencies(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit draft 4 `dependencies` (name lists or schemas)."""
    for name, dep in value.items():
        with c.w.block(f"if {literal(name)} in {ctx.var}:"):
            if isinstance(dep, list):
                for need in dep:
                    with c.w.block(f"if {literal(need)} not in {ctx.var}:"):
                        c.fail(ctx, loc, "dependentRequired", (name, need))
            else:
                c.schema(c.sub(ctx, dep, f"/dependencies/{escape(name)}"), ctx)


def emit_property_names(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit the `propertyNames` subschema against every key."""
    k = c.w.var("k")
    with c.w.block(f"for {k} in {ctx.var}:"):
        node = c.sub(ctx, value, "/propertyNames")
        # jsonschema reports property-name errors at the object, not below it.
        c.schema(node, ctx.at(node, var=k, ev=None))
