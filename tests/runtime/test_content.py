"""Unit tests of the runtime's non-JSON bodies (``_content``): form styles, multipart parts,
raw and text content, and the response readers' content-type rules."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
import pytest

from generator.runtime import _content as content
from generator.runtime import _runtime as rt

FORM = "application/x-www-form-urlencoded"


def form(body: Any, **styles: rt.QueryStyle) -> bytes:
    encoding = rt.BodyEncoding(FORM, "form", styles=styles)
    data, media = content.encode_body(body, encoding, None)
    assert media == FORM
    return data


def test_form_styles_from_the_encoding_object() -> None:
    body = {"a": ["x", "y z"], "o": {"k": 1, "n": None}, "b": False, "skip": None}
    assert form(body) == b"a=x&a=y+z&k=1&b=false"
    assert form(body, a=rt.QueryStyle("pipeDelimited", False)) == (
        b"a=x%7Cy+z&k=1&b=false"
    )
    assert form(body, o=rt.DEEP_OBJECT) == b"a=x&a=y+z&o%5Bk%5D=1&b=false"
    assert form(body, o=rt.FORM_NO_EXPLODE) == b"a=x&a=y+z&o=k%2C1&b=false"
    # Members that are themselves objects or arrays have no form: JSON text.
    assert form({"l": [{"x": 1}], "o": {"m": [1, 2]}}) == (
        b"l=%7B%22x%22%3A1%7D&m=%5B1%2C2%5D"
    )


def test_form_bodies_must_be_objects_and_json_data() -> None:
    with pytest.raises(rt.RequestValidationError, match="must be an object"):
        form(["a"])
    with pytest.raises(rt.RequestValidationError, match="not JSON"):
        form({"x": object()})


def multipart(body: Any, **kwargs: Any) -> list[tuple[str, bytes]]:
    encoding = rt.BodyEncoding("multipart/form-data", "multipart", **kwargs)
    data, media = content.encode_body(body, encoding, None)
    match = re.fullmatch(r"multipart/form-data; boundary=(\S+)", media)
    assert match
    chunks = data.split(b"--" + match.group(1).encode())[1:-1]
    return [
        (head.decode(), value)
        for head, _, value in (c[2:-2].partition(b"\r\n\r\n") for c in chunks)
    ]


def test_multipart_part_types_nulls_and_order() -> None:
    parts = multipart(
        {"z": "last?", "meta": None, "n": 1.5, "flag": "yes", "doc": b"%PDF"},
        files=("doc",),
        part_types={"flag": "application/json", "doc": "application/pdf"},
    )
    assert parts == [
        ('Content-Disposition: form-data; name="z"', b"last?"),
        ('Content-Disposition: form-data; name="n"', b"1.5"),
        (
            'Content-Disposition: form-data; name="flag"\r\n'
            "Content-Type: application/json",
            b'"yes"',
        ),
        (
            'Content-Disposition: form-data; name="doc"; filename="upload"\r\n'
            "Content-Type: application/pdf",
            b"%PDF",
        ),
    ]


def test_multipart_files_take_names_from_file_objects_and_refuse_junk() -> None:
    handle = io.BytesIO(b"data")
    handle.name = "/some/dir/report.csv"
    (part,) = multipart({"f": handle}, files=("f",))
    assert part == (
        'Content-Disposition: form-data; name="f"; filename="report.csv"\r\n'
        "Content-Type: text/csv",
        b"data",
    )
    with pytest.raises(rt.RequestValidationError, match=r"\(filename, content"):
        multipart({"f": ("a", b"b", "c/d", "extra")}, files=("f",))
    with pytest.raises(rt.RequestValidationError, match="must be a mapping"):
        multipart([b"x"], files=("f",))


def test_validators_see_files_as_empty_strings() -> None:
    seen: list[Any] = []
    encoding = rt.BodyEncoding("multipart/form-data", "multipart", files=("f", "fs"))
    content.encode_body(
        {"f": b"x", "fs": [b"1", b"2"], "name": "n"}, encoding, seen.append
    )
    assert seen == [{"name": "n", "f": "", "fs": ["", ""]}]


def test_raw_and_text_content() -> None:
    binary = rt.BodyEncoding("image/png", "binary")
    assert content.encode_body(bytearray(b"\x89PNG"), binary, None) == (
        b"\x89PNG",
        "image/png",
    )
    text = rt.BodyEncoding("text/csv", "text")
    assert content.encode_body("é,1", text, None) == (
        "é,1".encode(),
        "text/csv; charset=utf-8",
    )
    latin = rt.BodyEncoding("text/csv; charset=latin-1", "text")
    assert content.encode_body(b"\xe9", latin, None) == (
        b"\xe9",
        "text/csv; charset=latin-1",
    )


def response(content_type: str | None, body: bytes = b"x") -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    request = httpx.Request("GET", "https://api.example.test/x")
    return httpx.Response(200, content=body, headers=headers, request=request)


@pytest.mark.parametrize(
    ("reader", "content_type", "accepted"),
    [
        (rt.BinaryBody("image/*"), "image/jpeg", True),
        (rt.BinaryBody("image/png"), "application/zip", True),  # bytes all the same
        (rt.BinaryBody("image/png"), "text/html", False),
        (rt.BinaryBody("image/png"), "application/problem+json", False),
        (rt.BinaryBody("*/*"), "application/json", True),
        (rt.BinaryBody("application/pdf"), None, True),
        (rt.TextBody("text/csv"), "TEXT/CSV; charset=UTF-8", True),
        (rt.TextBody("text/csv"), "application/octet-stream", False),
        (rt.TextBody("application/x-ndjson"), "application/x-ndjson", True),
        (rt.EventStreamBody("text/event-stream"), "text/plain", False),
    ],
)
def test_readers_refuse_content_types_of_another_kind(
    reader: rt.BodyReader[Any], content_type: str | None, accepted: bool
) -> None:
    served = response(content_type)
    if accepted:
        reader((served, b"x"))
    else:
        with pytest.raises(rt.ResponseDecodeError) as info:
            reader((served, b"x"))
        assert info.value.reason == "content-type"
