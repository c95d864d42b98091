"""Scale layer: the black-normal modules of the whole Telnyx API are black's output without
black. Every too-long line is laid out by ``generator.pystyle`` (or left for black, which
must stay rare), and a deterministic sample of the laid-out segments, every module and
every kind of segment represented, is handed to black, which must change nothing."""

from __future__ import annotations

import hashlib

from generator.format import _format_batch, lay_out, split_header, split_module
from generator.render import black_normal
from tests.scale.conftest import PACKAGE, Generated

# About one segment in SAMPLE is given to black (the full set is ~40k segments: minutes).
SAMPLE = 25


def test_laid_out_modules_are_black_stable(full: Generated) -> None:
    normal = sorted(p for p in full.files if black_normal(PACKAGE, p))
    assert len(normal) > 150
    segments = checked = unsupported_segments = 0
    for path in normal:
        laid = lay_out(split_header(full.files[path])[2])
        for segment in split_module(path, laid.text):
            segments += 1
            if laid.unsupported.intersection(segment.source.split("\n")):
                unsupported_segments += 1
                continue
            digest = hashlib.sha256(segment.source.encode()).digest()
            if digest[0] % SAMPLE:
                continue
            checked += 1
            expected = segment.source.rstrip("\n") + "\n"
            assert _format_batch([segment.source])[0] == expected, (path, segment.source)
    print(f"\n{segments} segments, {checked} checked by black, "
          f"{unsupported_segments} left to black")
    assert checked > segments // (2 * SAMPLE)
    # What black still formats at generation time stays a small share.
    assert unsupported_segments < segments // 50
