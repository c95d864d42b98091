"""The analysers of an incremental analysis, traced: what a unit reads of the spec, which
model names it looks up and which names it claims, in order (`generator.incremental`
replays a unit from that trace).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator import naming
from generator.config import Config
from generator.errors import Location
from generator.load import Document, split_pointer
from generator.operations import OperationAnalyzer
from generator.resolve import Resolver, Target
from generator.schemas import SchemaAnalyzer, _Draft

ALL = ("#all",)  # the entry standing for the whole spec


@dataclass
class Trace:
    reads: dict[tuple[str, ...], None] = field(default_factory=dict)
    foreign: bool = False  # read another document: never replayed
    seen: dict[str, str | None] = field(default_factory=dict)
    claims: list[tuple[Hashable, tuple[str, ...], str, str]] = field(
        default_factory=list
    )
    named: list[_Draft] = field(default_factory=list)
    built: list[_Draft] = field(default_factory=list)


class Tracer:
    """Collects the trace of the unit running (none between units)."""

    def __init__(self, root: Document) -> None:
        self.root = root
        self.trace: Trace | None = None
        self.own: set[str] = set()  # pointers of the drafts the unit named
        self._entries: dict[str, tuple[str, ...]] = {}

    def read(self, target: Target) -> None:
        if self.trace is None:
            return
        if target.doc is not self.root:
            self.trace.foreign = True
            return
        entry = self._entries.get(target.pointer)
        if entry is None:
            entry = self._entries[target.pointer] = entry_of(target.pointer)
        self.trace.reads[entry] = None

    def see(self, key: tuple[str, str], draft: _Draft | None) -> None:
        if self.trace is None or key[1] in self.own:
            return
        if key[0] != self.root.name:
            self.trace.foreign = True
        self.trace.seen.setdefault(key[1], draft.name if draft else None)

    def claim(
        self, ident: Hashable, candidates: tuple[str, ...], owner: str, name: str
    ) -> None:
        if self.trace is not None:
            self.trace.claims.append((ident, candidates, owner, name))

    def name(self, draft: _Draft) -> None:
        if self.trace is not None:
            self.own.add(draft.target.pointer)
            self.trace.named.append(draft)

    def build(self, draft: _Draft) -> None:
        if self.trace is not None:
            self.trace.built.append(draft)


def entry_of(pointer: str) -> tuple[str, ...]:
    """Return the entry a pointer of the root document lies in (`ALL`: the whole spec)."""
    tokens = split_pointer(pointer)
    depth = 3 if tokens[:1] == ["components"] else 2
    return tuple(tokens[:depth]) if len(tokens) >= depth else ALL


class TracedNamespace(naming.Namespace):
    def __init__(self, what: str, ident: Hashable, tracer: Tracer) -> None:
        super().__init__(what)
        self.ident = ident
        self.tracer = tracer

    def claim(self, candidates: Iterable[str], owner: str, location: Location) -> str:
        listed = tuple(candidates)
        name = super().claim(listed, owner, location)
        self.tracer.claim(self.ident, listed, owner, name)
        return name

    def reclaim(self, candidates: tuple[str, ...], owner: str, name: str) -> bool:
        """Claim as a recorded claim did; return False (claiming nothing) unless the
        first free candidate is the recorded name."""
        free = next((c for c in candidates if c not in self), None)
        if free != name:
            return False
        self._owners[name] = owner
        return True

    def release(self, name: str) -> None:
        del self._owners[name]


class TracedDrafts(dict[tuple[str, str], _Draft]):
    def __init__(self, tracer: Tracer) -> None:
        super().__init__()
        self.tracer = tracer

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        draft = super().get(key, default)
        self.tracer.see(key, draft)
        return draft

    def __setitem__(self, key: tuple[str, str], draft: _Draft) -> None:
        super().__setitem__(key, draft)
        self.tracer.name(draft)


class TracedResolver(Resolver):
    def __init__(self, root: Document, tracer: Tracer) -> None:
        super().__init__(root)
        self.tracer = tracer

    def lookup(self, ref: str, at: Target) -> Target:
        found = super().lookup(ref, at)
        self.tracer.read(found)
        return found


class TracedSchemas(SchemaAnalyzer):
    tracer: Tracer

    def _build(self, draft: _Draft) -> None:
        fresh = draft.model is None and not draft.building
        super()._build(draft)
        if fresh:
            self.tracer.build(draft)


class TracedOperations(OperationAnalyzer):
    tracer: Tracer

    def __init__(
        self,
        resolver: Resolver,
        schemas: SchemaAnalyzer,
        config: Config,
        tracer: Tracer,
    ) -> None:
        self.tracer = tracer
        super().__init__(resolver, schemas, config)

    def namespace(self, what: str, ident: tuple[str, ...]) -> naming.Namespace:
        return TracedNamespace(what, ident, self.tracer)
