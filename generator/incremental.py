"""Stage 3 through a cache: each unit of the analysis replays what it did last time when
nothing it depends on changed, so an edit of one path item re-analyses that path item.

The units, in the order a whole analysis runs them: naming the component schemas, building
each component schema, each path item, each webhook. A unit that runs records a trace:

* the spec entries it read (its own, and every one a ``$ref`` it followed lands in: a
  path item, a component ``components/<section>/<name>``, another second-level entry;
  anything shallower stands for the whole spec), each with the digest of its content;
* what it saw of the shared state: which schemas had a model name (and which);
* the names it claimed in the shared namespaces (class names, function names, operation
  ids, client methods, webhook names), in order, with the candidates and the result;
* what it left: the models it named and built, its operations or webhooks, its notes.

A unit replays only when every entry it read has the same digest and, with the units
before it done (replayed or run), it sees the same names and each of its claims falls on
the same name; else it runs, against exactly the state a whole analysis would give it. So
the IR is always the one a cacheless analysis builds (``tests/scale`` checks that on
edits of every kind); locations are found in the current text, as always on demand.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any

from generator import fork
from generator.config import Config
from generator.digests import content, remember
from generator.errors import Location
from generator.ir import Operation, Webhook
from generator.load import Document, split_pointer
from generator.resolve import Target
from generator.schemas import _Draft
from generator.tracing import (
    ALL,
    Trace,
    TracedDrafts,
    TracedNamespace,
    TracedOperations,
    TracedResolver,
    TracedSchemas,
    Tracer,
)
from generator.unitstore import Record, Store

_FORMAT = b"contractgen analysis cache 1\n"


class Analysis:
    """The analysis of one spec, unit by unit, through the records of the last one."""

    def __init__(self, doc: Document, config: Config, cache: Path | None) -> None:
        self.doc = doc
        self.tracer = Tracer(doc)
        self.resolver = TracedResolver(doc, self.tracer)
        self.schemas = TracedSchemas(
            self.resolver,
            classes=TracedNamespace("class name", "class", self.tracer),
            functions=TracedNamespace("model", "function", self.tracer),
            drafts=TracedDrafts(self.tracer),
        )
        self.schemas.tracer = self.tracer
        self.operations = TracedOperations(
            self.resolver, self.schemas, config, self.tracer
        )
        self.webhook_names = TracedNamespace("webhook", "webhook", self.tracer)
        self.store = Store(cache, doc, _context(doc, config)) if cache else None
        self.last = self.store.load() if self.store else {}
        self.records: dict[Hashable, Record] = {}
        self._digests: dict[tuple[str, ...], bytes] = {}
        self._namespaces: dict[Hashable, TracedNamespace] = {
            "class": self.schemas.classes,  # type: ignore[dict-item]
            "function": self.schemas.functions,  # type: ignore[dict-item]
            ("operation",): self.operations.ids,  # type: ignore[dict-item]
            "webhook": self.webhook_names,
        }

    def run(self) -> tuple[list[Operation], list[Webhook]]:
        """Analyse every unit in order; return the operations and the webhooks."""
        names = self.schemas.component_names()
        self._unit(("names",), [("#names", "components", "schemas")], self._name_all)
        for name in names:
            self._unit(
                ("component", name),
                [("components", "schemas", name)],
                functools.partial(self._build, name),
            )
        operations: list[Operation] = []
        for path in self.operations.paths():
            operations += self._unit(
                ("path", path),
                [("paths", path), ("security",)],
                functools.partial(self.operations.path_item, path),
            )
        webhooks: list[Webhook] = []
        for hook in self.operations.webhook_names():
            webhooks += self._unit(
                ("webhook", hook),
                [("webhooks", hook)],
                functools.partial(
                    self.operations.webhook_item, hook, self.webhook_names
                ),
            )
        return operations, webhooks

    def _name_all(self) -> list[Any]:
        self.schemas.name_components()
        return []

    def _build(self, name: str) -> list[Any]:
        self.schemas.build_component(name)
        return []

    def save(self) -> fork.Job[None]:
        """Keep the records of this analysis for the next one: in a forked child when
        there are many to write (``result()`` waits for it)."""
        # Digests are taken here (addressing has made them): the child only pickles.
        planned = self.store.plan(self.records) if self.store else []
        many = sum(not isinstance(chunk, str) for chunk in planned) > 2
        return fork.call(self._write, planned, inline=not many)

    def _write(self, planned: list[Any]) -> None:
        if self.store is not None:
            self.store.write(planned)

    # -- units ---------------------------------------------------------------------------

    def _unit(
        self,
        ident: Hashable,
        reads: list[tuple[str, ...]],
        work: Callable[[], list[Any]],
    ) -> list[Any]:
        last = self.last.get(ident)
        if last is not None and self._replay(last):
            self.records[ident] = last
            return list(last.output)
        trace = Trace(reads=dict.fromkeys(reads))
        self.tracer.trace, self.tracer.own = trace, set()
        notices = len(self.operations.notices)
        unsupported = len(self.schemas.unsupported)
        try:
            output = work()
        finally:
            self.tracer.trace = None
        if not trace.foreign and ALL not in trace.reads:
            self.records[ident] = self._record(
                trace,
                output,
                tuple(self.operations.notices[notices:]),
                tuple(self.schemas.unsupported[unsupported:]),
            )
        return output

    def _record(
        self,
        trace: Trace,
        output: list[Any],
        notices: tuple[tuple[Location, str], ...],
        unsupported: tuple[tuple[Location, str], ...],
    ) -> Record:
        built = []
        for draft in trace.built:
            assert draft.model is not None
            built.append((draft.target.pointer, draft.model, b""))
        return Record(
            reads=tuple((entry, self._digest(entry)) for entry in trace.reads),
            seen=tuple(trace.seen.items()),
            claims=tuple(trace.claims),
            named=tuple(
                (d.target.pointer, d.name, d.snake, d.component) for d in trace.named
            ),
            built=tuple(built),
            output=tuple(output),
            digests=(),  # filled in when saved (`unitstore.with_digests`)
            notices=notices,
            unsupported=unsupported,
        )

    def _replay(self, record: Record) -> bool:
        """Apply a unit's record if it would run exactly as recorded; else change nothing."""
        if any(self._digest(entry) != digest for entry, digest in record.reads):
            return False
        drafts = self.schemas.drafts
        name = self.doc.name
        for pointer, seen in record.seen:
            draft = dict.get(drafts, (name, pointer))
            if (draft.name if draft else None) != seen:
                return False
        named = {pointer for pointer, *_ in record.named}
        for pointer, _, _ in record.built:
            if pointer not in named:
                draft = dict.get(drafts, (name, pointer))
                if draft is None or draft.model is not None or draft.building:
                    return False
        taken: list[tuple[TracedNamespace, str]] = []
        for ident, candidates, owner, claimed in record.claims:
            space = self._namespace(ident)
            if not space.reclaim(candidates, owner, claimed):
                for space, claimed in reversed(taken):
                    space.release(claimed)
                return False
            taken.append((space, claimed))
        root = self.doc.root
        for pointer, draft_name, snake, component in record.named:
            target = Target(self.doc, pointer, _node(root, pointer))
            dict.__setitem__(
                drafts, (name, pointer), _Draft(draft_name, snake, target, component)
            )
        for pointer, model, digest in record.built:
            draft = dict.__getitem__(drafts, (name, pointer))
            draft.model, draft.building = model, True
            if digest:
                remember(model, digest)
        operations = (item for item in record.output if isinstance(item, Operation))
        for operation, digest in zip(operations, record.digests):
            remember(operation, digest)
        self.operations.notices.extend(record.notices)
        self.schemas.unsupported.extend(record.unsupported)
        return True

    def _namespace(self, ident: Hashable) -> TracedNamespace:
        space = self._namespaces.get(ident)
        if space is None:
            assert isinstance(ident, tuple) and ident[0] == "placement"
            resource = ident[1:]
            made = self.operations.placements.get(resource)
            if made is None:
                made = self.operations.namespace("client method", ident)
                self.operations.placements[resource] = made
            assert isinstance(made, TracedNamespace)
            space = self._namespaces[ident] = made
        return space

    def _digest(self, entry: tuple[str, ...]) -> bytes:
        """Return the digest of an entry's content (of its keys, for a ``#names`` one)."""
        found = self._digests.get(entry)
        if found is None:
            if entry == ALL:
                found = self.doc.sha256.encode()
            elif entry[0] == "#names":
                node = _child(self.doc.root, entry[1:])
                found = _hash(list(node) if isinstance(node, dict) else node)
            else:
                found = _hash(_child(self.doc.root, entry))
            self._digests[entry] = found
        return found


class _Absent:
    """What an entry that does not exist hashes as."""

    def __reduce__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


def _child(node: Any, tokens: Iterable[str]) -> Any:
    for token in tokens:
        if not isinstance(node, dict) or token not in node:
            return ABSENT
        node = node[token]
    return node


def _node(root: Any, pointer: str) -> Any:
    node = root
    for token in split_pointer(pointer):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _hash(node: Any) -> bytes:
    return hashlib.sha256(content(node)).digest()


def _context(doc: Document, config: Config) -> str:
    """Return what every unit depends on besides the spec: the generator, the spec's
    place (names and locations carry it) and the configured client names."""
    from generator.validators_module import source_fingerprint

    digest = hashlib.sha256(_FORMAT + source_fingerprint())
    digest.update(f"{sys.version}\0{doc.name}\0{doc.display}\0".encode())
    digest.update(repr(sorted(config.operations.items())).encode())
    return digest.hexdigest()[:32]
