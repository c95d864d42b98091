"""Cut a self-contained sub-API out of a spec: chosen operations plus every component they need.

Pure data in, data out: the ``slice`` command loads and writes. Order is the source's order
throughout, so slicing the same spec the same way always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.errors import Location, SpecError
from generator.load import Document, MarkedDict, split_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Path-item keys that are not operations but travel with the kept operations.
_PATH_ITEM_SHARED = ("summary", "description", "servers", "parameters", "$ref")
# Top-level keys kept, in the conventional order; paths, tags and components are filtered.
_TOP_ORDER = (
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "security",
    "tags",
    "paths",
    "components",
    "externalDocs",
)


@dataclass(frozen=True)
class Selection:
    """Which operations to keep: any tag, any path prefix, or any operationId matches."""

    tags: tuple[str, ...] = ()
    path_prefixes: tuple[str, ...] = ()
    operation_ids: tuple[str, ...] = ()

    def matches(self, path: str, operation: dict[str, Any]) -> bool:
        """Return whether an operation at a path is selected."""
        tags = operation.get("tags") or ()
        return (
            any(t in self.tags for t in tags if isinstance(t, str))
            or any(path.startswith(p) for p in self.path_prefixes)
            or operation.get("operationId") in self.operation_ids
        )


def plain(value: Any) -> Any:
    """Return a copy made of plain dicts and lists (what YAML dumpers represent)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _refs(value: Any) -> Iterator[tuple[str, Any]]:
    """Yield every ``$ref`` string under a node, with the node holding it."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield ref, node
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def _security_names(requirements: Any) -> Iterable[str]:
    for requirement in requirements or ():
        if isinstance(requirement, dict):
            yield from requirement


class Slicer:
    """Collect the operations of a selection and the transitive closure of their components."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        # The tree with marks: a broken $ref is reported where it stands.
        self.root: MarkedDict = doc.marked_root()
        self.components: dict[str, set[str]] = {}

    def _pointer_error(self, holder: Any, message: str) -> SpecError:
        marks = holder.marks if isinstance(holder, MarkedDict) else {}
        line, col = marks.get("$ref", (1, 1))
        return SpecError(Location(self.doc.display, line, col), message)

    def _follow(self, value: Any) -> None:
        """Mark every component reachable from a node."""
        pending = [value]
        while pending:
            for ref, holder in _refs(pending.pop()):
                if not ref.startswith("#/components/"):
                    raise self._pointer_error(
                        holder,
                        f"unsupported $ref {ref!r} in a slice: only #/components/ targets",
                    )
                tokens = split_pointer(ref[1:])
                if len(tokens) < 3:
                    raise self._pointer_error(
                        holder, f"$ref {ref!r} names no component"
                    )
                section, name = tokens[1], tokens[2]
                found = (self.root.get("components") or {}).get(section) or {}
                if name not in found:
                    raise self._pointer_error(holder, f"$ref {ref!r} points to nothing")
                seen = self.components.setdefault(section, set())
                if name not in seen:
                    seen.add(name)
                    pending.append(found[name])

    def slice(self, selection: Selection) -> dict[str, Any]:
        """Return the sliced document as plain data, in the source's order."""
        paths: dict[str, Any] = {}
        schemes: set[str] = set(_security_names(self.root.get("security")))
        tags: set[str] = set()
        for path, item in (self.root.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            kept = {
                m: op
                for m, op in item.items()
                if m in HTTP_METHODS
                and isinstance(op, dict)
                and selection.matches(path, op)
            }
            if not kept:
                continue
            out = {k: v for k, v in item.items() if k in _PATH_ITEM_SHARED or k in kept}
            paths[path] = out
            self._follow(out)
            for op in kept.values():
                schemes.update(_security_names(op.get("security")))
                tags.update(t for t in op.get("tags") or () if isinstance(t, str))
        if not paths:
            raise SpecError(
                self.doc.locate("/paths"), "the selection matches no operation"
            )
        available = (self.root.get("components") or {}).get("securitySchemes") or {}
        for name in sorted(schemes):
            if name in available:
                self.components.setdefault("securitySchemes", set()).add(name)
                self._follow(available[name])
        sliced: dict[str, Any] = plain(self._assemble(paths, tags))
        return sliced

    def _assemble(self, paths: dict[str, Any], tags: set[str]) -> dict[str, Any]:
        """Lay the parts out in the conventional order, each part in the source's order."""
        result: dict[str, Any] = {}
        for key in _TOP_ORDER:
            if key not in self.root:
                continue
            if key == "paths":
                result[key] = paths
            elif key == "tags":
                kept = [
                    t
                    for t in self.root[key] or ()
                    if isinstance(t, dict) and t.get("name") in tags
                ]
                if kept:
                    result[key] = kept
            elif key == "components":
                result[key] = {
                    section: {
                        name: entries[name]
                        for name in entries
                        if name in self.components.get(section, ())
                    }
                    for section, entries in (self.root[key] or {}).items()
                    if self.components.get(section)
                }
            else:
                result[key] = self.root[key]
        return result


def slice_document(doc: Document, selection: Selection) -> dict[str, Any]:
    """Return the self-contained sub-API of a loaded spec."""
    return Slicer(doc).slice(selection)
