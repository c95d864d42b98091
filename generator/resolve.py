"""Stage 2: follow ``$ref`` to local and relative-file targets; cycles are allowed, dangling refs are not."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from generator.errors import Location, SpecError
from generator.load import Document, load_file, split_pointer


class Target(NamedTuple):
    """A node in some loaded document, with the document and JSON pointer that name it."""

    # A tuple: analysis makes tens of thousands of them, a frozen dataclass costs 3x.
    doc: Document
    pointer: str
    value: Any

    @property
    def key(self) -> tuple[str, str]:
        """Return the identity of this node: (document path, pointer)."""
        return (self.doc.name, self.pointer)

    def child(self, *tokens: str | int) -> Target:
        """Return the target of a child node (which must exist)."""
        value = self.value
        pointer = self.pointer
        for token in tokens:
            value = value[token]
            text = token if isinstance(token, str) else str(token)
            if "~" in text or "/" in text:
                text = text.replace("~", "~0").replace("/", "~1")
            pointer += "/" + text
        return Target(self.doc, pointer, value)

    def location(self) -> Location:
        """Return where this node stands in its file."""
        return self.doc.place(self.pointer)


class Resolver:
    """Resolve ``$ref`` strings against the root document and the files it references."""

    def __init__(self, root: Document) -> None:
        self.root = root
        self._docs: dict[Path, Document] = {root.path: root}
        # A large API names each component from many places: each (document, $ref) is
        # looked up once.
        self._found: dict[tuple[str, str], Target] = {}

    def root_target(self) -> Target:
        """Return the whole root document as a target."""
        return Target(self.root, "", self.root.root)

    def document(self, base: Document, relative: str, at: Target) -> Document:
        """Load (once) the file a reference names, relative to the referring document."""
        path = (base.path.parent / unquote(relative)).resolve()
        doc = self._docs.get(path)
        if doc is None:
            if not path.is_file():
                raise SpecError(
                    at.location(), f"$ref names a file that does not exist: {relative}"
                )
            doc = load_file(path)
            self._docs[path] = doc
        return doc

    def lookup(self, ref: str, at: Target) -> Target:
        """Return what a ``$ref`` string found at ``at`` points to, or raise SpecError there."""
        if not isinstance(ref, str):
            raise SpecError(at.location(), "$ref must be a string")
        known = self._found.get((at.doc.name, ref))
        if known is None:
            known = self._found[(at.doc.name, ref)] = self._lookup(ref, at)
        return known

    def _lookup(self, ref: str, at: Target) -> Target:
        file_part, _, fragment = ref.partition("#")
        if "://" in file_part:
            # Fetching at generation time would make output depend on the network.
            raise SpecError(
                at.location(), f"unsupported: remote $ref {ref!r}; bundle it locally"
            )
        doc = self.document(at.doc, file_part, at) if file_part else at.doc
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            raise SpecError(
                at.location(), f"unsupported $ref {ref!r}: only JSON pointers"
            )
        node: Any = doc.root
        for token in split_pointer(pointer):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SpecError(at.location(), f"$ref {ref!r} points to nothing")
        return Target(doc, pointer, node)

    def deref(self, target: Target) -> Target:
        """Follow a chain of ``$ref``-only nodes to the first real node."""
        if not (isinstance(target.value, dict) and "$ref" in target.value):
            return target
        seen: set[tuple[str, str]] = set()
        while isinstance(target.value, dict) and "$ref" in target.value:
            if target.key in seen:
                raise SpecError(target.location(), "$ref chain loops back on itself")
            seen.add(target.key)
            ref_at = Target(target.doc, target.pointer + "/$ref", target.value["$ref"])
            target = self.lookup(target.value["$ref"], ref_at)
        return target
