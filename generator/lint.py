"""Examples as a lint: every documented example is checked against its own schema.

An example that contradicts its schema is a spec defect, not a generator bug; one that passes
must also decode into its dataclass and encode back to exactly the same JSON.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from generator.errors import Location
from generator.examples import Example, collect
from generator.inmemory import import_source
from generator.ir import Api
from generator.render import environment, models_source
from generator.runtime import _serde
from generator.validation import load_source
from generator.validators_module import compile_validators

FindingKind = Literal["contradicts-schema", "round-trip"]


@dataclass(frozen=True)
class Finding:
    """One example that fails: where it is documented and where in it the problem is."""

    kind: FindingKind
    location: Location
    model: str
    source: str
    path: str
    message: str

    def __str__(self) -> str:
        where = self.path or "(root)"
        return (
            f"{self.location}: {self.kind}: example of {self.model} ({self.source}) "
            f"at {where}: {self.message}"
        )


@dataclass(frozen=True)
class Report:
    """What linting a spec found, and how many examples it checked."""

    checked: int
    findings: tuple[Finding, ...]


def _models_module(api: Api) -> types.ModuleType:
    """Import the rendered models in memory beside the real ``_serde`` runtime."""
    return import_source(
        "models", models_source(api, environment()), {"_serde": _serde}
    )


# Keywords about which properties an object has, rather than about a value itself.
_WHOLE_OBJECT = frozenset(
    {"required", "oneOf", "anyOf", "not", "dependentRequired", "dependentSchemas"}
)


def _about_the_whole(schema_path: str) -> bool:
    return schema_path.rsplit("/", 1)[-1] in _WHOLE_OBJECT


def _round_trip(models: types.ModuleType, name: str, value: Any) -> str | None:
    """Return why an example its validator accepted does not round-trip through its
    dataclass, by either decoder, or None."""
    cls = getattr(models, name, None)
    if cls is None or not hasattr(cls, "from_dict") or not isinstance(value, dict):
        return None
    try:
        decoded = cls.from_dict(value)
        trusted = cls.from_validated(value)
        again = decoded.to_dict()
    except (
        Exception
    ) as exc:  # a crash here is a generator bug worth reporting, not raising
        return f"decoding raised {type(exc).__name__}: {exc}"
    if again != value:
        return "to_dict(from_dict(x)) != x"
    if trusted != decoded or trusted.to_dict() != value:
        return "from_validated(x) differs from from_dict(x)"
    return None


def _check(
    example: Example, snake: str, validators: types.ModuleType, models: types.ModuleType
) -> Iterator[Finding]:
    errors = list(getattr(validators, f"iter_errors_{snake}")(example.value))
    if example.source == "assembled":
        # Built from property examples: only a property example that breaks its own schema
        # is a contradiction. Missing or mutually exclusive properties are artefacts of the
        # assembly (a property without an example, both sides of a oneOf filled in).
        errors = [e for e in errors if not _about_the_whole(str(e.schema_path))]
    if errors:
        first = errors[0]
        yield Finding(
            "contradicts-schema",
            example.location,
            example.model,
            example.source,
            str(first.path),
            str(first.message),
        )
        return
    problem = _round_trip(models, example.model, example.value)
    if problem is not None:
        yield Finding(
            "round-trip", example.location, example.model, example.source, "", problem
        )


def lint(api: Api) -> Report:
    """Check every documented example of the API against its schema and its dataclass."""
    body, _ = compile_validators(api)
    validators = load_source(body)
    models = _models_module(api)
    snakes = {m.name: m.snake for m in api.models}
    examples = collect(api)
    findings = [
        finding
        for example in examples
        for finding in _check(example, snakes[example.model], validators, models)
    ]
    return Report(len(examples), tuple(findings))
