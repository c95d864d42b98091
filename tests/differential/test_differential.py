"""Differential testing: compiled validators against jsonschema on generated instances.

Hypothesis draws valid-aimed and mutated instances (tests/differential/strategies.py) for
every schema of the bundled spec and for a deterministic sample of the shared full spec's
component schemas (every k-th name in sorted order). For each instance the compiled
validator (compiled as the generator compiles it: formats asserted, OpenAPI semantics on)
must agree with ``jsonschema.Draft202012Validator`` (format checker on) on the verdict and
on the JSON pointer of the first error.

Where they legitimately differ the case is an INTENDED_DIVERGENCES entry, recognised by
a precise predicate (never a blanket skip) and counted in the terminal summary; anything
else fails the test with the instances that show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.analyze import analyze
from generator.config import load_config
from generator.ir import Api
from generator.jsonschema_docs import document
from generator.load import load_file
from generator.runtime import _validation as runtime
from generator.validation import Entry, compile_module, load_source
from generator.validation.shapes import FORMATS
from tests.differential.stats import STATS
from tests.differential.strategies import Generator, mutants
from tests.paths import FULL_SPEC, ROOT, SPEC, require_shared

ORACLE_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
FULL_SAMPLE = 320  # at least this many component schemas of the full spec
BUNDLED_EXAMPLES = 60  # hypothesis examples per schema
FULL_EXAMPLES = 20


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _at(instance: Any, path: str) -> Any:
    for token in path.split("/")[1:] if path else []:
        token = token.replace("~1", "/").replace("~0", "~")
        instance = (
            instance[int(token)] if isinstance(instance, list) else instance[token]
        )
    return instance


def ours_conforms(fmt: str, value: str) -> bool:
    """Return the runtime's verdict on a string for a format it checks."""
    checker, fast = FORMATS[fmt]
    if fast and getattr(runtime, fast)(value) is not None:
        return True
    return bool(checker and getattr(runtime, checker)(value))


@dataclass
class Case:
    """One compared instance: both verdicts, both first errors, and the plain compile's."""

    schema: str
    document: dict[str, Any]
    instance: Any
    ours: Any  # our first ValidationError or None
    theirs: Any  # jsonschema's first ValidationError or None
    plain: Callable[[], Any]  # first error of the compile without OpenAPI semantics

    @property
    def theirs_path(self) -> str | None:
        return None if self.theirs is None else pointer(self.theirs.absolute_path)

    @property
    def ours_path(self) -> str | None:
        return None if self.ours is None else str(self.ours.path)

    def agrees(self) -> bool:
        """Return whether both give the same verdict and first-error pointer."""
        return (self.ours is None) == (self.theirs is None) and (
            self.ours_path == self.theirs_path
        )

    def format_error(self) -> tuple[str, str] | None:
        """Return (format, value) of whichever side's first error is a format error."""
        if self.ours is not None and self.ours.schema_path.endswith("/format"):
            fmt = _at(self.document_for(self.ours.schema_path), "")
            return fmt, _at(self.instance, self.ours.path)
        if self.theirs is not None and self.theirs.validator == "format":
            return self.theirs.validator_value, self.theirs.instance
        return None

    def document_for(self, schema_path: str) -> Any:
        # schema_path is /$defs/<Model>/...; the bundle is the document's own $defs plus
        # the document's root for the model itself.
        parts = schema_path.split("/")
        node: Any = (
            self.document
            if parts[2] == self.schema
            else self.document["$defs"][parts[2]]
        )
        for token in parts[3:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node


def _is_discriminator(case: Case) -> bool:
    if case.agrees() or '"discriminator"' not in _dumps(case.document):
        return False
    plain = case.plain()
    return (plain is None) == (case.theirs is None) and (
        plain is None or str(plain.path) == case.theirs_path
    )


def _format_disagreement(fmt: str) -> Callable[[Case], bool]:
    def applies(case: Case) -> bool:
        found = case.format_error()
        if found is None or found[0] != fmt or not isinstance(found[1], str):
            return False
        return ours_conforms(fmt, found[1]) != ORACLE_FORMATS.conforms(found[1], fmt)

    return applies


def _unchecked_format(case: Case) -> bool:
    found = case.format_error()
    return (
        found is not None
        and case.ours is not None
        and case.ours.schema_path.endswith("/format")
        and found[0] not in ORACLE_FORMATS.checkers
        and not ours_conforms(found[0], found[1])
    )


def _python_pattern(case: Case) -> bool:
    # jsonschema hands ECMA patterns to Python's re as they are.
    for error in (case.ours, case.theirs):
        if error is None:
            continue
        if getattr(error, "validator", None) == "pattern":
            pattern, value = error.validator_value, error.instance
        elif str(getattr(error, "schema_path", "")).endswith("/pattern"):
            pattern = case.document_for(error.schema_path)
            value = _at(case.instance, error.path)
        else:
            continue
        try:
            python = bool(re.search(pattern, value))
        except re.error:
            return True
        ecma = re.compile(runtime.ecma_to_python(pattern), re.ASCII).search(value)
        if python != (ecma is not None):
            return True
    return False


@dataclass(frozen=True)
class Divergence:
    """A documented, intended difference from jsonschema and how to recognise it."""

    kind: str  # the format or keyword concerned
    example: str
    reason: str
    applies: Callable[[Case], bool] = field(compare=False)


INTENDED_DIVERGENCES: tuple[Divergence, ...] = (
    Divergence(
        "discriminator",
        '{"kind": "cat", "bark": "woof"} against oneOf [Dog, Cat] + discriminator kind',
        "OpenAPI discriminator dispatch: only the mapped branch is validated, so the "
        "first error points inside it (or at the discriminator property when its value "
        "is missing/unmapped) where jsonschema, which ignores `discriminator`, reports "
        "a generic oneOf/anyOf error at the union; and a payload matching several "
        "branches is valid when its tag selects one. Recognised when the same schema "
        "compiled without OpenAPI semantics agrees with jsonschema.",
        _is_discriminator,
    ),
    Divergence(
        "format: email",
        '"user@@example.com", "a b@example.com", "a..b@example.com"',
        "jsonschema's email check is only `'@' in value`; ours follows RFC 5321 "
        "(dot-atom or quoted local part, then a host name or address literal).",
        _format_disagreement("email"),
    ),
    Divergence(
        "format: unchecked by jsonschema",
        '"http://exa mple.com" (uri), "-bad-.example" (hostname), "P1Y2" (duration)',
        "jsonschema checks uri, uri-reference, hostname, duration, json-pointer, ... "
        "only when optional packages are installed (rfc3987, fqdn, isoduration, "
        "jsonpointer); without them every string passes. Ours always checks. "
        "Recognised when our first error is a format error jsonschema has no checker for.",
        _unchecked_format,
    ),
    Divergence(
        "format: date-time",
        '"2021-04-16T23:59:60Z", "2021-04-16T00:59:60+01:00", "0000-01-01T00:00:00Z"',
        "rfc3339-validator (jsonschema's date-time check) rejects every leap second and "
        "year 0000; RFC 3339 allows both (a leap second as the last second of a UTC "
        "day), as do ours and the JSON Schema Test Suite.",
        _format_disagreement("date-time"),
    ),
    Divergence(
        "format: time",
        '"23:59:60Z"',
        "The same leap-second difference for full-time (rfc3339-validator rejects it).",
        _format_disagreement("time"),
    ),
    Divergence(
        "pattern",
        '"^\\\\d+$" against "1\\n" or "\\u0661"',
        "jsonschema evaluates ECMA-262 patterns with Python's re as written: \\d, \\w "
        "and \\s are Unicode-aware, $ matches before a final newline and \\p{...} does "
        "not compile. Ours translates them to ECMA semantics.",
        _python_pattern,
    ),
)


def _dumps(value: Any) -> str:
    import json

    return json.dumps(value)


# -- the corpus ----------------------------------------------------------------------


@dataclass
class Corpus:
    """The schemas of one spec, compiled both ways, with their documents and oracles."""

    label: str
    api: Api
    names: list[str]
    ours: ModuleType
    plain: ModuleType
    snakes: dict[str, str]


def _corpus(label: str, api: Api, names: list[str]) -> Corpus:
    snakes = {m.name: m.snake for m in api.models}
    entries = [Entry(snakes[n], f"/$defs/{n}") for n in names]
    root = {"$defs": api.schemas}
    return Corpus(
        label,
        api,
        names,
        load_source(compile_module(root, entries, openapi=True)),
        load_source(compile_module(root, entries)),
        snakes,
    )


@pytest.fixture(scope="module")
def bundled() -> Corpus:
    api = analyze(load_file(SPEC), load_config(ROOT))
    return _corpus("bundled spec", api, sorted(api.schemas))


@pytest.fixture(scope="module")
def full() -> Corpus:
    api = analyze(load_file(require_shared(FULL_SPEC)), load_config(ROOT))
    components = sorted(m.name for m in api.models if m.component)
    step = max(1, len(components) // FULL_SAMPLE)
    names = components[::step]
    assert len(names) >= 300
    return _corpus("full spec sample", api, names)


def _first(
    validate: Callable[[Any], None], error: type[Exception], instance: Any
) -> Any:
    try:
        validate(instance)
    except error as exc:
        return exc
    return None


def _run(corpus: Corpus, examples: int) -> list[str]:
    """Compare every schema of a corpus; return the unexplained disagreements."""
    problems: list[str] = []
    stats = STATS.setdefault(corpus.label, {"schemas": 0, "instances": 0})
    for name in corpus.names:
        doc = document(name, corpus.api.schemas, "")
        oracle = jsonschema.Draft202012Validator(doc, format_checker=ORACLE_FORMATS)
        snake = corpus.snakes[name]
        validate = getattr(corpus.ours, f"validate_{snake}")
        is_valid = getattr(corpus.ours, f"is_valid_{snake}")
        plain_validate = getattr(corpus.plain, f"validate_{snake}")
        generator = Generator(doc)
        valid_aimed = generator.instances()
        error = corpus.ours.ValidationError

        @_settings(examples)
        @given(st.data())
        def compare(data: st.DataObject) -> None:
            if data.draw(st.booleans(), label="mutate"):
                kind, instance = data.draw(mutants(generator), label="mutant")
            else:
                kind, instance = "valid-aimed", data.draw(valid_aimed, label="instance")
            ours = _first(validate, error, instance)
            if is_valid(instance) != (ours is None):
                problems.append(
                    f"{name}: is_valid disagrees with validate on {instance!r}"
                )
            try:
                theirs = next(iter(oracle.iter_errors(instance)), None)
            except re.error:
                theirs = _OracleCrash()
            stats["instances"] += 1
            bucket = "valid" if theirs is None else "invalid"
            stats[f"jsonschema says {bucket} ({kind})"] = (
                stats.get(f"jsonschema says {bucket} ({kind})", 0) + 1
            )
            case = Case(
                name,
                doc,
                instance,
                ours,
                theirs,
                lambda: _first(plain_validate, error, instance),
            )
            if isinstance(theirs, _OracleCrash):
                if not _python_pattern_crash(doc):
                    problems.append(f"{name}: jsonschema crashed on {instance!r}")
                _count("pattern")
                return
            if case.agrees():
                return
            for divergence in INTENDED_DIVERGENCES:
                if divergence.applies(case):
                    _count(divergence.kind)
                    return
            problems.append(
                f"{name} ({kind}): {instance!r}\n"
                f"    ours:       {case.ours_path!r} {ours.message if ours else ''}"
                f" [{ours.schema_path if ours else ''}]\n"
                f"    jsonschema: {case.theirs_path!r} "
                f"{theirs.message if theirs else ''} "
                f"[{pointer(theirs.absolute_schema_path) if theirs else ''}]"
            )

        compare()
        stats["schemas"] += 1
    return problems


class _OracleCrash:
    """jsonschema raised instead of answering (a pattern Python's re cannot compile)."""


def _python_pattern_crash(doc: Any) -> bool:
    return "\\p{" in _dumps(doc) or "\\P{" in _dumps(doc)


def _count(kind: str) -> None:
    divergences = STATS.setdefault("divergences", {})
    divergences[kind] = divergences.get(kind, 0) + 1


def _check(corpus: Corpus, examples: int) -> None:
    problems = _run(corpus, examples)
    assert not problems, f"{len(problems)} unexplained disagreements:\n" + "\n".join(
        problems[:15]
    )
    stats = STATS[corpus.label]
    valid = stats.get("jsonschema says valid (valid-aimed)", 0)
    aimed = valid + stats.get("jsonschema says invalid (valid-aimed)", 0)
    # The generator must mostly hit: otherwise deep paths go untested.
    assert aimed and valid / aimed > 0.5, stats


def test_bundled_spec_agrees_with_jsonschema(bundled: Corpus) -> None:
    _check(bundled, BUNDLED_EXAMPLES)


def test_full_spec_sample_agrees_with_jsonschema(full: Corpus) -> None:
    _check(full, FULL_EXAMPLES)


def test_divergence_predicates_are_precise() -> None:
    """Each predicate recognises its documented example and not an ordinary mismatch."""
    defs = {
        "M": {
            "type": "object",
            "properties": {
                "e": {"type": "string", "format": "email"},
                "t": {"type": "string", "format": "date-time"},
                "u": {"type": "string", "format": "uri"},
                "p": {"$ref": "#/$defs/Pet"},
            },
        },
        "Pet": {
            "oneOf": [{"$ref": "#/$defs/Dog"}, {"$ref": "#/$defs/Cat"}],
            "discriminator": {"propertyName": "kind"},
        },
        "Dog": {
            "type": "object",
            "required": ["bark"],
            "properties": {"bark": {"type": "string"}},
        },
        "Cat": {"type": "object", "required": ["lives"]},
    }
    entries = [Entry("m", "/$defs/M")]
    module = load_source(compile_module({"$defs": defs}, entries, openapi=True))
    plain = load_source(compile_module({"$defs": defs}, entries))
    doc = document("M", defs, "")
    oracle = jsonschema.Draft202012Validator(doc, format_checker=ORACLE_FORMATS)
    error = module.ValidationError

    def kinds(instance: Any) -> list[str]:
        case = Case(
            "M",
            doc,
            instance,
            _first(module.validate_m, error, instance),
            next(iter(oracle.iter_errors(instance)), None),
            lambda: _first(plain.validate_m, error, instance),
        )
        return [d.kind for d in INTENDED_DIVERGENCES if d.applies(case)]

    assert kinds({"e": "user@@example.com"}) == ["format: email"]
    assert kinds({"t": "2021-04-16T23:59:60Z"}) == ["format: date-time"]
    assert kinds({"u": "http://exa mple.com"}) == ["format: unchecked by jsonschema"]
    assert kinds({"p": {"kind": "Cat", "bark": "woof"}}) == ["discriminator"]  # a Dog
    assert kinds({"p": {"kind": "Dog", "bark": 1}}) == ["discriminator"]  # /p/bark
    # Agreements and ordinary mismatches match nothing.
    for instance in (
        {"e": "user@example.com"},  # both accept
        {"e": 5},  # both reject: a type error
        {"e": "nobody"},  # both reject the format
        {"t": "2021-04-16T25:00:00Z"},  # both reject the format
        {"p": {"kind": "Dog", "bark": "woof"}},  # both accept
        {"p": {"kind": "Dog"}},  # both report at /p (our Dog/required is at /p too)
    ):
        assert kinds(instance) == [], instance
