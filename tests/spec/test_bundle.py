"""The bundled spec is exactly what ``contractgen slice`` cuts from the shared upstream spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.analyze import analyze
from generator.cli import main
from generator.config import load_config
from generator.load import Document, load_file, split_pointer
from generator.slicing import HTTP_METHODS, Selection, slice_document
from tests.paths import FULL_SPEC, ROOT, SPEC, require_shared

SLICE_ROOM_SESSIONS = ["--tag", "Room Sessions"]


@pytest.fixture(scope="module")
def upstream() -> Document:
    return load_file(require_shared(FULL_SPEC))


def _inline(doc: Any, value: Any, stack: tuple[str, ...] = ()) -> Any:
    """Return a node with every local $ref replaced by its target (cycles left as $ref)."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            if ref in stack:
                return {"$ref": ref}
            target: Any = doc
            for token in split_pointer(ref[1:]):
                target = target[token]
            rest = {k: _inline(doc, v, stack) for k, v in value.items() if k != "$ref"}
            return {"$resolved": _inline(doc, target, (*stack, ref)), **rest}
        return {k: _inline(doc, v, stack) for k, v in value.items()}
    if isinstance(value, list):
        return [_inline(doc, v, stack) for v in value]
    return value


def _operations(doc: Document) -> dict[str, tuple[str, str, Any]]:
    found = {}
    for path, item in doc.root["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                found[op["operationId"]] = (path, method, _inline(doc.root, op))
    return found


def test_bundled_spec_is_reproduced_by_slice(tmp_path: Path) -> None:
    out = tmp_path / "sliced.yaml"
    args = [
        "slice",
        str(require_shared(FULL_SPEC)),
        *SLICE_ROOM_SESSIONS,
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert out.read_bytes() == SPEC.read_bytes(), (
        "spec/telnyx_room_sessions.yaml differs from a fresh slice; refresh it with:\n"
        "    contractgen slice ../shared/specs/telnyx-openapi-2026-07-16.yml "
        "--tag 'Room Sessions' -o spec/telnyx_room_sessions.yaml"
    )


def test_each_bundled_operation_equals_upstream_once_refs_resolved(
    upstream: Document,
) -> None:
    bundled = _operations(load_file(SPEC))
    assert sorted(bundled) == [
        "EndSession",
        "KickParticipantInSession",
        "ListRoomSessions",
        "MuteParticipantInSession",
        "RetrieveListRoomParticipants",
        "UnmuteParticipantInSession",
        "ViewRoomSession",
    ]
    full = _operations(upstream)
    for op_id, (path, method, resolved) in bundled.items():
        assert full[op_id][:2] == (path, method), op_id
        assert full[op_id][2] == resolved, f"{op_id} differs from upstream"
    spec = load_file(SPEC).root
    assert spec["servers"] == upstream.root["servers"]
    assert spec["security"] == upstream.root["security"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_rooms_family_slices_to_a_self_contained_api(upstream: Document) -> None:
    sliced = slice_document(upstream, Selection(path_prefixes=("/room",)))
    ops = [m for item in sliced["paths"].values() for m in item if m in HTTP_METHODS]
    assert len(ops) == 25
    # Self-contained: every $ref in the slice resolves inside the slice.
    stack: list[Any] = [sliced]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target: Any = sliced
                for token in split_pointer(ref[1:]):
                    assert token in target, f"{ref} dangles in the slice"
                    target = target[token]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def test_slice_of_nothing_is_a_located_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["slice", str(SPEC), "--tag", "No Such Tag", "-o", "/nonexistent/x"])
    assert code == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("spec/telnyx_room_sessions.yaml:")
        or "telnyx_room_sessions.yaml:" in err
    )
    assert "matches no operation" in err


def test_bundled_spec_builds_an_ir_with_nothing_unsupported() -> None:
    api = analyze(load_file(SPEC), load_config(ROOT))
    assert api.unsupported == ()
    assert {o.operation_id for o in api.operations} >= {"ViewRoomSession"}
