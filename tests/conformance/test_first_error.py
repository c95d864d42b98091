"""The compiled validators' FIRST error sits where jsonschema's first error does.

Every invalid case of the suite (draft2020-12 and draft4, required tests) is validated by
both; the instance pointers of their first errors must agree. Formats are left as
annotations here on both sides so only keyword order and paths are compared.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator.validation import Entry, SchemaCompileError, load_validators
from tests.conformance.suite import cases, files, retrieve

# draft -> {case id: reason} for cases where the pointers may legitimately differ.
KNOWN_DIFFERENCES: dict[str, dict[str, str]] = {"draft2020-12": {}, "draft4": {}}


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@pytest.mark.parametrize("draft", ["draft2020-12", "draft4"])
def test_first_error_pointer_matches_jsonschema(draft: str) -> None:
    default = DRAFT4 if draft == "draft4" else DRAFT202012
    registry: Registry[Any] = Registry(  # type: ignore[call-arg, unused-ignore]
        retrieve=lambda uri: Resource.from_contents(
            retrieve(uri), default_specification=default
        )
    )
    oracle_class: Any = (
        jsonschema.Draft4Validator
        if draft == "draft4"
        else jsonschema.Draft202012Validator
    )
    differences: dict[str, str] = {}
    compared = 0
    for path in files(draft):
        for group_id, schema, tests in cases(path):
            try:
                module = load_validators(
                    schema,
                    [Entry("case", "")],
                    dialect="draft4" if draft == "draft4" else "2020-12",
                    retrieve=retrieve,
                    formats=False,
                )
            except SchemaCompileError:
                continue  # counted (and explained) by test_suite.py
            oracle = oracle_class(schema, registry=registry)
            for test in tests:
                if test["valid"]:
                    continue
                try:
                    first = next(iter(oracle.iter_errors(test["data"])), None)
                except (Unresolvable, jsonschema.exceptions.SchemaError, re.error):
                    # The oracle cannot evaluate it (re.error: jsonschema hands ECMA
                    # patterns such as \p{Letter} to Python's re); nothing to compare.
                    continue
                if first is None:
                    continue  # jsonschema disagrees with the suite; not an ordering case
                compared += 1
                try:
                    module.validate_case(test["data"])
                    ours = None
                except module.ValidationError as error:
                    ours = error.path
                if ours != _pointer(first.absolute_path):
                    differences[f"{group_id}::{test['description']}"] = (
                        f"ours {ours!r}, jsonschema {_pointer(first.absolute_path)!r}"
                    )
    assert compared > 200
    assert differences == KNOWN_DIFFERENCES[draft]
