"""Content digests of IR pieces, computed once per object: what addresses are made of.

An address pickles a file's inputs (`content`). Models and operations are most of those
inputs and every address of a run shares them, so each stands in an address as the digest
of its own content, computed once per object, or taken from the analysis cache
(`generator.incremental`), which stored it with the object it came from. Either way a
digest is a function of the object's content alone.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from typing import Any

from generator.errors import Location
from generator.ir import Model, Operation

# id(object) -> (object, digest): the object is kept alive so that its id is not reused.
_KNOWN: dict[int, tuple[Any, bytes]] = {}


class Digest:
    """What stands for a model or an operation in an address: its type and digest."""

    def __init__(self, kind: str, digest: bytes) -> None:
        self.kind = kind
        self.digest = digest


def _reduce_location(
    place: Location,
) -> tuple[type[Location], tuple[str, int, int, str]]:
    # Where a node stands is never part of generated text (and finding it would parse the
    # spec again): for an address, a Location is its file and pointer.
    return (Location, (place.file, 0, 0, place.pointer))


def _reduce_piece(piece: Model | Operation) -> tuple[type[Digest], tuple[str, bytes]]:
    return (Digest, (type(piece).__name__, digest_of(piece)))


# Looked up by type in C: only these types cost a Python call.
_PLAIN: dict[type, Any] = {Location: _reduce_location}
_ADDRESS: dict[type, Any] = {**_PLAIN, Model: _reduce_piece, Operation: _reduce_piece}


def _pickled(inputs: Any, table: dict[type, Any]) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = table
    # No memo: the bytes then depend on the content alone, not on which equal objects
    # happen to be shared (that differs between a parsed and a cached spec tree, and
    # between a first and a second analysis in one process).
    pickler.fast = True
    pickler.dump(inputs)
    return buffer.getvalue()


def content(inputs: Any) -> bytes:
    """Return bytes that depend on the content of ``inputs`` alone (acyclic data)."""
    return _pickled(inputs, _ADDRESS)


def digest_of(piece: Model | Operation) -> bytes:
    """Return the digest of a model's or an operation's content."""
    known = _KNOWN.get(id(piece))
    if known is not None and known[0] is piece:
        return known[1]
    digest = hashlib.sha256(_pickled(piece, _PLAIN)).digest()
    _KNOWN[id(piece)] = (piece, digest)
    return digest


def remember(piece: Model | Operation, digest: bytes) -> None:
    """Record the digest of a piece whose content was digested before (by the cache)."""
    _KNOWN[id(piece)] = (piece, digest)
