"""Stage 1 through the cache: a spec loaded before is read back, an edited one is parsed
again only where it changed.

Each loaded version is kept as its text and its tree (``marshal``, a tenth of the parse's
time to read), named by the text's sha256; a pointer per spec path names the version
loaded last. A spec edited since is compared with that version: when the bytes that differ
lie inside one block-style entry (a path item under ``paths``, a component under
``components/<section>``, another second-level entry), only that entry is parsed, on its
own, and put in the last version's tree in place of the old one. Anything unusual (YAML
aliases, directives, tabs, an edit that crosses an entry's edge or leaves the text
unparsable) makes it parse the whole text instead, so the tree is always the one a whole
parse gives: ``tests/unit/test_loadcache.py`` checks that on random edits.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from generator.errors import SpecError
from generator.load import (
    Document,
    display_path,
    load_text,
    parse_data,
    parse_plain,
    read_spec,
)
from generator.write import cache_file

# Versions kept per cache: enough for a few specs edited back and forth.
KEEP_VERSIONS = 6


def load_file_cached(path: Path, cache: Path | None) -> Document:
    """Read and parse one spec file, through the cache directory when there is one."""
    display = display_path(path)
    text = read_spec(path, display)
    if cache is None:
        return load_text(text, display, path.resolve())
    digest = hashlib.sha256(text).hexdigest()
    stored = _read_tree(cache, digest)
    if stored is not None:
        tree: Any = stored[0]
        _point(cache, path, digest)
    else:
        tree, aliased = _from_last(cache, path, text, display), False
        if tree is None:
            tree, aliased = parse_plain(text, display)
        _store(cache, path, digest, text, tree, aliased)
    return Document(path.resolve(), display, tree, digest, text)


def _tree_path(cache: Path, digest: str) -> Path:
    return cache / f"{digest}.tree"


def _read_tree(cache: Path, digest: str) -> tuple[Any, bool] | None:
    """Return (tree, aliased) stored for a text, or None (missing, torn or foreign)."""
    try:
        data = _tree_path(cache, digest).read_bytes()
    except OSError:
        return None
    check, payload = data[:32], data[32:]
    if hashlib.sha256(payload).digest() != check:
        return None
    try:
        tree, aliased = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(tree, dict):
        return None
    return tree, bool(aliased)


def _pointer_path(cache: Path, path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    return cache / f"last-{name}"


def _point(cache: Path, path: Path, digest: str) -> None:
    cache_file(_pointer_path(cache, path), digest.encode())


def _store(
    cache: Path, path: Path, digest: str, text: bytes, tree: Any, aliased: bool
) -> None:
    payload = marshal.dumps((tree, aliased))
    cache_file(cache / f"{digest}.yaml", text)
    cache_file(_tree_path(cache, digest), hashlib.sha256(payload).digest() + payload)
    _point(cache, path, digest)
    _prune(cache)


def _prune(cache: Path) -> None:
    try:
        trees = sorted(
            (entry.stat().st_mtime, entry.name[: -len(".tree")])
            for entry in os.scandir(cache)
            if entry.name.endswith(".tree")
        )
        for _, digest in trees[:-KEEP_VERSIONS]:
            for suffix in (".tree", ".yaml"):
                (cache / f"{digest}{suffix}").unlink(missing_ok=True)
    except OSError:
        pass


def _from_last(cache: Path, path: Path, text: bytes, display: str) -> Any | None:
    """Return the tree of ``text`` built from the version loaded last from this path by
    parsing only the entry that changed, or None when that is not safely possible."""
    try:
        last = _pointer_path(cache, path).read_text(encoding="ascii").strip()
        old = (cache / f"{last}.yaml").read_bytes()
    except (OSError, UnicodeDecodeError):
        return None
    stored = _read_tree(cache, last)
    if stored is None or stored[1] or hashlib.sha256(old).hexdigest() != last:
        return None
    return splice(old, stored[0], text, display)


# More edited entries than this: parsing the whole text is about as quick.
MAX_ENTRIES = 32


def splice(old: bytes, tree: dict[str, Any], new: bytes, display: str) -> Any | None:
    """Return ``tree`` (the parse of ``old``) changed into the parse of ``new`` by parsing
    only the block-style entries the edits lie in, or None when that is not safe."""
    if b"\t" in new or new.startswith((b"%", b"---")) or b"\n%" in new:
        return None
    replaced: list[tuple[dict[str, Any], str, Any]] = []
    o = n = 0  # old[:o] and new[:n] are accounted for
    while True:
        same = _first_difference(old, o, new, n)
        if o + same == len(old) and n + same == len(new):
            break
        if len(replaced) == MAX_ENTRIES:
            return None
        line = old.rfind(b"\n", 0, o + same) + 1
        found = _entry(old, line, tree, display)
        if found is None:
            return None
        parent, key, start, indent = found
        if start < o:
            return None  # within what an earlier entry covered: not one entry's edit
        new_start = start + n - o
        if new[new_start + indent : new_start + indent + 1] in (b" ", b""):
            return None  # its key moved right: the entry is no longer its parent's
        new_end = _entry_end(new, new_start, indent)
        fragment = _dedent(new[new_start:new_end], indent)
        if fragment is None:
            return None
        try:
            parsed, aliased = parse_data(fragment, display)
        except SpecError:  # the whole parse says where
            return None
        if aliased or not isinstance(parsed, dict) or list(parsed) != [key]:
            return None
        replaced.append((parent, key, parsed[key]))
        o, n = _entry_end(old, start, indent), new_end
    for parent, key, value in replaced:
        parent[key] = value
    return tree


def _entry(
    text: bytes,
    line_start: int,
    tree: dict[str, Any],
    display: str,
) -> tuple[dict[str, Any], str, int, int] | None:
    """Return the entry a line of ``text`` lies in, the unit parsed again: (its parent
    mapping in ``tree``, its key, where its line starts, its indentation)."""
    chain = _enclosing(text, line_start)
    if chain is None:
        return None
    # A path item, a component (components/<section>/<name>), another second-level entry.
    depth = 3 if chain[0][2] == b"components" else 2
    if len(chain) < depth:
        return None
    parent: Any = tree
    for position, indent, _ in chain[: depth - 1]:
        key = _key(text, position, indent, display)
        if not isinstance(parent, dict) or key is None or key not in parent:
            return None
        parent = parent[key]
    start, indent, _ = chain[depth - 1]
    key = _key(text, start, indent, display)
    if not isinstance(parent, dict) or key is None or key not in parent:
        return None
    return parent, key, start, indent


def _first_difference(a: bytes, i: int, b: bytes, j: int) -> int:
    """Return the length of the longest common prefix of ``a[i:]`` and ``b[j:]``."""
    limit = min(len(a) - i, len(b) - j)
    done, step = 0, 1 << 16
    while (
        done < limit and a[i + done : i + done + step] == b[j + done : j + done + step]
    ):
        done += step
    low, high = done, min(done + step, limit)
    while low < high:  # the block that differs: bisect it
        mid = (low + high + 1) // 2
        if a[i + low : i + mid] == b[j + low : j + mid]:
            low = mid
        else:
            high = mid - 1
    return min(low, limit)


def _enclosing(text: bytes, line_start: int) -> list[tuple[int, int, bytes]] | None:
    """Return the mapping keys enclosing a line, outermost first: (line start, indent,
    the key as written) each, found by going up to ever smaller indentation."""
    chain: list[tuple[int, int, bytes]] = []
    limit: int | None = None

    def visit(position: int, line: bytes) -> bool:
        """Take a line into the chain if it is shallower; return whether it is the top."""
        nonlocal limit
        content = line.lstrip(b" ")
        if not content.strip(b"\r") or content.startswith(b"#"):
            return False
        indent = len(line) - len(content)
        if limit is not None and indent >= limit:
            return False
        if content.startswith((b"-", b"?", b"[", b"{")):
            chain.clear()  # a sequence or flow above: only keys above it count
        elif b":" in content:
            chain.append((position, indent, content.split(b":", 1)[0]))
        limit = indent
        return indent == 0

    end = text.find(b"\n", line_start)
    top = visit(line_start, text[line_start : end if end >= 0 else len(text)])
    stop = line_start  # lines before this one are looked at in blocks, last line first
    while not top and stop > 0:
        start = text.rfind(b"\n", 0, max(stop - _BLOCK, 1) - 1) + 1
        position = stop
        for line in reversed(text[start : stop - 1].split(b"\n")):
            position -= len(line) + 1
            # Most lines are deeper than the limit: one comparison skips them.
            if limit is not None and line.startswith(_SPACES[:limit]):
                continue
            if visit(position, line):
                top = True
                break
        stop = start
    if not top:
        return None
    chain.reverse()
    return chain if chain and chain[0][1] == 0 else None


_BLOCK = 1 << 16
_SPACES = b" " * 256


def _entry_end(text: bytes, start: int, indent: int) -> int:
    """Return where an entry ends: at the next line indented no deeper, not a comment."""
    position = text.find(b"\n", start)
    while position >= 0:
        position += 1
        end = text.find(b"\n", position)
        line = text[position : end if end >= 0 else len(text)].rstrip(b"\r")
        content = line.lstrip(b" ")
        # A comment belongs to no entry: YAML reads the lines after it as if it were not
        # there (one less indented than the entry makes `_dedent` give up).
        if (
            content
            and not content.startswith(b"#")
            and len(line) - len(content) <= indent
        ):
            return position
        position = end
    return len(text)


def _key(text: bytes, start: int, indent: int, display: str) -> str | None:
    """Return the key of the mapping entry whose line starts at ``start``."""
    end = text.find(b"\n", start)
    line = text[start + indent : end if end >= 0 else len(text)]
    try:
        parsed, _ = parse_data(line, display)
    except SpecError:
        return None
    if not isinstance(parsed, dict) or len(parsed) != 1:
        return None
    (key,) = parsed
    return str(key)


def _dedent(text: bytes, indent: int) -> bytes | None:
    """Remove ``indent`` leading spaces from every line (fewer from a blank one)."""
    lines = text.split(b"\n")
    out = []
    prefix = b" " * indent
    for line in lines:
        if line.startswith(prefix):
            out.append(line[indent:])
        elif not line.strip(b" \r"):
            out.append(line.lstrip(b" "))
        else:
            return None
    return b"\n".join(out)
