"""Where generated code stands while one subschema is compiled inline."""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.validation.refs import Node


@dataclass(frozen=True)
class Ctx:
    """The instance variable, its lazy path, the error sink and the annotation set.

    ``path`` holds Python expressions: the parent path node variable first, then one
    segment per level descended inline. It is only turned into a tuple on failure or at
    calls, so the success path builds nothing.
    """

    var: str
    path: tuple[str, ...]
    sink: str
    ev: str | None
    node: Node
    fresh: bool = False  # just descended into a child instance (see Compiler.schema)
    direction: str | None = None  # "request"/"response": see Entry

    def path_expr(self) -> str:
        """Return the expression building this position's path node."""
        if len(self.path) == 1:
            return self.path[0]
        return "(" + ", ".join(self.path) + ")"

    def descend(self, var: str, segment: str, node: Node) -> Ctx:
        """Return the context of a child instance (no annotations cross into children)."""
        return replace(
            self, var=var, path=self.path + (segment,), ev=None, node=node, fresh=True
        )

    def at(self, node: Node, **changes: object) -> Ctx:
        """Return the context of an in-place subschema of the same instance."""
        changes.setdefault("fresh", False)
        return replace(self, node=node, **changes)  # type: ignore[arg-type]
