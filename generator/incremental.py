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
import io
import os
import pickle
import sys
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from generator import fork, naming
from generator.config import Config
from generator.digests import digest_of, remember
from generator.errors import Location
from generator.ir import Model, Operation, Webhook
from generator.load import Document, split_pointer
from generator.operations import OperationAnalyzer
from generator.resolve import Resolver, Target
from generator.schemas import SchemaAnalyzer, _Draft
from generator.write import cache_file

# Units per cache file: an edit rewrites the file of its unit, not the whole cache.
CHUNK = 256
# Analyses (generator versions, specs, configurations) kept side by side.
KEEP = 4
_FORMAT = b"contractgen analysis cache 1\n"
_ALL = ("#all",)  # the entry standing for the whole spec


class Record(NamedTuple):
    """What one unit read, saw, claimed and left (pointers of the root document)."""

    reads: tuple[tuple[tuple[str, ...], bytes], ...]
    seen: tuple[tuple[str, str | None], ...]  # (pointer, model name or None)
    claims: tuple[tuple[Hashable, tuple[str, ...], str, str], ...]
    named: tuple[tuple[str, str, str, bool], ...]  # (pointer, name, snake, component)
    built: tuple[tuple[str, Model, bytes], ...]  # (pointer, model, its digest)
    output: tuple[Operation | Webhook, ...]
    digests: tuple[bytes, ...]  # of the operations in output
    notices: tuple[tuple[Location, str], ...]
    unsupported: tuple[tuple[Location, str], ...]


@dataclass
class _Trace:
    reads: dict[tuple[str, ...], None] = field(default_factory=dict)
    foreign: bool = False  # read another document: never replayed
    seen: dict[str, str | None] = field(default_factory=dict)
    claims: list[tuple[Hashable, tuple[str, ...], str, str]] = field(
        default_factory=list
    )
    named: list[_Draft] = field(default_factory=list)
    built: list[_Draft] = field(default_factory=list)


class _Tracer:
    """Collects the trace of the unit running (none between units)."""

    def __init__(self, root: Document) -> None:
        self.root = root
        self.trace: _Trace | None = None
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
    """Return the entry a pointer of the root document lies in (`_ALL`: the whole spec)."""
    tokens = split_pointer(pointer)
    depth = 3 if tokens[:1] == ["components"] else 2
    return tuple(tokens[:depth]) if len(tokens) >= depth else _ALL


class _Namespace(naming.Namespace):
    def __init__(self, what: str, ident: Hashable, tracer: _Tracer) -> None:
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


class _Drafts(dict[tuple[str, str], _Draft]):
    def __init__(self, tracer: _Tracer) -> None:
        super().__init__()
        self.tracer = tracer

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        draft = super().get(key, default)
        self.tracer.see(key, draft)
        return draft

    def __setitem__(self, key: tuple[str, str], draft: _Draft) -> None:
        super().__setitem__(key, draft)
        self.tracer.name(draft)


class _Resolver(Resolver):
    def __init__(self, root: Document, tracer: _Tracer) -> None:
        super().__init__(root)
        self.tracer = tracer

    def lookup(self, ref: str, at: Target) -> Target:
        found = super().lookup(ref, at)
        self.tracer.read(found)
        return found


class _Schemas(SchemaAnalyzer):
    tracer: _Tracer

    def _build(self, draft: _Draft) -> None:
        fresh = draft.model is None and not draft.building
        super()._build(draft)
        if fresh:
            self.tracer.build(draft)


class _Operations(OperationAnalyzer):
    tracer: _Tracer

    def __init__(
        self,
        resolver: Resolver,
        schemas: SchemaAnalyzer,
        config: Config,
        tracer: _Tracer,
    ) -> None:
        self.tracer = tracer
        super().__init__(resolver, schemas, config)

    def namespace(self, what: str, ident: tuple[str, ...]) -> naming.Namespace:
        return _Namespace(what, ident, self.tracer)


class Analysis:
    """The analysis of one spec, unit by unit, through the records of the last one."""

    def __init__(self, doc: Document, config: Config, cache: Path | None) -> None:
        self.doc = doc
        self.tracer = _Tracer(doc)
        self.resolver = _Resolver(doc, self.tracer)
        self.schemas = _Schemas(
            self.resolver,
            classes=_Namespace("class name", "class", self.tracer),
            functions=_Namespace("model", "function", self.tracer),
            drafts=_Drafts(self.tracer),
        )
        self.schemas.tracer = self.tracer
        self.operations = _Operations(self.resolver, self.schemas, config, self.tracer)
        self.webhook_names = _Namespace("webhook", "webhook", self.tracer)
        self.store = _Store(cache, doc, _context(doc, config)) if cache else None
        self.last = self.store.load() if self.store else {}
        self.records: dict[Hashable, Record] = {}
        self._digests: dict[tuple[str, ...], bytes] = {}
        self._namespaces: dict[Hashable, _Namespace] = {
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
        trace = _Trace(reads=dict.fromkeys(reads))
        self.tracer.trace, self.tracer.own = trace, set()
        notices = len(self.operations.notices)
        unsupported = len(self.schemas.unsupported)
        try:
            output = work()
        finally:
            self.tracer.trace = None
        if not trace.foreign and _ALL not in trace.reads:
            self.records[ident] = self._record(
                trace,
                output,
                tuple(self.operations.notices[notices:]),
                tuple(self.schemas.unsupported[unsupported:]),
            )
        return output

    def _record(
        self,
        trace: _Trace,
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
            digests=(),  # filled in when saved (`_digests`)
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
        taken: list[tuple[_Namespace, str]] = []
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

    def _namespace(self, ident: Hashable) -> _Namespace:
        space = self._namespaces.get(ident)
        if space is None:
            assert isinstance(ident, tuple) and ident[0] == "placement"
            resource = ident[1:]
            made = self.operations.placements.get(resource)
            if made is None:
                made = self.operations.namespace("client method", ident)
                self.operations.placements[resource] = made
            assert isinstance(made, _Namespace)
            space = self._namespaces[ident] = made
        return space

    def _digest(self, entry: tuple[str, ...]) -> bytes:
        """Return the digest of an entry's content (of its keys, for a ``#names`` one)."""
        found = self._digests.get(entry)
        if found is None:
            if entry == _ALL:
                found = self.doc.sha256.encode()
            elif entry[0] == "#names":
                node = _child(self.doc.root, entry[1:])
                found = _hash(list(node) if isinstance(node, dict) else node)
            else:
                found = _hash(_child(self.doc.root, entry))
            self._digests[entry] = found
        return found


def _digests(record: Record) -> Record:
    """Return a record with the digests of its models and operations filled in."""
    if record.digests or not (record.built or record.output):
        return record
    return record._replace(
        built=tuple((p, model, digest_of(model)) for p, model, _ in record.built),
        digests=tuple(
            digest_of(item) for item in record.output if isinstance(item, Operation)
        ),
    )


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
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the content alone
    pickler.dump(node)
    return hashlib.sha256(buffer.getvalue()).digest()


def _context(doc: Document, config: Config) -> str:
    """Return what every unit depends on besides the spec: the generator, the spec's
    place (names and locations carry it) and the configured client names."""
    from generator.validators_module import source_fingerprint

    digest = hashlib.sha256(_FORMAT + source_fingerprint())
    digest.update(f"{sys.version}\0{doc.name}\0{doc.display}\0".encode())
    digest.update(repr(sorted(config.operations.items())).encode())
    return digest.hexdigest()[:32]


def _relocated(file: str, pointer: str) -> Location:
    """Return a location as pickled (`_Unpickler` binds it to the spec read now)."""
    return Location(file, 0, 0, pointer)


def _reduce_location(
    place: Location,
) -> tuple[Callable[[str, str], Location], tuple[str, str]]:
    return (_relocated, (place.file, place.pointer))


class _Unpickler(pickle.Unpickler):
    """Reads records back with their locations found, when asked, in ``doc``."""

    def __init__(self, data: bytes, doc: Document) -> None:
        super().__init__(io.BytesIO(data))
        self.doc = doc

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_relocated":
            return self._locate
        return super().find_class(module, name)

    def _locate(self, file: str, pointer: str) -> Location:
        if file != self.doc.display:
            return Location(file, 1, 1, pointer)
        return self.doc.place(pointer)


def _dumps(records: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = {Location: _reduce_location}
    pickler.dump(records)
    return buffer.getvalue()


class _Store:
    """The records of the last analysis in a context: chunks named by their digest."""

    def __init__(self, cache: Path, doc: Document, context: str) -> None:
        self.root = cache
        self.dir = cache / context
        self.doc = doc
        self.chunks: dict[tuple[Hashable, ...], tuple[str, tuple[Record, ...]]] = {}

    def load(self) -> dict[Hashable, Record]:
        """Return the records kept last (none when anything is missing or torn)."""
        found: dict[Hashable, Record] = {}
        try:
            names = (self.dir / "index").read_text(encoding="ascii").split()
            for name in names:
                data = (self.dir / f"{name}.chunk").read_bytes()
                if hashlib.sha256(data).hexdigest() != name:
                    return {}
                idents, records = _Unpickler(data, self.doc).load()
                self.chunks[tuple(idents)] = (name, tuple(records))
                found.update(zip(idents, records))
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
            return {}
        except Exception:  # noqa: BLE001 - a record of another generator: start over
            return {}
        return found

    def plan(self, records: dict[Hashable, Record]) -> list[Any]:
        """Return the chunks of ``records``: the name of one kept as it is, else the
        (ident, record) pairs to write."""
        items = list(records.items())
        planned: list[Any] = []
        for start in range(0, len(items), CHUNK):
            part = items[start : start + CHUNK]
            kept = self.chunks.get(tuple(ident for ident, _ in part))
            if kept is not None and all(a is b for a, (_, b) in zip(kept[1], part)):
                planned.append(kept[0])
            else:
                planned.append([(ident, _digests(r)) for ident, r in part])
        return planned

    def write(self, planned: list[Any]) -> None:
        """Write the chunks that changed and the index naming them all."""
        names = []
        for chunk in planned:
            if isinstance(chunk, str):
                names.append(chunk)
                continue
            idents = tuple(ident for ident, _ in chunk)
            data = _dumps((idents, [r for _, r in chunk]))
            name = hashlib.sha256(data).hexdigest()
            if not cache_file(self.dir / f"{name}.chunk", data):
                return
            names.append(name)
        if cache_file(self.dir / "index", "\n".join(names).encode("ascii")):
            self._prune(set(names))

    def _prune(self, used: set[str]) -> None:
        try:
            for entry in os.scandir(self.dir):
                if entry.name.endswith(".chunk") and entry.name[:-6] not in used:
                    os.unlink(entry.path)
            others = sorted(
                (entry.stat().st_mtime, entry.path)
                for entry in os.scandir(self.root)
                if entry.is_dir() and entry.path != str(self.dir)
            )
            for _, path in others[: max(0, len(others) - (KEEP - 1))]:
                for item in os.scandir(path):
                    os.unlink(item.path)
                os.rmdir(path)
        except OSError:
            pass
