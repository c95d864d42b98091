"""The analysis cache on disk: the records of the last analysis of a spec, in chunks named
by their digest, so that an edit rewrites the chunk of its unit and not the whole cache.

Records are pickled (the cache is trusted as ``.pyc`` files are: it lives in the project's
own cache directory); their locations are bound, when asked, to the spec read now.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, NamedTuple

from generator.digests import digest_of
from generator.errors import Location
from generator.ir import Model, Operation, Webhook
from generator.load import Document
from generator.write import cache_file, drop_cache_entries

# Units per cache file: an edit rewrites the file of its unit, not the whole cache.
CHUNK = 256
# Analyses (generator versions, specs, configurations) kept side by side.
KEEP = 4


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


def with_digests(record: Record) -> Record:
    """Return a record with the digests of its models and operations filled in."""
    if record.digests or not (record.built or record.output):
        return record
    return record._replace(
        built=tuple((p, model, digest_of(model)) for p, model, _ in record.built),
        digests=tuple(
            digest_of(item) for item in record.output if isinstance(item, Operation)
        ),
    )


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


class Store:
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
                planned.append([(ident, with_digests(r)) for ident, r in part])
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
            stale = [
                Path(entry.path)
                for entry in os.scandir(self.dir)
                if entry.name.endswith(".chunk") and entry.name[:-6] not in used
            ]
            others = sorted(
                (entry.stat().st_mtime, entry.path)
                for entry in os.scandir(self.root)
                if entry.is_dir() and entry.path != str(self.dir)
            )
        except OSError:
            return
        stale += [Path(path) for _, path in others[: max(0, len(others) - (KEEP - 1))]]
        drop_cache_entries(stale)
