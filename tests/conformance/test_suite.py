"""The JSON Schema Test Suite, run through the compiled validators.

Targets are 100% of draft2020-12 (required), draft4 (required), the optional format
tests of every format the runtime checks and the optional ECMA-262 regex tests (Unicode
property escapes such as \\p{Letter} expand to explicit code point ranges at generation
time, from Python's unicodedata). A case that still fails must be listed in KNOWN_FAILURES
with its reason; the test fails when the passed count drops below RECORDED or when a
listed failure starts passing, so the table stays honest.

The required draft2020-12 tests run with formats as annotations (the 2020-12 default, which
its format.json checks); the optional format tests run with format assertion on, as the
generator compiles them.
"""

from __future__ import annotations

import pytest

from generator.validation.shapes import FORMATS
from tests.conformance.suite import RESULTS, files, run, suite_dir

# part -> minimum passed count (raise it when more cases pass).
RECORDED: dict[str, int] = {
    "draft2020-12": 1299,
    "draft4": 618,
    "format/date": 81,
    "format/date-time": 33,
    "format/duration": 52,
    "format/email": 27,
    "format/hostname": 64,
    "format/ipv4": 41,
    "format/ipv6": 42,
    "format/json-pointer": 40,
    "format/regex": 8,
    "format/relative-json-pointer": 25,
    "format/time": 47,
    "format/uri": 46,
    "format/uri-reference": 28,
    "format/uuid": 28,
    "optional/ecmascript-regex": 74,
}

# part -> {case id: reason}
KNOWN_FAILURES: dict[str, dict[str, str]] = {}

PARTS = (
    ["draft2020-12", "draft4"]
    + [f"format/{name}" for name in sorted(FORMATS)]
    + ["optional/ecmascript-regex"]
)


@pytest.mark.parametrize("part", PARTS)
def test_suite_part(part: str) -> None:
    if part.startswith("format/"):
        name = part.split("/", 1)[1]
        path = (
            suite_dir()
            / "tests"
            / "draft2020-12"
            / "optional"
            / "format"
            / f"{name}.json"
        )
        assert path.exists(), f"the suite has no format tests for {name}"
        outcome = run([path], "2020-12", formats=True)
    elif part.startswith("optional/"):
        name = part.split("/", 1)[1]
        path = suite_dir() / "tests" / "draft2020-12" / "optional" / f"{name}.json"
        outcome = run([path], "2020-12")
    else:
        outcome = run(files(part), "draft4" if part == "draft4" else "2020-12")
    RESULTS[part] = outcome
    known = KNOWN_FAILURES.get(part, {})
    unexpected = {k: v for k, v in outcome.failed.items() if k not in known}
    fixed = sorted(set(known) - set(outcome.failed))
    assert not unexpected, f"{len(unexpected)} new failures:\n" + "\n".join(
        f"  {k}: {v}" for k, v in unexpected.items()
    )
    assert (
        not fixed
    ), "listed failures now pass; remove them from KNOWN_FAILURES:\n" + "\n".join(fixed)
    assert outcome.passed >= RECORDED.get(
        part, outcome.total
    ), f"{part}: {outcome.passed}/{outcome.total} passed, recorded {RECORDED.get(part)}"
