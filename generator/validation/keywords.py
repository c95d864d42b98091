"""Keyword -> emitter table, and the keywords that apply to any instance type.

Keywords are emitted in the order the schema lists them (jsonschema's order, so the first
error agrees); consecutive keywords for one instance type share one isinstance guard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from generator.validation import arrays, shapes
from generator.validation.context import Ctx
from generator.validation.errors import IMPLICIT_MAPPING, SchemaCompileError
from generator.validation.refs import Node, escape
from generator.validation.writer import frozenset_literal, literal, parenthesized

if TYPE_CHECKING:
    from generator.validation.compiler import Compiler

Emitter = Callable[["Compiler", Ctx, Any, str], None]

GUARDS = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    # Plain ints and floats are the common case: tested inline; the rest costs a call.
    "number": "(type({v}) in _NUMBER or _is_number({v}))",
}
TYPES = {
    **GUARDS,
    "null": "{v} is None",
    "boolean": "isinstance({v}, bool)",
    # A plain int is the common case: tested inline; the rest (1.0, int subclasses
    # other than bool) costs a call.
    "integer": "(type({v}) is int or _is_integral({v}))",
}
# Draft 4 (as jsonschema implements it) does not count 1.0 as an integer.
_DRAFT4_INTEGER = "(isinstance({v}, int) and not isinstance({v}, bool))"


def guard(kind: str, var: str) -> str:
    """Return the expression testing that ``var`` is of a JSON type."""
    return GUARDS[kind].format(v=var)


def type_test(compiler: Compiler, name: str, var: str, where: str) -> str:
    """Return the expression testing one JSON type name."""
    if not isinstance(name, str) or name not in TYPES:
        raise SchemaCompileError(where, f"unknown type {name!r}")
    template = _DRAFT4_INTEGER if compiler.draft4 and name == "integer" else TYPES[name]
    return template.format(v=var)


def emit_type(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit the `type` check."""
    names = value if isinstance(value, list) else [value]
    tests = [type_test(c, n, ctx.var, loc) for n in names]
    if len(tests) == 1 and tests[0].startswith("isinstance("):
        failed = f"not {tests[0]}"
    elif len(tests) == 1 and tests[0].endswith(" is None"):
        failed = f"{ctx.var} is not None"
    elif len(tests) == 1 and parenthesized(tests[0]):
        failed = f"not {tests[0]}"
    else:
        failed = f"not ({' or '.join(tests) or 'False'})"
    with c.w.block(f"if {failed}:"):
        c.fail(ctx, loc, "type", tuple(names))


def _bare(expression: str) -> str:
    """Return an expression without the parentheses black drops after ``if``."""
    return expression[1:-1] if parenthesized(expression) else expression


def _scalar_test(var: str, value: Any, loc: str) -> str | None:
    """Return an inline JSON-equality test against a scalar, or None for containers."""
    if value is None or isinstance(value, bool):
        return f"{var} is {literal(value)}"
    if isinstance(value, (int, float)):
        return f"({var} == {literal(value, loc)} and not isinstance({var}, bool))"
    if isinstance(value, str):
        return f"{var} == {literal(value)}"
    return None


def emit_const(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit the `const` check with JSON equality."""
    test = _scalar_test(ctx.var, value, loc)
    if test is None:
        c.runtime.add("json_equal as _json_equal")
        const = c.w.constant(literal(value, loc), "C")
        test = f"_json_equal({ctx.var}, {const})"
    with c.w.block(f"if not ({test}):"):
        c.fail(ctx, loc, "const", value)


def emit_enum(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit the `enum` check with JSON equality."""
    if not isinstance(value, list):
        raise SchemaCompileError(loc, "enum must be an array")
    if value and all(isinstance(v, str) for v in value):
        options = c.w.constant(frozenset_literal(value, loc), "E", "frozenset[Any]")
        test = f"isinstance({ctx.var}, str) and {ctx.var} in {options}"
    else:
        c.runtime.update(("enum_keys as _enum_keys", "key as _key"))
        options = c.w.constant(
            f"_enum_keys({literal(value, loc)})", "E", "frozenset[Any]"
        )
        test = f"_key({ctx.var}) in {options}"
    with c.w.block(f"if not ({test}):"):
        c.fail(ctx, loc, "enum", tuple(value))


def emit_ref(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit a call to the function of the `$ref` target."""
    if not isinstance(value, str):
        raise SchemaCompileError(loc, "$ref must be a string")
    c.call(c.registry.resolve(value, ctx.node.base, loc), ctx)


def emit_dynamic_ref(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit a `$dynamicRef` call resolved through the dynamic scope."""
    if not isinstance(value, str):
        raise SchemaCompileError(loc, "$dynamicRef must be a string")
    target = c.registry.resolve(value, ctx.node.base, loc)
    anchor = value.partition("#")[2]
    if anchor not in target.dynamic_anchors or isinstance(target.schema, bool):
        # Without a matching $dynamicAnchor at the target it is an ordinary $ref.
        c.call(target, ctx)
        return
    annotate = ctx.ev is not None
    table = c.dynamic_table(anchor, annotate)
    default = c.function(target, annotate)
    c.runtime.add("dynamic as _dynamic")
    c.emit_call(f"_dynamic(ds, {table}, {default})", ctx)


def emit_all_of(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit every `allOf` branch inline."""
    for i, sub in enumerate(_schema_list(value, loc)):
        c.schema(c.sub(ctx, sub, f"/allOf/{i}"), ctx)


def emit_any_of(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `anyOf`: quiet branch checks, one error if none passes."""
    if not _dispatch(c, ctx, "anyOf", _schema_list(value, loc), _any_of, loc):
        _any_of(c, ctx, value, loc)


def _any_of(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    ok = c.w.var("any")
    c.w.line(f"{ok} = False")
    for i, sub in enumerate(_schema_list(value, loc)):
        node = c.sub(ctx, sub, f"/anyOf/{i}")
        if ctx.ev is None:
            # Without annotations to collect, the first matching branch settles it.
            with c.w.block(f"if not {ok}:"):
                c.w.line(f"{ok} = {c.quiet(node, ctx)}")
        else:
            ev = _branch_set(c)
            with c.w.block(f"if {c.quiet(node, ctx, ev)}:"):
                c.w.line(f"{ok} = True")
                c.w.line(f"{ctx.ev}.update({ev})")
    with c.w.block(f"if not {ok}:"):
        c.fail(ctx, loc, "anyOf", None)


def emit_one_of(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `oneOf`: count passing branches, one error unless exactly one."""
    if not _dispatch(c, ctx, "oneOf", _schema_list(value, loc), _one_of, loc):
        _one_of(c, ctx, value, loc)


def _one_of(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    count = c.w.var("n")
    c.w.line(f"{count} = 0")
    for i, sub in enumerate(_schema_list(value, loc)):
        node = c.sub(ctx, sub, f"/oneOf/{i}")
        ev = _branch_set(c) if ctx.ev else None
        with c.w.block(f"if {c.quiet(node, ctx, ev)}:"):
            c.w.line(f"{count} += 1")
            if ev:
                c.w.line(f"{ctx.ev}.update({ev})")
    with c.w.block(f"if {count} != 1:"):
        c.fail(ctx, loc, "oneOf", None, count)


def _dispatch(
    c: Compiler,
    ctx: Ctx,
    keyword: str,
    branches: list[Any],
    generic: Emitter,
    loc: str,
) -> bool:
    """Emit OpenAPI discriminator dispatch for a oneOf/anyOf; return False if it has none.

    An object is checked against the one branch its discriminator property maps to
    (explicit ``mapping`` first, then each ``$ref`` branch by its schema name), so its
    errors point inside that branch; a missing or unmapped value is reported at the
    property. Anything but an object gets the generic ``generic`` check. Without a
    usable discriminator, or with a branch no value can reach, it does nothing.
    """
    disc = ctx.node.schema.get("discriminator")
    if (
        not c.openapi
        or not isinstance(disc, dict)
        or not isinstance(disc.get("propertyName"), str)
    ):
        return False
    where = f"{ctx.node.location}/discriminator"
    base = ctx.node.base
    branch_of: dict[int, Node] = {}  # id of a $ref branch's target -> the branch
    implicit: list[tuple[str, Node]] = []
    for i, sub in enumerate(branches):
        if sub == {"type": "null"}:
            continue  # only reached by null, which is no object
        ref = sub.get("$ref") if isinstance(sub, dict) else None
        if not isinstance(ref, str):
            return False  # a branch no discriminator value names: keep trial parsing
        branch = c.sub(ctx, sub, f"/{keyword}/{i}")
        target = c.registry.resolve(ref, branch.base, f"{branch.location}/$ref")
        branch_of.setdefault(id(target.schema), branch)
        name = ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        implicit.append((unquote(name), target))
    mapping: dict[str, Node] = {}
    explicit: set[int] = set()
    raw = disc.get("mapping")
    for value, ref in (raw if isinstance(raw, dict) else {}).items():
        at = f"{where}/mapping/{escape(value)}"
        if not isinstance(ref, str):
            raise SchemaCompileError(at, "a discriminator mapping must be a reference")
        target = c.registry.resolve(ref, base, at)
        explicit.add(id(target.schema))
        mapping[str(value)] = branch_of.get(id(target.schema), target)
    for name, target in implicit:
        if id(target.schema) not in explicit:
            mapping.setdefault(name, branch_of[id(target.schema)])
    if not mapping:
        return False
    branch_ids = {id(b.schema) for b in branch_of.values()}
    prop = disc["propertyName"]
    key = literal(prop)
    arg = (prop, tuple(mapping))
    at_prop = ctx.descend(ctx.var, key, ctx.node)
    # An explicit mapping is a contract: a missing or unmapped value is an error at the
    # property. A mapping only implied by schema names is a hint: values it does not name
    # fall back to the plain oneOf/anyOf check, never stricter than JSON Schema.
    implied = disc.get(IMPLICIT_MAPPING) is True
    with c.w.block(f"if isinstance({ctx.var}, dict):"):
        with c.w.block(f"if {key} not in {ctx.var}:"):
            if implied:
                generic(c, ctx, branches, loc)
            else:
                c.fail(at_prop, where, "discriminatorMissing", arg)
        with c.w.block("else:"):
            tag = c.w.var("tag")
            c.w.line(f"{tag} = {ctx.var}[{key}]")
            for n, (value, node) in enumerate(mapping.items()):
                with c.w.block(f"{'elif' if n else 'if'} {tag} == {literal(value)}:"):
                    if id(node.schema) in branch_ids:
                        c.schema(node, ctx)
                    else:
                        c.call(node, ctx)
            with c.w.block("else:"):
                if implied:
                    generic(c, ctx, branches, loc)
                else:
                    c.fail(at_prop, where, "discriminator", arg, tag)
    with c.w.block("else:"):
        generic(c, ctx, branches, loc)
    return True


def emit_not(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `not`: one error if the subschema passes."""
    ok = c.quiet(c.sub(ctx, value, "/not"), ctx)
    with c.w.block(f"if {ok}:"):
        c.fail(ctx, loc, "not", None)


def emit_if(c: Compiler, ctx: Ctx, value: Any, loc: str) -> None:
    """Emit `if` with its `then`/`else` branches."""
    schema = ctx.node.schema
    if "then" not in schema and "else" not in schema and ctx.ev is None:
        return
    ev = _branch_set(c) if ctx.ev else None
    ok = c.quiet(c.sub(ctx, value, "/if"), ctx, ev)
    with c.w.block(f"if {ok}:"):
        if ev:
            c.w.line(f"{ctx.ev}.update({ev})")
        if "then" in schema:
            c.schema(c.sub(ctx, schema["then"], "/then"), ctx)
    if "else" in schema:
        with c.w.block("else:"):
            c.schema(c.sub(ctx, schema["else"], "/else"), ctx)


def _branch_set(c: Compiler) -> str:
    ev = c.w.var("ev")
    c.w.line(f"{ev}: set[Any] = set()")
    return ev


def _schema_list(value: Any, loc: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise SchemaCompileError(loc, "expected a non-empty array of schemas")
    return value


# keyword -> (instance type it applies to, or None for any; emitter)
COMMON: dict[str, tuple[str | None, Emitter]] = {
    "type": (None, emit_type),
    "enum": (None, emit_enum),
    "$ref": (None, emit_ref),
    "allOf": (None, emit_all_of),
    "anyOf": (None, emit_any_of),
    "oneOf": (None, emit_one_of),
    "not": (None, emit_not),
    **shapes.COMMON,
}
DRAFT2020: dict[str, tuple[str | None, Emitter]] = {
    **COMMON,
    "const": (None, emit_const),
    "$dynamicRef": (None, emit_dynamic_ref),
    "if": (None, emit_if),
    **shapes.DRAFT2020,
}
DRAFT4: dict[str, tuple[str | None, Emitter]] = {**COMMON, **shapes.DRAFT4}


def emit_schema(c: Compiler, schema: dict[str, Any], ctx: Ctx) -> None:
    """Emit every keyword of a schema object, in its order, guarded by instance type."""
    table = DRAFT4 if c.draft4 else DRAFT2020
    if c.draft4 and "$ref" in schema:
        # Draft 4: $ref replaces the whole schema; siblings are ignored.
        emit_ref(c, ctx, schema["$ref"], ctx.node.location + "/$ref")
        return
    unevaluated = not c.draft4 and (
        "unevaluatedProperties" in schema or "unevaluatedItems" in schema
    )
    outer = ctx
    if unevaluated:
        # Only this schema's own subtree counts as evaluated for its unevaluated*.
        ctx = ctx.at(ctx.node, ev=_branch_set(c))
    groups: list[tuple[str | None, list[str]]] = []
    for kw in schema:
        if kw in table and kw not in c.disabled:
            kind = table[kw][0]
            if kind is not None and groups and groups[-1][0] == kind:
                groups[-1][1].append(kw)
            else:
                groups.append((kind, [kw]))
    i = 0
    while i < len(groups):
        kind, kws = groups[i]
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        typed = _typed_partner(schema, (kind, kws), nxt)
        if typed is not None:
            # `type: object` beside object keywords: one isinstance, the type fails in
            # the else. Reordering is safe: the two can never both report.
            with c.w.block(f"if {_bare(guard(schema['type'], ctx.var))}:"):
                _emit_all(c, ctx, typed, table)
            with c.w.block("else:"):
                c.fail(ctx, _loc(ctx, "type"), "type", (schema["type"],))
            i += 2
            continue
        if kind is None:
            _emit_all(c, ctx, kws, table)
        else:
            with c.w.block(f"if {_bare(guard(kind, ctx.var))}:"):
                _emit_all(c, ctx, kws, table)
        i += 1
    if unevaluated:
        arrays.emit_unevaluated(c, ctx, schema)
        if outer.ev:
            c.w.line(f"{outer.ev}.update({ctx.ev})")


def _typed_partner(
    schema: dict[str, Any],
    group: tuple[str | None, list[str]],
    nxt: tuple[str | None, list[str]] | None,
) -> list[str] | None:
    """Return the keywords to run under `type`'s own guard, when two groups pair up."""
    kind = schema.get("type")
    if nxt is None or not isinstance(kind, str) or kind not in GUARDS:
        return None
    for one, other in ((group, nxt), (nxt, group)):
        if one == (None, ["type"]) and other[0] == schema["type"]:
            return other[1]
    return None


def _emit_all(
    c: Compiler, ctx: Ctx, kws: list[str], table: dict[str, tuple[str | None, Emitter]]
) -> None:
    for kw in kws:
        table[kw][1](c, ctx, ctx.node.schema[kw], _loc(ctx, kw))


def _loc(ctx: Ctx, kw: str) -> str:
    return ctx.node.location + "/" + escape(kw)
