"""Constructs the generator reads and deliberately does not generate (operation callbacks,
response links) are reported with their place, once each, and never stop generation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.analyze import analyze
from generator.config import load_config
from generator.load import load_file
from tests.paths import ROOT

SPEC = """\
openapi: 3.1.0
info: {title: Notes, version: "1"}
paths:
  /subscriptions:
    post:
      operationId: Subscribe
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              responses: {"200": {description: ok}}
      responses:
        "201": {$ref: "#/components/responses/Created"}
  /subscriptions/{id}:
    put:
      operationId: Resubscribe
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "201": {$ref: "#/components/responses/Created"}
components:
  responses:
    Created:
      description: created
      links:
        self: {operationId: Resubscribe}
      content:
        application/json:
          schema: {type: object, properties: {id: {type: string}}}
"""


def test_callbacks_and_links_are_noted_once_each(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(SPEC)
    api = analyze(load_file(spec), load_config(ROOT))
    notes = [(n.line, n.column, n.pointer, m.split(":")[0]) for n, m in api.notices]
    assert notes == [
        (7, 7, "/paths/~1subscriptions/post/callbacks", "callbacks are not generated"),
        (
            24,
            7,
            "/components/responses/Created/links",
            "response links are not generated",
        ),
    ]
    assert not api.unsupported
    assert [op.operation_id for op in api.operations] == ["Subscribe", "Resubscribe"]


def test_generate_prints_the_notes_and_succeeds(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(SPEC)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec)]
        + ["-o", str(tmp_path / "out"), "--package", "notes", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    shown = load_file(spec).display  # as the CLI names it, from the same directory
    assert lines == [
        f"{shown}:7:7: note: callbacks are not generated: they are requests the API "
        "makes, not calls of the client",
        f"{shown}:24:7: note: response links are not generated: the client does not "
        "follow them",
    ]
    assert (tmp_path / "out" / "notes" / "_client.py").is_file()
