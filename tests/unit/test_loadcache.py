"""Unit layer: loading through the cache gives exactly the tree a whole parse gives."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.load import parse_plain
from generator.loadcache import load_file_cached, splice
from tests.paths import SPEC

TEXT = SPEC.read_bytes()

# Lines an edit may put somewhere: keys and values at several depths, comments (also at
# the left edge), list items, block scalars, flow collections, quotes left open, tabs,
# anchors and aliases, a document marker.
PIECES = [
    b"      summary: Something else.",
    b"    x-extra: 1",
    b"  /new/path:",
    b"new_top: true",
    b"# a comment at the left edge",
    b"        # a deeper comment",
    b"      - item",
    b"      description: |",
    b"        block text: with a colon",
    b"      tags: [a, b",
    b'      summary: "left open',
    b"\tsummary: tab",
    b"      example: &anchor {a: 1}",
    b"      other: *anchor",
    b"---",
    b"",
    b"   ",
]


def _edit(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    at = rng.randrange(len(lines))
    kind = rng.randrange(5)
    if kind == 0:  # change a character
        line = lines[at]
        if line:
            i = rng.randrange(len(line))
            lines[at] = (
                line[:i] + rng.choice([b"x", b":", b" ", b"'", b"#"]) + line[i + 1 :]
            )
    elif kind == 1:  # insert a line
        lines.insert(at, rng.choice(PIECES))
    elif kind == 2:  # delete a line
        del lines[at]
    elif kind == 3:  # re-indent a line
        lines[at] = b" " * rng.randrange(0, 10) + lines[at].lstrip(b" ")
    else:  # append to a line
        lines[at] += rng.choice([b" more words", b": v", b"  # note"])
    return b"\n".join(lines)


def _whole(text: bytes) -> Any:
    try:
        return parse_plain(text, "s.yaml")[0]
    except SpecError:
        return SpecError


@pytest.mark.parametrize("seed", range(4))
def test_random_edits_splice_to_the_whole_parse_or_decline(seed: int) -> None:
    rng = random.Random(seed)
    tree, _ = parse_plain(TEXT, "s.yaml")
    spliced = 0
    for _ in range(150):
        new = TEXT
        for _ in range(rng.choice([1, 1, 2, 3])):  # several places at once too
            new = _edit(new, rng)
        got = splice(TEXT, copy.deepcopy(tree), new, "s.yaml")
        if got is not None:
            assert got == _whole(new), new
            spliced += 1
    # Most random edits stay within one entry: the fast path is really taken.
    assert spliced > 25


def test_a_summary_edit_is_spliced_not_parsed_whole() -> None:
    tree, _ = parse_plain(TEXT, "s.yaml")
    new = TEXT.replace(b"summary: View a room session.", b"summary: Edited.")
    got = splice(TEXT, copy.deepcopy(tree), new, "s.yaml")
    assert got is not None and got == _whole(new)


def test_aliases_anywhere_decline() -> None:
    old = b"a:\n  b:\n    x: &k 1\n  c:\n    y: *k\n"
    tree, aliased = parse_plain(old, "s.yaml")
    assert aliased
    new = old.replace(b"x: &k 1", b"x: &k 2")
    # The cache never splices an aliased tree; a fragment with its own alias declines.
    own = b"a:\n  b:\n    x: &j 1\n    z: *j\n  c:\n    y: 2\n"
    base = b"a:\n  b:\n    x: 1\n  c:\n    y: 2\n"
    assert splice(base, parse_plain(base, "s")[0], own, "s") is None
    assert _whole(new)["a"]["c"]["y"] == 2


def test_load_through_the_cache(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    cache = tmp_path / "cache"
    spec.write_bytes(TEXT)
    first = load_file_cached(spec, cache)
    assert first.root == _whole(TEXT)
    again = load_file_cached(spec, cache)  # read back
    assert again.root == first.root and again.sha256 == first.sha256
    edited = TEXT.replace(b"summary: View a room session.", b"summary: Edited.")
    spec.write_bytes(edited)
    assert load_file_cached(spec, cache).root == _whole(edited)
    # A torn or foreign tree is ignored, never trusted.
    for tree in cache.glob("*.tree"):
        tree.write_bytes(tree.read_bytes()[:-10])
    assert load_file_cached(spec, cache).root == _whole(edited)
    # Places are still found (by parsing with marks, on demand).
    doc = load_file_cached(spec, cache)
    assert doc.locate("/paths").line == TEXT.split(b"\n").index(b"paths:") + 1
    # A broken edit is reported as a whole parse reports it.
    spec.write_bytes(edited.replace(b"summary: Edited.", b"summary: [Edited."))
    with pytest.raises(SpecError, match="YAML syntax error"):
        load_file_cached(spec, cache)
