"""Stage 4, validators: compile every model's JSON Schema into one Python module body.

Every model gets ``validate_<snake>`` (plus ``is_valid_``/``iter_errors_``), which checks
the schema as JSON Schema reads it, readOnly/writeOnly being annotations. OpenAPI makes a
payload's validity depend on its direction, so a model that is an operation's request body
and whose schema reaches a ``readOnly`` schema also gets ``validate_<snake>_request``
(readOnly values forbidden, and not required), and one that is a response body and reaches
a ``writeOnly`` schema gets ``validate_<snake>_response`` (the same for writeOnly). The
client validates request bodies and responses with those when they exist.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from generator.errors import Location, SpecError
from generator.ir import Api, Model

if TYPE_CHECKING:
    from generator.validation import Entry

# direction -> (the annotation it forbids, the suffix of its validators)
DIRECTIONS = {
    "request": ("readOnly", "_request"),
    "response": ("writeOnly", "_response"),
}


def _entries(api: Api) -> list[Entry]:
    from generator.validation import Entry

    directed = directional_names(api)
    entries = []
    for m in api.models:
        entries.append(Entry(m.snake, f"/$defs/{m.name}"))
        for direction, name in sorted(directed.get(m.name, {}).items()):
            entries.append(Entry(name, f"/$defs/{m.name}", direction))
    return entries


def compile_validators(
    api: Api, cache: TextStore | None = None
) -> tuple[str, tuple[str, ...]]:
    """Return the compiled validator code and the names it exports.

    With a ``cache``, code compiled before from the same schemas, entries and compiler
    is reused (`compiled_key`): most regenerations change no schema.
    """
    from generator.validation import SchemaCompileError, compile_module

    entries = _entries(api)
    key = compiled_key(api, entries) if cache is not None else None
    body = cache.get(key) if cache is not None and key is not None else None
    if body is None:
        try:
            body = compile_module({"$defs": api.schemas}, entries, openapi=True)
        except SchemaCompileError as exc:
            by_name = {m.name: m for m in api.models}
            raise SpecError(
                _locate(api, by_name, str(exc.pointer)), str(exc.message)
            ) from None
        if cache is not None and key is not None:
            cache.put(key, body)
    names: list[str] = ["ValidationError"]
    for entry in entries:
        names += [
            f"validate_{entry.name}",
            f"is_valid_{entry.name}",
            f"iter_errors_{entry.name}",
        ]
    return body, tuple(names)


class TextStore(Protocol):
    """A content-addressed text store (``generator.write.SegmentCache``)."""

    def get(self, key: str) -> str | None:
        """Return the text stored under a key, or None."""

    def put(self, key: str, text: str) -> None:
        """Store a text under a key."""


@functools.cache
def source_fingerprint() -> bytes:
    """Return the digest of the whole generator package's source (the runtime copied into
    the output included): what generated text can depend on besides its input."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.digest()


def compiled_key(api: Api, entries: list[Entry] | None = None) -> str | None:
    """Return the content address of an API's compiled validators (None: not addressable)."""
    entries = _entries(api) if entries is None else entries
    try:
        schemas = json.dumps(api.schemas, allow_nan=False)
    except (TypeError, ValueError):  # not plain JSON data: compile every time
        return None
    listed = json.dumps([[e.name, e.pointer, e.direction] for e in entries])
    # The interpreter too: ``re`` decides which patterns compile, ``repr`` spells floats.
    digest = hashlib.sha256(f"compiled validators\n{sys.version}\n".encode())
    digest.update(source_fingerprint())
    digest.update(listed.encode() + b"\n" + schemas.encode())
    return digest.hexdigest()


def directional_names(api: Api) -> dict[str, dict[str, str]]:
    """Return model name -> {direction: validator name stem} for every request (response)
    body model whose validity depends on the direction: it reaches a readOnly (writeOnly)
    schema. Stems are ``<snake>_request``/``<snake>_response``, numbered when another
    model's own stem already has that name.
    """
    # The validators and both client views ask; on a large API the walk costs a second.
    if _memo and _memo[0][0] is api:
        return _memo[0][1]
    used: dict[str, set[str]] = {"request": set(), "response": set()}
    for op in api.operations:
        # Every media type's body: an extra method (``create_multipart``) validates too.
        requests = op.request_bodies or ((op.request_body,) if op.request_body else ())
        bodies = [("request", b) for b in requests]
        bodies += [("response", b) for r in op.responses for b in r.bodies]
        for direction, body in bodies:
            if body is not None and body.type is not None and body.type.kind == "model":
                used[direction].add(body.type.name)
    taken = {m.snake for m in api.models}
    out: dict[str, dict[str, str]] = {}
    reaching = _reaching(api.schemas) if any(used.values()) else {}
    for direction, (flag, suffix) in DIRECTIONS.items():
        if not used[direction]:
            continue
        for model in api.models:
            if model.name not in reaching[flag] or model.name not in used[direction]:
                continue
            stem, n = model.snake + suffix, 1
            while stem in taken:
                n += 1
                stem = f"{model.snake}{suffix}{n}"
            taken.add(stem)
            out.setdefault(model.name, {})[direction] = stem
    _memo[:] = [(api, out)]
    return out


# The last (api, directional_names(api)): holding the Api keeps its identity unique.
_memo: list[tuple[Api, dict[str, dict[str, str]]]] = []


def _reaching(schemas: dict[str, Any]) -> dict[str, set[str]]:
    """Return, per direction flag, the names of the schemas that reach one marked
    ``flag: true``."""
    from generator.validation.refs import subschemas

    flags = [flag for flag, _ in DIRECTIONS.values()]
    marked: dict[str, set[str]] = {flag: set() for flag in flags}
    edges: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        stack: list[Any] = [schema]
        refs: set[str] = set()
        while stack:
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            for flag in flags:
                if node.get(flag) is True:
                    marked[flag].add(name)
            targets = [node.get("$ref")]
            disc = node.get("discriminator")
            if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
                targets += list(disc["mapping"].values())
            refs.update(
                t[8:]
                for t in targets
                if isinstance(t, str) and t.startswith("#/$defs/")
            )
            stack.extend(subschemas(node, False))
        edges[name] = refs
    for reached in marked.values():
        changed = True
        while changed:
            changed = False
            for name, refs in edges.items():
                if name not in reached and refs & reached:
                    reached.add(name)
                    changed = True
    return marked


def _locate(api: Api, by_name: Mapping[str, Model], pointer: str) -> Location:
    """Map a pointer into the bundle (/$defs/<Model>/...) back to its spec location.

    The converted schema keeps the spec's keyword paths (properties/x/pattern, ...), so
    the rest of the pointer usually lands on the very keyword; where conversion reshaped
    the schema the spec's deepest existing node along it (at worst the model) is used.
    """
    parts = pointer.split("/")
    model = by_name.get(parts[2]) if len(parts) > 2 else None
    if model is None:
        return Location(api.spec_file, 1, 1, pointer)
    if api.locate is None or not parts[3:]:
        return model.location
    return api.locate(model.pointer + "/" + "/".join(parts[3:]))
