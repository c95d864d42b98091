"""Walk schemas and write one Python function per referenced schema, the rest inline.

Every function takes the instance, the error sink and a lazy path node; annotation-
collecting variants (for unevaluated*) return the set of evaluated keys or indices.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Sequence
from typing import Any

from generator.validation import keywords, module, vocabularies
from generator.validation.context import Ctx
from generator.validation.errors import DIRECTIONS, Entry, SchemaCompileError
from generator.validation.refs import ROOT_URI, Node, Registry, children
from generator.validation.writer import CodeWriter, identifier, literal

_HELPERS = (
    "QUIET as _Q",
    "Invalid as _Invalid",
    "NUMBER as _NUMBER",
    "Sink as _Sink",
    "ValidationError as ValidationError",
    "fail as _fail",
    "is_integral as _is_integral",
    "is_number as _is_number",
    "too_deep as _too_deep",
)


class _Restart(Exception):
    """A $dynamicRef turned up: compile again with dynamic scope threaded through."""


# direction -> the annotation that forbids a value in that direction (OpenAPI).
FORBIDDEN = {"request": "readOnly", "response": "writeOnly"}


class Compiler:
    """Compile one root schema (plus retrievable remotes) into a module body."""

    def __init__(
        self,
        root: Any,
        dialect: str = "2020-12",
        retrieve: Callable[[str], Any] | None = None,
        dynamic: bool = False,
        formats: bool = True,
        openapi: bool = False,
    ) -> None:
        if dialect not in ("2020-12", "draft4"):
            raise SchemaCompileError("", f"unsupported dialect {dialect!r}")
        self.draft4 = dialect == "draft4"
        self.registry = Registry(self.draft4, retrieve)
        self.root = self.registry.add(root, ROOT_URI, "")
        self.dynamic = dynamic
        self.formats = formats
        self.openapi = openapi
        self.disabled = vocabularies.disabled_keywords(root, self.draft4, retrieve)
        self.w = CodeWriter()
        self.runtime: set[str] = set()
        self._functions: dict[tuple[int, bool, str | None], str] = {}
        self._names: set[str] = set()
        self._queue: list[tuple[Node, bool, str, str | None]] = []
        # (id of a schema, readOnly/writeOnly) -> whether it reaches a schema so marked.
        self._directional: dict[tuple[int, str], bool] = {}
        self._tables: dict[tuple[str, bool], str] = {}
        self.inline = True

    # -- functions -------------------------------------------------------------------

    def function(self, node: Node, annotate: bool, direction: str | None = None) -> str:
        """Return the name of the function checking a schema, queueing it if new.

        A direction only makes a separate function when the schema can reach a schema
        that direction forbids; everything else is shared with the plain validators.
        """
        if direction is not None and not self.directional(node, direction):
            direction = None
        key = (id(node.schema), annotate, direction)
        name = self._functions.get(key)
        if name is None:
            stem = identifier(
                node.location.rsplit("#", 1)[-1] or "root", "_a_" if annotate else "_v_"
            )
            if direction is not None:
                stem += "_req" if direction == "request" else "_resp"
            name, n = stem, 1
            while name in self._names:
                n += 1
                name = f"{stem}_{n}"
            self._names.add(name)
            self._functions[key] = name
            self._queue.append((node, annotate, name, direction))
        return name

    def directional(self, node: Node, direction: str) -> bool:
        """Return whether a schema reaches (through references) one marked with the
        annotation ``direction`` forbids, i.e. whether its validation depends on it."""
        flag = FORBIDDEN[direction]
        known = self._directional.get((id(node.schema), flag))
        if known is not None:
            return known
        # Scan every reference target reachable from node once, then settle by fixpoint.
        graph: dict[int, tuple[bool, list[int]]] = {}
        stack = [node]
        while stack:
            current = stack.pop()
            if id(current.schema) in graph or (
                (id(current.schema), flag) in self._directional
            ):
                continue
            local, targets = self._scan(current, flag)
            graph[id(current.schema)] = (local, [id(t.schema) for t in targets])
            stack.extend(targets)
        result = {key: local for key, (local, _) in graph.items()}
        changed = True
        while changed:
            changed = False
            for key, (_, edges) in graph.items():
                if not result[key] and any(
                    result.get(t, self._directional.get((t, flag), False))
                    for t in edges
                ):
                    result[key] = changed = True
        for key, value in result.items():
            self._directional[(key, flag)] = value
        return result[id(node.schema)]

    def forbidden(self, ctx: Ctx, schema: Any, where: str) -> bool:
        """Return whether a property schema is forbidden in ctx's direction: marked
        itself, or a reference to a schema that is."""
        if ctx.direction is None or not isinstance(schema, dict):
            return False
        flag = FORBIDDEN[ctx.direction]
        if schema.get(flag) is True:
            return True
        ref = schema.get("$ref")
        if isinstance(ref, str):
            base = self.registry.nodes.get(id(schema), ctx.node).base
            target = self.registry.resolve(ref, base, where).schema
            return isinstance(target, dict) and target.get(flag) is True
        return False

    def _scan(self, node: Node, flag: str) -> tuple[bool, list[Node]]:
        """Return whether a schema's own subtree holds ``flag: true``, and the nodes its
        references (and OpenAPI discriminator mappings) point at."""
        local, targets = False, []
        stack = [(node.schema, node.location)]
        while stack:
            schema, location = stack.pop()
            if not isinstance(schema, dict):
                continue
            if schema.get(flag) is True:
                local = True
            base = self.registry.nodes.get(id(schema), node).base
            refs = [schema.get("$ref"), schema.get("$dynamicRef")]
            disc = schema.get("discriminator") if self.openapi else None
            if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
                refs.extend(disc["mapping"].values())
            for ref in refs:
                if isinstance(ref, str):
                    targets.append(self.registry.resolve(ref, base, location))
            stack.extend((sub, location + rel) for rel, sub in children(schema, False))
        return local, targets

    def call(self, node: Node, ctx: Ctx) -> None:
        """Emit a call to the function of ``node`` at the current position."""
        if isinstance(node.schema, bool):
            self.schema(node, ctx)
            return
        if self._inlinable(node, ctx):
            # A small target with no references of its own cannot recurse: inlining it
            # saves a call and a path tuple per instance (arrays of objects, mostly).
            self.schema(node, ctx, top=True)
            return
        name = self.function(node, ctx.ev is not None, ctx.direction)
        self.emit_call(name, ctx)

    def _inlinable(self, node: Node, ctx: Ctx) -> bool:
        if not self.inline or self.dynamic or ctx.ev is not None:
            return False
        return _size(node.schema, 40) < 40 and not _has_references(node.schema)

    def emit_call(self, callee: str, ctx: Ctx) -> None:
        """Emit ``callee(instance, sink, path)``, merging annotations when collected."""
        scope = ", ds" if self.dynamic else ""
        call = f"{callee}({ctx.var}, {ctx.sink}, {ctx.path_expr()}{scope})"
        self.w.line(f"{ctx.ev}.update({call})" if ctx.ev else call)

    def dynamic_table(self, anchor: str, annotate: bool) -> str:
        """Return the module constant mapping resources to their $dynamicAnchor target."""
        if not self.dynamic:
            raise _Restart
        key = (anchor, annotate)
        if key not in self._tables:
            self._tables[key] = identifier(f"{len(self._tables) + 1}", "_DYN")
        return self._tables[key]

    def _emit_function(
        self, node: Node, annotate: bool, name: str, direction: str | None
    ) -> None:
        w = self.w
        scope = ", ds: tuple[int, ...]" if self.dynamic else ""
        result = "set[Any]" if annotate else "None"
        w.line("")
        w.line("")
        w.restart_names()
        with w.block(f"def {name}(d: Any, e: _Sink, p: Any{scope}) -> {result}:"):
            resource = self.registry.resources.get(node.base)
            if self.dynamic and resource is not None and resource.dynamic_anchors:
                # Entering a resource that declares dynamic anchors extends the scope.
                w.line(f"ds = ds + ({literal(resource.resource)},)")
            if annotate:
                w.line("ev: set[Any] = set()")
            ctx = Ctx(
                "d", ("p",), "e", "ev" if annotate else None, node, direction=direction
            )
            self.schema(node, ctx, top=True)
            if annotate:
                w.line("return ev")

    def _drain(self) -> None:
        while True:
            while self._queue:
                self._emit_function(*self._queue.pop(0))
            # Tables name every resource's anchor target; building them may queue more.
            for anchor, annotate in list(self._tables):
                for target in self._anchor_targets(anchor):
                    self.function(target, annotate)
            if not self._queue:
                return

    def _anchor_targets(self, anchor: str) -> list[Node]:
        out = []
        for uri, resource in self.registry.resources.items():
            if anchor in resource.dynamic_anchors:
                out.append(self.registry.anchors[f"{uri}#{anchor}"])
        return out

    # -- schemas ---------------------------------------------------------------------

    def sub(self, ctx: Ctx, schema: Any, relative: str) -> Node:
        """Return the node of a subschema of the current schema."""
        node = ctx.node
        return self.registry.node(
            schema, node.base, node.location + relative, node.resource
        )

    def schema(self, node: Node, ctx: Ctx, top: bool = False) -> None:
        """Emit the checks of one schema against ``ctx.var``, inline."""
        schema = node.schema
        fresh, ctx = ctx.fresh, ctx.at(node)
        if schema is True:
            return
        if schema is False:
            # jsonschema drops the last path segment when it descends straight into a
            # `false` subschema; report where it does, so first errors agree.
            at = ctx.at(node, path=ctx.path[:-1]) if fresh else ctx
            self.fail(at, node.location, "false", None)
            return
        if not isinstance(schema, dict):
            raise SchemaCompileError(
                node.location, "a schema must be an object or a boolean"
            )
        if ctx.direction is not None:
            flag = FORBIDDEN[ctx.direction]
            if schema.get(flag) is True:
                # The value must not be there at all: nothing else is worth checking.
                self.fail(ctx, f"{node.location}/{flag}", flag, ctx.direction)
                return
        if not top and self.dynamic and isinstance(schema.get("$id"), str):
            # A nested resource gets its own function, which pushes the dynamic scope.
            self.call(node, ctx)
            return
        keywords.emit_schema(self, schema, ctx)

    def fail(
        self, ctx: Ctx, location: str, kind: str, arg: Any, value: str | None = None
    ) -> None:
        """Emit the report of one failed rule at the current position."""
        info = self.w.tuple_constant(
            [literal(location), literal(kind), literal(arg, location)],
            "K",
            "tuple[str, str, Any]",
        )
        self.runtime.add("fail as _fail")
        self.w.line(f"_fail({ctx.sink}, {ctx.path_expr()}, {value or ctx.var}, {info})")

    def quiet(self, node: Node, ctx: Ctx, ev: str | None = None) -> str:
        """Emit a validity-only check of a subschema; return the name of its bool."""
        ok = self.w.var("ok")
        if node.schema is True or node.schema == {}:
            self.w.line(f"{ok} = True")
            return ok
        with self.w.block("try:"):
            self.schema(node, ctx.at(node, sink="_Q", ev=ev))
        with self.w.block("except _Invalid:"):
            self.w.line(f"{ok} = False")
        with self.w.block("else:"):
            self.w.line(f"{ok} = True")
        return ok

    # -- module ----------------------------------------------------------------------

    def module(self, entries: Sequence[Entry]) -> str:
        """Return the module body defining the public validators of every entry."""
        publics: list[tuple[str, str]] = []
        for entry in entries:
            name = entry.name
            if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
                raise SchemaCompileError(
                    entry.pointer, f"entry name {entry.name!r} is not an identifier"
                )
            if entry.direction is not None and entry.direction not in DIRECTIONS:
                raise SchemaCompileError(
                    entry.pointer, f"unknown direction {entry.direction!r}"
                )
            node = self.registry.pointer(
                self.root, entry.pointer, entry.pointer, entry.pointer
            )
            publics.append((name, self.function(node, False, entry.direction)))
        self._drain()
        body = self.w.lines
        self.w.lines = []
        for (anchor, annotate), table in self._tables.items():
            pairs = ", ".join(
                f"{literal(t.resource)}: {self.function(t, annotate)}"
                for t in sorted(self._anchor_targets(anchor), key=lambda t: t.resource)
            )
            body.append(f"{table}: dict[int, Any] = {{{pairs}}}")
        for name, fn in publics:
            module.emit_public(self.w, name, fn, self.dynamic)
        return module.assemble(self.w, set(_HELPERS) | self.runtime, body, publics)


def _size(schema: Any, limit: int) -> int:
    """Return how many schema objects a schema holds, counting no further than limit."""
    count, stack = 0, [schema]
    while stack and count < limit:
        item = stack.pop()
        if isinstance(item, dict):
            count += 1
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _has_references(schema: Any) -> bool:
    """Return whether a schema holds a reference or a nested resource anywhere."""
    stack = [schema]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item or "$dynamicRef" in item or "$id" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def compile_module(
    root: Any,
    entries: Sequence[Entry],
    dialect: str = "2020-12",
    retrieve: Callable[[str], Any] | None = None,
    formats: bool = True,
    openapi: bool = False,
) -> str:
    """Compile the schemas at the entries' pointers into a Python module body.

    ``formats`` asserts the formats the runtime knows (the generator's contract);
    False keeps 2020-12's default of formats as annotations only. ``openapi`` gives
    OpenAPI's ``discriminator`` its meaning: a oneOf/anyOf that has one dispatches on
    the discriminator property to the one mapped branch instead of trying them all.
    """
    try:
        return Compiler(
            root, dialect, retrieve, formats=formats, openapi=openapi
        ).module(entries)
    except _Restart:
        return Compiler(root, dialect, retrieve, True, formats, openapi).module(entries)
    except RecursionError:
        raise SchemaCompileError("", "schema nests too deeply to compile") from None
