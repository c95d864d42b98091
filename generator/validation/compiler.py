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
from generator.validation.errors import Entry, SchemaCompileError
from generator.validation.refs import ROOT_URI, Node, Registry
from generator.validation.writer import CodeWriter, identifier, literal

_HELPERS = (
    "QUIET as _Q",
    "Invalid as _Invalid",
    "Sink as _Sink",
    "ValidationError as ValidationError",
    "fail as _fail",
    "too_deep as _too_deep",
)


class _Restart(Exception):
    """A $dynamicRef turned up: compile again with dynamic scope threaded through."""


class Compiler:
    """Compile one root schema (plus retrievable remotes) into a module body."""

    def __init__(
        self,
        root: Any,
        dialect: str = "2020-12",
        retrieve: Callable[[str], Any] | None = None,
        dynamic: bool = False,
        formats: bool = True,
    ) -> None:
        if dialect not in ("2020-12", "draft4"):
            raise SchemaCompileError("", f"unsupported dialect {dialect!r}")
        self.draft4 = dialect == "draft4"
        self.registry = Registry(self.draft4, retrieve)
        self.root = self.registry.add(root, ROOT_URI, "")
        self.dynamic = dynamic
        self.formats = formats
        self.disabled = vocabularies.disabled_keywords(root, self.draft4, retrieve)
        self.w = CodeWriter()
        self.runtime: set[str] = set()
        self._functions: dict[tuple[int, bool], str] = {}
        self._names: set[str] = set()
        self._queue: list[tuple[Node, bool, str]] = []
        self._tables: dict[tuple[str, bool], str] = {}
        self.inline = True

    # -- functions -------------------------------------------------------------------

    def function(self, node: Node, annotate: bool) -> str:
        """Return the name of the function checking a schema, queueing it if new."""
        key = (id(node.schema), annotate)
        name = self._functions.get(key)
        if name is None:
            stem = identifier(
                node.location.rsplit("#", 1)[-1] or "root", "_a_" if annotate else "_v_"
            )
            name, n = stem, 1
            while name in self._names:
                n += 1
                name = f"{stem}_{n}"
            self._names.add(name)
            self._functions[key] = name
            self._queue.append((node, annotate, name))
        return name

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
        name = self.function(node, ctx.ev is not None)
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

    def _emit_function(self, node: Node, annotate: bool, name: str) -> None:
        w = self.w
        scope = ", ds: tuple[int, ...]" if self.dynamic else ""
        result = "set[Any]" if annotate else "None"
        w.line("")
        with w.block(f"def {name}(d: Any, e: _Sink, p: Any{scope}) -> {result}:"):
            resource = self.registry.resources.get(node.base)
            if self.dynamic and resource is not None and resource.dynamic_anchors:
                # Entering a resource that declares dynamic anchors extends the scope.
                w.line(f"ds = ds + ({literal(resource.resource)},)")
            if annotate:
                w.line("ev: set[Any] = set()")
            self.schema(
                node, Ctx("d", ("p",), "e", "ev" if annotate else None, node), top=True
            )
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
        if not top and self.dynamic and isinstance(schema.get("$id"), str):
            # A nested resource gets its own function, which pushes the dynamic scope.
            self.call(node, ctx)
            return
        keywords.emit_schema(self, schema, ctx)

    def fail(
        self, ctx: Ctx, location: str, kind: str, arg: Any, value: str | None = None
    ) -> None:
        """Emit the report of one failed rule at the current position."""
        info = self.w.constant(
            f"({literal(location)}, {literal(kind)}, {literal(arg, location)})",
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
            node = self.registry.pointer(
                self.root, entry.pointer, entry.pointer, entry.pointer
            )
            publics.append((name, self.function(node, False)))
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
) -> str:
    """Compile the schemas at the entries' pointers into a Python module body.

    ``formats`` asserts the formats the runtime knows (the generator's contract);
    False keeps 2020-12's default of formats as annotations only.
    """
    try:
        return Compiler(root, dialect, retrieve, formats=formats).module(entries)
    except _Restart:
        return Compiler(root, dialect, retrieve, True, formats).module(entries)
    except RecursionError:
        raise SchemaCompileError("", "schema nests too deeply to compile") from None
