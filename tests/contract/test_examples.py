"""Contract layer: every documented example passes the compiled validator and jsonschema,
decodes into its dataclass and round-trips exactly; mutated examples fail in both, at the
same JSON pointer."""

from __future__ import annotations

import copy
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.examples import Example, collect
from generator.ir import Api
from generator.load import load_file
from tests.paths import DOC_PAGE, GENERATED, ROOT, SPEC, require_shared

PACKAGE = "telnyx_rooms"


@pytest.fixture(scope="module")
def api() -> Api:
    return analyze(load_file(SPEC), load_config(ROOT))


@pytest.fixture(scope="module")
def package() -> Iterator[ModuleType]:
    sys.path.insert(0, str(GENERATED))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(GENERATED))


def schema_document(name: str) -> dict[str, Any]:
    path = GENERATED / PACKAGE / "schemas" / f"{name}.json"
    document: dict[str, Any] = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def oracle(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema_document(name),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def doc_page_payloads() -> list[Any]:
    """Return every JSON object printed on the documentation page."""
    text = require_shared(DOC_PAGE).read_text()
    decoder = json.JSONDecoder()
    found, index = [], 0
    while (start := text.find("{", index)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            index = start + 1
            continue
        found.append(value)
        index = end
    return found


def all_examples(api: Api) -> list[Example]:
    examples = collect(api)
    page = doc_page_payloads()
    assert page, "the documentation page should show example payloads"
    by_source = {e.source for e in examples}
    assert "schema" in by_source and "assembled" in by_source
    response_model = next(
        r.bodies[0].type.name  # type: ignore[union-attr]
        for op in api.operations
        if op.operation_id == "ViewRoomSession"
        for r in op.responses
        if r.status == "200"
    )
    for value in page:
        model = response_model if "data" in value else "RoomSession"
        examples.append(Example(model, value, "doc-page", examples[0].location))
    return examples


def test_examples_cover_the_room_session_with_participants(api: Api) -> None:
    examples = all_examples(api)
    sessions = [e.value for e in examples if e.model == "RoomSession"]
    assert any(s.get("participants") == [] for s in sessions)  # the documented example
    assert any(
        len(s.get("participants") or []) >= 1 for s in sessions
    )  # assembled from RoomParticipant
    assert sum(e.source == "doc-page" for e in examples) >= 3


def test_every_example_passes_validators_and_round_trips(
    api: Api, package: ModuleType
) -> None:
    models = {m.name: m for m in api.models}
    checked = 0
    for example in all_examples(api):
        model = models[example.model]
        label = f"{example.model} ({example.source}, {example.location})"
        validators = package.validators
        getattr(validators, f"validate_{model.snake}")(example.value)
        assert getattr(validators, f"is_valid_{model.snake}")(example.value), label
        assert (
            list(getattr(validators, f"iter_errors_{model.snake}")(example.value)) == []
        ), label
        errors = list(oracle(model.name).iter_errors(example.value))
        assert errors == [], f"{label}: jsonschema: {errors[0].message}"
        cls = getattr(package.models, model.name)
        if model.kind == "object":
            decoded = cls.from_dict(example.value)
            assert decoded.to_dict() == example.value, label
            trusted = cls.from_validated(example.value)  # it passed the validator
            assert trusted == decoded and trusted.to_dict() == example.value, label
        checked += 1
    assert checked >= 10


def _subschema(document: dict[str, Any], schema: Any, path: list[Any]) -> Any:
    """Return the schema that governs the instance at ``path`` (refs followed)."""
    for token in [None, *path]:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = document["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        if token is None:
            continue
        if isinstance(token, int):
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(token, {})
    return schema


def _leaves(value: Any, path: list[Any]) -> Iterator[list[Any]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, [*path, index])


_WRONG = {
    "string": 12345,
    "integer": "12",
    "number": "1.5",
    "boolean": "true",
    "array": {},
    "object": [],
}


def mutations(document: dict[str, Any], example: Any) -> Iterator[tuple[str, str, Any]]:
    """Yield (kind, JSON pointer, mutated payload) for each defect we can plant."""
    for path in _leaves(example, []):
        schema = _subschema(document, document, path)
        if not isinstance(schema, dict) or not isinstance(schema.get("type"), str):
            continue
        kind = schema["type"]
        planted: list[tuple[str, Any]] = [(f"wrong type for {kind}", _WRONG[kind])]
        if schema.get("format") == "uuid":
            planted.append(("invalid uuid", "7b61621f-62e0-4aad-ab11-9fd19e272e7"))
            planted.append(("uuid without hyphens", "7b61621f62e04aadab119fd19e272e73"))
        if schema.get("format") == "date-time":
            planted.append(("invalid date-time", "2021-04-16T25:46:20Z"))
            planted.append(("date-time without offset", "2021-04-16T09:46:20"))
            planted.append(("date only", "2021-04-16"))
        for what, bad in planted:
            mutated = copy.deepcopy(example)
            if not path:
                yield what, "", bad
                continue
            target = mutated
            for token in path[:-1]:
                target = target[token]
            target[path[-1]] = bad
            yield what, pointer(path), mutated


def test_mutated_examples_fail_in_both_at_the_same_pointer(
    api: Api, package: ModuleType
) -> None:
    models = {m.name: m for m in api.models}
    planted = 0
    for example in all_examples(api):
        model = models[example.model]
        document = schema_document(model.name)
        validate = getattr(package.validators, f"validate_{model.snake}")
        is_valid = getattr(package.validators, f"is_valid_{model.snake}")
        for what, where, payload in mutations(document, example.value):
            label = f"{example.model} {example.source}: {what} at {where!r}"
            assert not is_valid(payload), label
            with pytest.raises(package.validators.ValidationError) as info:
                validate(payload)
            assert (
                info.value.path == where
            ), f"{label}: compiled says {info.value.path!r}"
            found = [
                pointer(e.absolute_path)
                for e in oracle(model.name).iter_errors(payload)
            ]
            assert found == [where], f"{label}: jsonschema says {found}"
            planted += 1
    assert planted >= 100
