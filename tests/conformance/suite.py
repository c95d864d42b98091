"""Run the JSON Schema Test Suite through the validator compiler, case by case.

The suite is read where tests/paths.py says (never copied here); remote references
(http://localhost:1234/...) are served from its remotes/ directory and metaschemas from
jsonschema-specifications, so nothing touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_specifications  # type: ignore[import-untyped]

from generator.validation import Entry, SchemaCompileError, load_validators
from tests.paths import JSON_SCHEMA_SUITE, require_shared

REMOTE = "http://localhost:1234/"


@dataclass
class Outcome:
    """Passed and failed case ids of one part of the suite."""

    passed: int = 0
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.passed + len(self.failed)


# part -> outcome, filled by test_suite.py and printed by conftest.py's summary hook.
RESULTS: dict[str, Outcome] = {}


def suite_dir() -> Path:
    """Return the suite's root, failing (never skipping) when it is missing."""
    return require_shared(JSON_SCHEMA_SUITE)


def retrieve(uri: str) -> Any:
    """Serve remote schemas from the suite's remotes/ and metaschemas from the registry."""
    if uri.startswith(REMOTE):
        path = suite_dir() / "remotes" / uri[len(REMOTE) :]
        return json.loads(path.read_text(encoding="utf-8"))
    resource = jsonschema_specifications.REGISTRY.get(uri.rstrip("#"))
    if resource is None:
        raise LookupError(f"no offline copy of {uri}")
    return resource.contents


def files(draft: str, sub: str = "") -> list[Path]:
    """Return the suite's test files of a draft (its required ones unless ``sub``)."""
    folder = suite_dir() / "tests" / draft / sub
    found = sorted(folder.glob("*.json"))
    assert found, f"no test files in {folder}"
    return found


def cases(path: Path) -> Iterator[tuple[str, Any, list[dict[str, Any]]]]:
    """Yield (group id, schema, tests) for every group of one suite file."""
    for group in json.loads(path.read_text(encoding="utf-8")):
        yield f"{path.name}::{group['description']}", group["schema"], group["tests"]


def run(paths: list[Path], dialect: str, formats: bool = False) -> Outcome:
    """Compile every group's schema and check every case with all three entry points."""
    outcome = Outcome()
    for path in paths:
        for group_id, schema, tests in cases(path):
            try:
                module = load_validators(
                    schema,
                    [Entry("case", "")],
                    dialect=dialect,
                    retrieve=retrieve,
                    formats=formats,
                )
            except SchemaCompileError as exc:
                for test in tests:
                    outcome.failed[f"{group_id}::{test['description']}"] = (
                        f"compile: {exc}"
                    )
                continue
            for test in tests:
                case_id = f"{group_id}::{test['description']}"
                problem = check(module, test["data"], test["valid"])
                if problem is None:
                    outcome.passed += 1
                else:
                    outcome.failed[case_id] = problem
    return outcome


def check(module: Any, data: Any, valid: bool) -> str | None:
    """Return why the module disagrees with the suite on one case, or None."""
    try:
        is_valid = module.is_valid_case(data)
        errors = list(module.iter_errors_case(data))
        try:
            module.validate_case(data)
            raised = False
        except module.ValidationError:
            raised = True
    except (
        Exception
    ) as exc:  # noqa: BLE001 - any crash is a failed case, with its reason
        return f"crashed: {type(exc).__name__}: {exc}"
    if is_valid != valid:
        return f"is_valid returned {is_valid}, suite says {valid}"
    if raised == valid or bool(errors) == valid:
        return f"entry points disagree: raised={raised}, errors={len(errors)}"
    return None
