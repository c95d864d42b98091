"""Unit layer: the loader keeps places and refuses ambiguity; naming makes safe identifiers."""

from __future__ import annotations

import pytest

from generator import naming
from generator.errors import Location, SpecError
from generator.load import load_text


def test_marks_point_at_keys_and_items() -> None:
    doc = load_text(b"a:\n  b:\n    - x\n    - y: 1\n", "m.yaml")
    assert doc.locate("/a/b") == Location("m.yaml", 2, 3, "/a/b")
    assert doc.locate("/a/b/1/y") == Location("m.yaml", 4, 7, "/a/b/1/y")
    assert doc.locate("/a/missing/deeper").line == 1  # deepest existing node is /a


def test_duplicate_keys_are_refused_with_both_places() -> None:
    with pytest.raises(SpecError) as info:
        load_text(b"x: 1\ny: 2\nx: 3\n", "d.yaml")
    assert str(info.value) == "d.yaml:3:1: duplicate key 'x' (first defined at line 1)"


def test_scalars_are_read_the_json_way() -> None:
    doc = load_text(
        b"d: 2021-04-25\nyes_word: yes\non: on\nt: true\n200: ok\n", "s.yaml"
    )
    assert doc.root == {
        "d": "2021-04-25",
        "yes_word": "yes",
        "on": "on",
        "t": True,
        "200": "ok",
    }


def test_hash_is_of_the_bytes() -> None:
    import hashlib

    text = b"openapi: 3.1.0\n"
    assert load_text(text, "h.yaml").sha256 == hashlib.sha256(text).hexdigest()


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("roomSessionId", "room_session_id", "RoomSessionId"),
        ("HTTPServer", "http_server", "HTTPServer"),
        ("page[number]", "page_number", "PageNumber"),
        ("video_PageConsolidated", "video_page_consolidated", "VideoPageConsolidated"),
        ("Room Sessions", "room_sessions", "RoomSessions"),
        ("x-request-id", "x_request_id", "XRequestId"),
    ],
)
def test_case_conversions(text: str, snake: str, pascal: str) -> None:
    assert naming.snake_case(text) == snake
    assert naming.pascal_case(text) == pascal


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("self", "self_"),
        ("__init__", "init"),
        ("validate(10)", "validate_10"),
        ("1st", "field_1_st"),
        ("", "field"),
        ("type", "type"),
        ("match", "match_"),
        ("to_dict", "to_dict_"),
    ],
)
def test_field_names_are_identifiers(wire: str, expected: str) -> None:
    name = naming.field_candidates(wire)[0]
    assert name == expected
    assert name.isidentifier()


def test_namespace_falls_back_then_refuses() -> None:
    ns = naming.Namespace("property")
    where = Location("f.yaml", 1, 1)
    assert ns.claim(["id", "ID"], "id", where) == "id"
    assert ns.claim(["id", "ID"], "ID", where) == "ID"
    with pytest.raises(SpecError, match="collides with 'id'"):
        ns.claim(["id", "ID"], "Id", where)


def test_hostile_text_never_survives_as_code() -> None:
    for text in [
        '"""',
        "'''",
        "\\",
        "a\nb",
        "\u2028",
        "\x00",
        "{{ x }}",
        "{% if %}",
        "#",
        "__import__('os')",
    ]:
        for candidate in (
            naming.field_candidates(text)
            + naming.class_candidates(text)
            + naming.member_candidates(text)
        ):
            assert candidate.isidentifier() and candidate.isascii(), (text, candidate)
