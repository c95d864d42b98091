"""Scale layer: the black-normal modules of the whole Telnyx API are black's output without
black. Every too-long line is laid out by ``generator.pystyle`` (none is left for black),
and a deterministic sample of the laid-out segments, every module and every kind of
segment represented, is handed to black, which must change nothing."""

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
    models = f"{PACKAGE}/models.py"
    assert models in normal
    per_module: dict[str, list[int]] = {}  # path -> [segments, checked, left to black]
    for path in normal:
        laid = lay_out(split_header(full.files[path])[2])
        counts = per_module.setdefault(path, [0, 0, 0])
        for segment in split_module(path, laid.text):
            counts[0] += 1
            if laid.unsupported.intersection(segment.source.split("\n")):
                counts[2] += 1
                continue
            digest = hashlib.sha256(segment.source.encode()).digest()
            if digest[0] % SAMPLE:
                continue
            counts[1] += 1
            expected = segment.source.rstrip("\n") + "\n"
            assert _format_batch([segment.source])[0] == expected, (
                path,
                segment.source,
            )
    segments, checked, unsupported_segments = (
        sum(c) for c in zip(*per_module.values())
    )
    print(
        f"\n{segments} segments, {checked} checked by black, "
        f"{unsupported_segments} left to black; models.py: {per_module[models]}"
    )
    assert checked > segments // (2 * SAMPLE)
    # The models module (a third of the segments, 250k lines) never needs black, and
    # is sampled like the rest.
    assert per_module[models][2] == 0
    assert per_module[models][1] > per_module[models][0] // (2 * SAMPLE)
    # No black-normal module needs black at all: models, validators, resources, client.
    left = {path: counts[2] for path, counts in per_module.items() if counts[2]}
    assert unsupported_segments == 0, left
