"""Examples as a lint: ``contractgen lint`` finds the examples that contradict their own
schema, jsonschema agrees with every finding, and clean examples round-trip."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from generator.analyze import analyze
from generator.cli import main
from generator.config import load_config
from generator.examples import collect
from generator.ir import Api
from generator.jsonschema_docs import document
from generator.lint import Report, lint
from generator.load import load_file
from tests.paths import FULL_SPEC, ROOT, SPEC, require_shared

# Pinned: a change means the spec, the validators or the example collection changed.
FULL_SPEC_DEFECTS = 3


@pytest.fixture(scope="module")
def full() -> tuple[Api, Report]:
    api = analyze(load_file(require_shared(FULL_SPEC)), load_config(ROOT))
    return api, lint(api)


def test_the_bundled_spec_has_no_defects() -> None:
    report = lint(analyze(load_file(SPEC), load_config(ROOT)))
    assert report.checked >= 20 and report.findings == ()


def test_full_spec_defects_are_pinned_and_jsonschema_agrees(
    full: tuple[Api, Report],
) -> None:
    api, report = full
    assert report.checked > 5000
    assert [f.kind for f in report.findings] == ["contradicts-schema"] * len(
        report.findings
    ), "an example that passes its schema failed to round-trip: a generator bug"
    assert len(report.findings) == FULL_SPEC_DEFECTS, "\n".join(
        map(str, report.findings)
    )
    examples = {(e.model, e.source, str(e.location)): e for e in collect(api)}
    for finding in report.findings:
        example = examples[(finding.model, finding.source, str(finding.location))]
        oracle = jsonschema.Draft202012Validator(
            document(finding.model, api.schemas, ""),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        errors = list(oracle.iter_errors(example.value))
        if finding.source == "assembled":
            whole = {"required", "oneOf", "anyOf", "not", "dependentRequired"}
            errors = [e for e in errors if e.validator not in whole]
        assert errors, f"jsonschema accepts what lint reports: {finding}"


def _tiny_spec(tmp_path: Path, example: str) -> Path:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        "info: {title: t, version: '1'}\n"
        "paths: {}\n"
        "components:\n"
        "  schemas:\n"
        "    Thing:\n"
        "      type: object\n"
        "      properties:\n"
        "        id: {type: string, format: uuid}\n"
        f"      example: {example}\n"
    )
    return spec


def test_cli_lists_each_defect_with_location_and_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _tiny_spec(tmp_path, "{id: not-a-uuid}")
    assert main(["lint", str(spec)]) == 1
    out = capsys.readouterr().out
    assert "tiny.yaml:6:5: contradicts-schema: example of Thing (schema) at /id" in out
    assert "1 defects" in out
    assert main(["lint", str(spec), "--warn-only"]) == 0


def test_cli_passes_a_clean_spec(tmp_path: Path) -> None:
    spec = _tiny_spec(tmp_path, "{id: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0}")
    assert main(["lint", str(spec)]) == 0
