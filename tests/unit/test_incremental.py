"""Unit layer: the analysis cache replays a unit only when it would run as recorded, so an
analysis through it always equals a whole one, whatever the edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analyze import analyze, analyze_cached
from generator.config import load_config
from generator.ir import Api
from generator.loadcache import load_file_cached
from tests.paths import ROOT

ROOMS = ROOT / "spec" / "telnyx_room_sessions.yaml"
WEBHOOKS = ROOT / "tests" / "specs" / "webhooks.yaml"

# A component with the name an inline model of the EndSession operation would get.
_TAKEN = (
    "  schemas:\n",
    "  schemas:\n    EndSessionResponse:\n      properties:\n        x:\n"
    "          type: string\n      type: object\n",
)

EDITS = [
    ("summary: End a room session.", "summary: Ended."),  # one operation's text
    ("operationId: EndSession\n", "operationId: kickParticipantInSession\n"),  # twins
    _TAKEN,  # a component takes the name an inline model had
    (
        "  /room_sessions/{room_session_id}/actions/end:\n",
        "  /zzz/{room_session_id}:\n",
    ),
    ("RoomSession", "RoomSitting"),  # a component renamed where referenced
    ("format: date-time", "format: date"),  # a component referenced by others
    ("        page_number:\n", "        page_number2:\n"),  # PaginationMeta, shared
    ("  title: Telnyx API\n", "  title: Telnyx APIs\n"),  # info
    ("  url: https://api.telnyx.com/v2\n", "  url: https://api.telnyx.com/v3\n"),
    ("security:\n- bearerAuth: []\n", "security: []\n"),  # the default security
    ("video_ResourceNotFound", "video_ResourceMissing"),  # a shared response renamed
]


def _same(cached: Api, whole: Api) -> None:
    assert cached == whole
    assert cached.schemas == whole.schemas
    assert [m.location for m in cached.models] == [m.location for m in whole.models]


def _both(spec: Path, cache: Path) -> None:
    config = load_config(ROOT)
    doc = load_file_cached(spec, cache / "specs")
    cached, units = analyze_cached(doc, config, cache / "analysis")
    units.save().result()
    _same(cached, analyze(doc, config))


@pytest.mark.parametrize("edit", EDITS, ids=[e[0][:24] for e in EDITS])
def test_an_analysis_through_the_cache_equals_a_whole_one(
    tmp_path: Path, edit: tuple[str, str]
) -> None:
    source = ROOMS.read_text(encoding="utf-8")
    assert edit[0] in source
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    _both(spec, tmp_path / "cache")
    spec.write_text(source.replace(*edit), encoding="utf-8")
    _both(spec, tmp_path / "cache")
    # And back: the records of the edited spec serve the original again.
    spec.write_text("\n\n" + source, encoding="utf-8")  # every line moves down too
    _both(spec, tmp_path / "cache")


def test_unchanged_units_replay_and_changed_ones_run(tmp_path: Path) -> None:
    from generator import incremental

    source = ROOMS.read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    _both(spec, tmp_path / "cache")
    ran: list[object] = []
    real = incremental.Analysis._record

    def record(self: incremental.Analysis, trace: object, *args: object) -> object:
        ran.append(trace)
        return real(self, trace, *args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(incremental.Analysis, "_record", record)
        _both(spec, tmp_path / "cache")
        assert ran == []  # nothing changed: every unit replays
        spec.write_text(source.replace(*EDITS[0]), encoding="utf-8")
        _both(spec, tmp_path / "cache")
        assert len(ran) == 1  # the path item edited


def test_webhooks_through_the_cache(tmp_path: Path) -> None:
    source = WEBHOOKS.read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    _both(spec, tmp_path / "cache")
    _both(spec, tmp_path / "cache")
    spec.write_text(source.replace("summary:", "summary: x", 1), encoding="utf-8")
    _both(spec, tmp_path / "cache")


def test_a_torn_cache_is_ignored(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(ROOMS.read_text(encoding="utf-8"), encoding="utf-8")
    _both(spec, tmp_path / "cache")
    for chunk in (tmp_path / "cache" / "analysis").rglob("*.chunk"):
        chunk.write_bytes(chunk.read_bytes()[:100])
    _both(spec, tmp_path / "cache")


def test_the_cache_keeps_only_what_it_can_read_again(tmp_path: Path) -> None:
    from generator import unitstore

    source = ROOMS.read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    _both(spec, tmp_path / "cache")
    spec.write_text(source.replace(*EDITS[0]), encoding="utf-8")
    _both(spec, tmp_path / "cache")
    (context,) = (tmp_path / "cache" / "analysis").iterdir()
    listed = set((context / "index").read_text(encoding="ascii").split())
    # The edited unit's old chunk is gone: every chunk left is one the index names.
    assert {p.stem for p in context.glob("*.chunk")} == listed
    # Analyses of other specs (other contexts) beyond KEEP drop the oldest.
    for n in range(unitstore.KEEP + 1):
        other = tmp_path / f"spec{n}.yaml"
        other.write_text(source, encoding="utf-8")
        _both(other, tmp_path / "cache")
    contexts = list((tmp_path / "cache" / "analysis").iterdir())
    assert len(contexts) == unitstore.KEEP and context not in contexts
