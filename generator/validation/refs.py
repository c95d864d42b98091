"""Schema resources: base URIs, $id/$anchor/$dynamicAnchor indexing and $ref resolution."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from generator.validation.errors import SchemaCompileError

ROOT_URI = "urn:contractgen:root"
# Keywords whose values are schemas, maps of schemas or lists of schemas, per dialect.
_ONE = (
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "contentSchema",
)
_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


@dataclass
class Node:
    """One schema with where it lives: base URI, location and resource number."""

    schema: Any
    base: str
    location: str
    resource: int
    dynamic_anchors: set[str] = field(default_factory=set)


def join(base: str, ref: str) -> str:
    """Resolve a reference against a base URI (fragment-only refs work for any scheme)."""
    if ref.startswith("#"):
        return base.split("#", 1)[0] + ref
    if urlsplit(ref).scheme:
        return ref
    return urljoin(base, ref)


def children(schema: dict[str, Any], draft4: bool) -> Iterator[tuple[str, Any]]:
    """Yield (relative pointer, subschema) for every subschema position of a schema."""
    for kw in _ONE:
        if kw in schema:
            yield "/" + escape(kw), schema[kw]
    for kw in _MAPS + (("dependencies",) if draft4 else ()):
        value = schema.get(kw)
        if isinstance(value, dict):
            for name, sub in value.items():
                yield f"/{escape(kw)}/{escape(name)}", sub
    items = schema.get("items")
    if isinstance(items, list):
        for i, sub in enumerate(items):
            yield f"/items/{i}", sub
    elif items is not None:
        yield "/items", items
    for kw in _LISTS:
        value = schema.get(kw)
        if isinstance(value, list):
            for i, sub in enumerate(value):
                yield f"/{kw}/{i}", sub


def subschemas(schema: dict[str, Any], draft4: bool) -> list[Any]:
    """Return the subschemas `children` yields, without their pointers (quicker)."""
    out = [schema[kw] for kw in _ONE if kw in schema]
    for kw in _MAPS + (("dependencies",) if draft4 else ()):
        value = schema.get(kw)
        if isinstance(value, dict):
            out.extend(value.values())
    items = schema.get("items")
    if isinstance(items, list):
        out.extend(items)
    elif items is not None:
        out.append(items)
    for kw in _LISTS:
        value = schema.get(kw)
        if isinstance(value, list):
            out.extend(value)
    return out


def escape(token: str) -> str:
    """Escape one JSON pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


class Registry:
    """Every known schema resource, indexed for reference resolution."""

    def __init__(
        self, draft4: bool, retrieve: Callable[[str], Any] | None = None
    ) -> None:
        self.draft4 = draft4
        self.retrieve = retrieve
        self.resources: dict[str, Node] = {}
        self.anchors: dict[str, Node] = {}
        self.nodes: dict[int, Node] = {}
        self.count = 0

    def add(self, schema: Any, uri: str, location: str) -> Node:
        """Index a document and every resource inside it; return its root node."""
        self._walk(schema, uri, location)
        return (
            self.nodes[id(schema)]
            if isinstance(schema, dict)
            else self._bare(schema, uri, location)
        )

    def _bare(self, schema: Any, uri: str, location: str) -> Node:
        self.count += 1
        node = Node(schema, uri, location, self.count)
        self.resources.setdefault(uri, node)
        return node

    def _walk(self, schema: Any, base: str, location: str) -> None:
        if not isinstance(schema, dict):
            return
        id_key = "id" if self.draft4 else "$id"
        ident = schema.get(id_key)
        anchor_names: list[str] = []
        new_resource = not self.resources or base not in self.resources
        if isinstance(ident, str) and not (self.draft4 and "$ref" in schema):
            if self.draft4 and ident.startswith("#"):
                anchor_names.append(ident[1:])
            else:
                base = join(base, ident).split("#", 1)[0]
                new_resource = True
        if new_resource:
            self.count += 1
            resource = self.count
        else:
            resource = self.resources[base].resource
        node = Node(schema, base, location, resource)
        self.nodes.setdefault(id(schema), node)
        if new_resource:
            self.resources.setdefault(base, node)
        if not self.draft4:
            if isinstance(schema.get("$anchor"), str):
                anchor_names.append(schema["$anchor"])
            if isinstance(schema.get("$dynamicAnchor"), str):
                anchor_names.append(schema["$dynamicAnchor"])
                node.dynamic_anchors.add(schema["$dynamicAnchor"])
                self.resources[base].dynamic_anchors.add(schema["$dynamicAnchor"])
        for name in anchor_names:
            self.anchors.setdefault(f"{base}#{name}", node)
        for rel, sub in children(schema, self.draft4):
            self._walk(sub, base, location + rel)

    def resolve(self, ref: str, base: str, where: str) -> Node:
        """Return the node a reference points at, retrieving remote documents if allowed."""
        target = join(base, ref)
        uri, _, fragment = target.partition("#")
        if uri not in self.resources:
            if self.retrieve is None:
                raise SchemaCompileError(where, f"unresolvable reference {ref!r}")
            try:
                document = self.retrieve(uri)
            except (
                Exception
            ) as exc:  # noqa: BLE001 - any retrieval failure is a compile error
                raise SchemaCompileError(
                    where, f"cannot retrieve {uri!r}: {exc}"
                ) from None
            root = self.add(document, uri, uri + "#")
            # A document may name itself differently ($id): its retrieval URI still works.
            self.resources.setdefault(uri, root)
            if uri not in self.resources:
                raise SchemaCompileError(where, f"unresolvable reference {ref!r}")
        if fragment and not fragment.startswith("/"):
            node = self.anchors.get(f"{uri}#{unquote(fragment)}")
            if node is None:
                raise SchemaCompileError(where, f"unknown anchor in {ref!r}")
            return node
        return self.pointer(self.resources[uri], unquote(fragment), ref, where)

    def pointer(self, start: Node, pointer: str, ref: str, where: str) -> Node:
        """Return the node a JSON pointer reaches from a resource, keeping track of bases."""
        node = start
        current = start.schema
        location = start.location
        base = start.base
        for token in pointer.split("/")[1:] if pointer else []:
            token = token.replace("~1", "/").replace("~0", "~")
            try:
                if isinstance(current, list):
                    current = current[int(token)]
                else:
                    current = current[token]
            except (KeyError, IndexError, ValueError, TypeError):
                raise SchemaCompileError(
                    where, f"unresolvable reference {ref!r}"
                ) from None
            location += "/" + escape(token)
            known = self.nodes.get(id(current)) if isinstance(current, dict) else None
            if known is not None:
                node, base, location = known, known.base, known.location
            else:
                node = Node(current, base, location, node.resource)
        return node

    def node(self, schema: Any, base: str, location: str, resource: int) -> Node:
        """Return the indexed node of a subschema, or an ad-hoc one for unindexed places."""
        known = self.nodes.get(id(schema)) if isinstance(schema, dict) else None
        return known if known is not None else Node(schema, base, location, resource)
