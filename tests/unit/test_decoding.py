"""Generated decoders: one fast pass for well-formed objects, and every lenient behaviour kept
on the other paths (absent vs null, unknown keys, drifting types, odd timestamps), with an
exact round trip either way."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import os
import pickle
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.differential.strategies import Generator
from generator.analyze import analyze
from generator.config import load_config
from generator.load import load_file
from tests.paths import GENERATED, ROOT
from tests.paths import SPEC as ROOMS_SPEC

PARTICIPANT = {
    "context": "Alice",
    "id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
    "joined_at": "2021-04-16T09:46:20.954863Z",
    "left_at": "2021-04-16T10:24:55.962200Z",
    "record_type": "room_participant",
    "session_id": "7b61621f-5fe4-4aad-ab11-9fd19e272e73",
    "updated_at": "2021-04-16T10:24:55.962200Z",
}

# Spellings that are not the canonical one `format_datetime` writes, or not timestamps at all.
ODD_STAMPS = [
    "2021-04-16T09:46:20Z",
    "2021-04-16T09:46:20.000000Z",
    "2021-04-16T09:46:20.95Z",
    "2021-04-16T09:46:20.123456789Z",
    "2021-04-16t09:46:20.954863z",
    "2021-04-16 09:46:20.954863Z",
    "2021-04-16T09:46:20.954863+00:00",
    "2021-04-16T09:46:20.954863-00:00",
    "2021-04-16T11:46:20.954863+02:00",
    "2021-04-16T09:46:20",  # no offset: read as UTC
    "2016-12-31T23:59:60Z",  # leap second
    "2021-04-16",
    "2021-02-30T09:46:20Z",
    "2021-W15-5T09:46:20.954863Z",
    "20210416T094620Z",
    "2021-04-16T09:46Z",
    "not a timestamp",
    "",
    12345,
    1.5,
    True,
    [],
    {},
]


@pytest.fixture(scope="module")
def rooms() -> Iterator[ModuleType]:
    sys.path.insert(0, str(GENERATED))
    try:
        yield importlib.import_module("telnyx_rooms")
    finally:
        sys.path.remove(str(GENERATED))


def test_well_formed_object_takes_the_fast_path(rooms: ModuleType) -> None:
    decoded = rooms.RoomParticipant.from_dict(PARTICIPANT)
    assert type(decoded.joined_at) is datetime  # fromisoformat, no wrapper
    assert decoded.joined_at == datetime(2021, 4, 16, 9, 46, 20, 954863, timezone.utc)
    assert decoded.extra_fields == {}
    assert decoded.to_dict() == PARTICIPANT
    other = rooms.RoomParticipant.from_dict(PARTICIPANT)
    other.extra_fields["x"] = 1  # each object owns its extra_fields
    assert decoded.extra_fields == {}


def test_session_with_participants_round_trips(rooms: ModuleType) -> None:
    session = {
        "active": True,
        "created_at": "2021-04-16T09:46:20.954863Z",
        "id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
        "participants": [PARTICIPANT, {**PARTICIPANT, "left_at": None}, "drift", None],
        "record_type": "room_session",
        "room_id": "7b61621f-5fe4-4aad-ab11-9fd19e272e73",
        "updated_at": "2021-04-16T10:24:55.962200+00:00",
        "new_key": {"kept": [1, None]},
    }
    decoded = rooms.RoomSession.from_dict(session)
    assert isinstance(decoded.participants[0], rooms.RoomParticipant)
    assert decoded.participants[2:] == ["drift", None]
    assert decoded.ended_at is None
    assert decoded.extra_fields == {"new_key": {"kept": [1, None]}}
    assert decoded.to_dict() == session


@pytest.mark.parametrize("stamp", ODD_STAMPS, ids=repr)
@pytest.mark.parametrize("sparse", [False, True], ids=["complete", "sparse"])
def test_odd_timestamps_are_kept_exactly(
    rooms: ModuleType, stamp: Any, sparse: bool
) -> None:
    payload = {**PARTICIPANT, "left_at": stamp}
    if sparse:
        del payload["context"]
    decoded = rooms.RoomParticipant.from_dict(payload)
    if isinstance(decoded.left_at, datetime):
        assert decoded.left_at.tzinfo is not None, "timestamps decode timezone-aware"
    else:
        assert decoded.left_at == stamp  # not a timestamp: kept as it came
    assert decoded.to_dict() == payload
    assert type(decoded.joined_at) is datetime


def test_offset_less_timestamp_is_read_as_utc(rooms: ModuleType) -> None:
    decoded = rooms.RoomParticipant.from_dict(
        {**PARTICIPANT, "left_at": "2021-04-16T09:46:20"}
    )
    assert decoded.left_at == datetime(2021, 4, 16, 9, 46, 20, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"joined_at": None, "id": None},
        {**PARTICIPANT, "context": None},
        {**PARTICIPANT, "surprise": None},
        {k: v for k, v in PARTICIPANT.items() if k != "left_at"} | {"other": 1},
        {"joined_at": 5, "left_at": [], "context": {"a": 1}},
    ],
    ids=["empty", "nulls", "null-field", "unknown-null", "absent-and-unknown", "drift"],
)
def test_absent_null_unknown_and_drift(
    rooms: ModuleType, payload: dict[str, Any]
) -> None:
    decoded = rooms.RoomParticipant.from_dict(payload)
    assert decoded.to_dict() == payload


def test_fast_path_leaves_other_mappings_alone(rooms: ModuleType) -> None:
    # Same key count, one declared key swapped for an unknown one: a defaultdict must not
    # grow the missing key (the fast path indexes only plain dicts).
    swapped = {k: v for k, v in PARTICIPANT.items() if k != "context"} | {"other": 1}
    grows = defaultdict(lambda: "filled", swapped)
    decoded = rooms.RoomParticipant.from_dict(grows)
    assert dict(grows) == swapped
    assert decoded.context is None
    assert decoded.to_dict() == swapped
    proxy = rooms.RoomParticipant.from_dict(MappingProxyType(PARTICIPANT))
    assert proxy == rooms.RoomParticipant.from_dict(PARTICIPANT)
    assert proxy.to_dict() == PARTICIPANT


def test_null_timestamp_in_a_full_object(rooms: ModuleType) -> None:
    payload = {**PARTICIPANT, "left_at": None}
    decoded = rooms.RoomParticipant.from_dict(payload)
    assert decoded.left_at is None
    assert type(decoded.joined_at) is datetime
    assert decoded.to_dict() == payload


def test_from_dict_builds_the_subclass_it_is_called_on(rooms: ModuleType) -> None:
    participant: Any = type("Participant", (rooms.RoomParticipant,), {})
    for payload in (PARTICIPANT, {"id": "x"}):
        decoded = participant.from_dict(payload)
        assert type(decoded) is participant
        assert decoded.to_dict() == payload


def test_changed_timestamps_encode_their_new_value(rooms: ModuleType) -> None:
    decoded = rooms.RoomParticipant.from_dict(
        {**PARTICIPANT, "left_at": "2021-04-16T10:24:55.962200+00:00"}
    )
    # Same instant and offset: the wire spelling stays.
    decoded.left_at = datetime(2021, 4, 16, 10, 24, 55, 962200, timezone.utc)
    assert decoded.to_dict()["left_at"] == "2021-04-16T10:24:55.962200+00:00"
    # Same instant, another offset: the new offset shows.
    plus_two = timezone(timedelta(hours=2))
    decoded.left_at = decoded.left_at.astimezone(plus_two)
    assert decoded.to_dict()["left_at"] == "2021-04-16T12:24:55.962200+02:00"
    decoded.joined_at = datetime(2022, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert decoded.to_dict()["joined_at"] == "2022-01-02T03:04:05Z"
    decoded.updated_at = None
    assert "updated_at" not in decoded.to_dict()


def test_objects_made_in_python_encode(rooms: ModuleType) -> None:
    made = rooms.RoomParticipant(
        id="x", joined_at=datetime(2021, 4, 16, 9, 46, 20, 5, timezone.utc)
    )
    assert made.to_dict() == {"id": "x", "joined_at": "2021-04-16T09:46:20.000005Z"}
    copied = copy.copy(rooms.RoomParticipant.from_dict(PARTICIPANT))
    assert copied.to_dict() == PARTICIPANT
    assert copied == rooms.RoomParticipant.from_dict(PARTICIPANT)


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=2)
_STAMPISH = st.one_of(
    st.builds(
        lambda y, mo, d, sep, h, mi, s, frac, tz: f"{y}-{mo}-{d}{sep}{h}:{mi}:{s}{frac}{tz}",
        st.text(alphabet="0123456789", min_size=4, max_size=4),
        _DIGITS,
        _DIGITS,
        st.sampled_from(["T", "t", " ", "_"]),
        _DIGITS,
        _DIGITS,
        _DIGITS,
        st.sampled_from(["", ".", ".0", ".000000", ".954863", ".1234567", ",5"]),
        st.sampled_from(
            ["Z", "z", "", "+00:00", "-00:00", "+05:30", "+2400", "+24:00"]
        ),
    ),
    st.text(max_size=30),
)


@settings(max_examples=400, deadline=None)
@given(stamp=_STAMPISH, sparse=st.booleans())
def test_any_text_in_a_timestamp_field_round_trips(stamp: str, sparse: bool) -> None:
    sys.path.insert(0, str(GENERATED))
    try:
        models = importlib.import_module("telnyx_rooms.models")
    finally:
        sys.path.remove(str(GENERATED))
    payload = {**PARTICIPANT, "joined_at": stamp}
    if sparse:
        payload["extra"] = True
    decoded = models.RoomParticipant.from_dict(payload)
    assert decoded.to_dict() == payload
    # A mapping that is not a dict never takes the fast path: both paths must agree.
    exact = models.RoomParticipant.from_dict(MappingProxyType(payload))
    assert exact == decoded and type(exact.joined_at) is type(decoded.joined_at)
    value = decoded.joined_at
    assert isinstance(value, str) or (
        isinstance(value, datetime) and value.tzinfo is not None
    )


@settings(max_examples=400, deadline=None)
@given(stamp=_STAMPISH)
def test_to_datetime_fast_path_agrees_with_the_exact_parser(stamp: str) -> None:
    sys.path.insert(0, str(GENERATED))
    try:
        serde = importlib.import_module("telnyx_rooms._serde")
    finally:
        sys.path.remove(str(GENERATED))
    fast, exact = serde.to_datetime(stamp), serde.wire_datetime(stamp)
    assert fast == exact
    if isinstance(fast, datetime):
        assert serde.format_datetime(fast) == stamp


SPEC = """
openapi: 3.1.0
info: {title: stamps, version: "1"}
paths: {}
components:
  schemas:
    Log:
      type: object
      required: [at]
      properties:
        at: {type: string, format: date-time}
        maybe: {type: [string, "null"], format: date-time}
        history: {type: array, items: {type: string, format: date-time}}
        by_name: {type: object, additionalProperties: {$ref: '#/components/schemas/Entry'}}
        entries: {type: array, items: {$ref: '#/components/schemas/Entry'}}
    Entry:
      type: object
      properties:
        note: {type: string}
    Empty:
      type: object
      properties: {}
    Holder:
      type: object
      properties:
        empties: {type: array, items: {$ref: '#/components/schemas/Empty'}}
    Tagged:
      type: object
      required: [code, label, entries]
      properties:
        code: {type: string}
        label: {type: [string, "null"]}
        entries: {type: array, items: {$ref: '#/components/schemas/Entry'}}
"""


@pytest.fixture(scope="module")
def stamps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("stamps")
    spec = out / "stamps.yaml"
    spec.write_text(SPEC)
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)]
        + ["--package", "stamps"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("stamps.models")
    finally:
        sys.path.remove(str(out))


def test_timestamps_in_lists_maps_and_nullable_fields(stamps: ModuleType) -> None:
    payload = {
        "at": "2021-04-16T09:46:20Z",
        "maybe": None,
        "history": [
            "2021-04-16T09:46:20.954863Z",
            "2021-04-16T09:46:20.95+01:00",
            "garbage",
            None,
        ],
        "by_name": {"a": {"note": "x"}, "b": None, "c": {"note": "y", "more": 1}},
        "entries": [{"note": "z"}, 3],
    }
    decoded = stamps.Log.from_dict(payload)
    assert isinstance(decoded.history[0], datetime)
    assert isinstance(decoded.history[1], datetime)
    assert decoded.history[2:] == ["garbage", None]
    assert isinstance(decoded.by_name["a"], stamps.Entry)
    assert decoded.by_name["b"] is None
    assert decoded.entries[1] == 3
    assert decoded.to_dict() == payload
    assert stamps.Log.from_dict({}).to_dict() == {}
    assert stamps.Log.from_dict({"at": None}).to_dict() == {"at": None}


def test_model_without_properties(stamps: ModuleType) -> None:
    payload = {"empties": [{}, {"x": None}, None, 7]}
    decoded = stamps.Holder.from_dict(payload)
    assert [type(e).__name__ for e in decoded.empties] == [
        "Empty",
        "Empty",
        "NoneType",
        "int",
    ]
    assert decoded.empties[1].extra_fields == {"x": None}
    assert decoded.to_dict() == payload
    assert stamps.Empty.from_dict({}).to_dict() == {}


def test_from_validated_keeps_the_nulls_its_schema_allows(stamps: ModuleType) -> None:
    payload = {"code": "a", "label": None, "entries": [{"note": "x"}, {}]}
    trusted = stamps.Tagged.from_validated(payload)
    assert trusted == stamps.Tagged.from_dict(payload)
    assert trusted.to_dict() == payload  # label: null kept, not dropped as absent
    assert [e.note for e in trusted.entries] == ["x", None]


def test_extra_fields_is_made_once_and_owned(rooms: ModuleType) -> None:
    a = rooms.RoomParticipant.from_dict(PARTICIPANT)
    b = rooms.RoomParticipant.from_validated(PARTICIPANT)
    assert a.extra_fields is a.extra_fields  # made on first read, then kept
    a.extra_fields["x"] = 1
    assert b.extra_fields == {} and a.to_dict() == {**PARTICIPANT, "x": 1}
    b.extra_fields = {"y": 2}
    assert b.to_dict() == {**PARTICIPANT, "y": 2}
    made = rooms.RoomParticipant(id="x", extra_fields={"z": 3})
    assert made.to_dict() == {"id": "x", "z": 3}
    again = pickle.loads(pickle.dumps(rooms.RoomParticipant.from_dict(PARTICIPANT)))
    assert again == rooms.RoomParticipant.from_dict(PARTICIPANT)
    assert again.to_dict() == PARTICIPANT
    replaced = dataclasses.replace(a, context="Bob")
    assert replaced.extra_fields == {"x": 1} and replaced.context == "Bob"
    assert "extra_fields" not in repr(a)


def _object_models(rooms: ModuleType) -> list[tuple[type[Any], str, str]]:
    """Return (class, schema name, snake name) of every object model with a schema
    document."""
    api = analyze(load_file(ROOMS_SPEC), load_config(ROOT))
    return [
        (getattr(rooms.models, m.name), m.name, m.snake)
        for m in api.models
        if m.name in api.schemas and m.kind == "object"
    ]


def test_from_validated_equals_from_dict_on_every_valid_instance(
    rooms: ModuleType,
) -> None:
    models = _object_models(rooms)
    assert len(models) >= 15
    checked = 0
    for cls, name, snake in models:
        document = json.loads(
            (GENERATED / "telnyx_rooms" / "schemas" / f"{name}.json").read_text()
        )
        is_valid = getattr(rooms.validators, f"is_valid_{snake}")

        @settings(max_examples=60, deadline=None, derandomize=True)
        @given(Generator(document).instances())
        def agree(instance: Any) -> None:
            nonlocal checked
            if not is_valid(instance):
                return  # the strategy aims at valid instances but may miss
            trusted, decoded = cls.from_validated(instance), cls.from_dict(instance)
            assert trusted == decoded, name
            assert trusted.to_dict() == instance, name
            assert trusted._cg_nulls == decoded._cg_nulls, name
            for field in dataclasses.fields(cls):
                assert type(getattr(trusted, field.name)) is type(
                    getattr(decoded, field.name)
                ), (name, field.name)
            checked += 1

        agree()
    assert checked >= 500
