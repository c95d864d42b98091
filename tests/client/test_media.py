"""Every media kind the generated client speaks, request and response, on the wire.

``tests/specs/media.yaml`` documents CSV, plain text, PDF, ``*``, octet-stream and
event-stream responses, and form-urlencoded, multipart (files, arrays of files, a oneOf of
parts), octet-stream, ``*/*`` and text request bodies. The package generated from it is
driven through httpx.MockTransport: each test checks the exact bytes and headers sent and
the exact value returned; mypy --strict checks the annotations users see, both ways.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import io
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.format import format_python, lay_out
from generator.load import load_file
from generator.render import black_normal, render
from generator.write import write
from tests.paths import ROOT

SPEC = ROOT / "tests" / "specs" / "media.yaml"
PACKAGE = "media_api"
KEY = "sk-media-0123456789"
BASE = "https://api.media.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Generated:
    out: Path
    files: dict[str, str]
    pkg: ModuleType


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    config = load_config(ROOT)
    files = render(analyze(load_file(SPEC), config), PACKAGE)
    out = tmp_path_factory.mktemp("media")
    write(out, files, "test")
    sys.path.insert(0, str(out))
    try:
        yield Generated(out, files, importlib.import_module(PACKAGE))
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def media(generated: Generated) -> ModuleType:
    return generated.pkg


class Recorder:
    """A MockTransport handler that records requests and answers from a queue."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append(request)
        return self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]

    @property
    def last(self) -> httpx.Request:
        assert self.seen, "no request was sent"
        return self.seen[-1]


def sync_client(media: ModuleType, recorder: Recorder, **kwargs: Any) -> Any:
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    kwargs.setdefault("max_retries", 0)
    return media.Client(api_key=KEY, base_url=BASE, http_client=http, **kwargs)


def async_client(media: ModuleType, recorder: Recorder, **kwargs: Any) -> Any:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    kwargs.setdefault("max_retries", 0)
    return media.AsyncClient(api_key=KEY, base_url=BASE, http_client=http, **kwargs)


def answer(status: int, content: bytes, content_type: str | None) -> httpx.Response:
    headers = {"content-type": content_type} if content_type else {}
    return httpx.Response(status, content=content, headers=headers)


def returns(method: Any) -> str:
    return str(inspect.signature(method).return_annotation)


def body_annotation(method: Any) -> str:
    return str(inspect.signature(method).parameters["body"].annotation)


# ----------------------------------------------------------------------------- responses


def test_csv_is_text_decoded_with_the_charset_and_accept_names_it(
    media: ModuleType,
) -> None:
    csv = "id,name\n1,Zoë\n".encode()
    recorder = Recorder(answer(200, csv, "text/csv; charset=utf-8"))
    client = sync_client(media, recorder)
    assert client.reports.retrieve("r1") == "id,name\n1,Zoë\n"
    assert recorder.last.headers["accept"] == "text/csv"
    assert str(recorder.last.url) == f"{BASE}/reports/r1.csv"
    assert returns(client.reports.retrieve) == "str"


def test_text_uses_the_declared_charset_and_defaults_to_utf8(
    media: ModuleType,
) -> None:
    latin = Recorder(answer(200, b"caf\xe9 [Peer]", "text/plain; charset=iso-8859-1"))
    assert sync_client(media, latin).peers.list_config("p") == "café [Peer]"
    assert latin.last.headers["accept"] == "text/plain"
    plain = Recorder(answer(200, "naïve".encode(), "text/plain"))
    assert sync_client(media, plain).peers.list_config("p") == "naïve"


def test_text_that_does_not_decode_is_a_decode_error(media: ModuleType) -> None:
    recorder = Recorder(answer(200, b"\xff\xfe broken", "text/csv"))
    with pytest.raises(media.ResponseDecodeError) as info:
        sync_client(media, recorder).reports.retrieve("r1")
    assert info.value.reason == "encoding"
    assert info.value.body == b"\xff\xfe broken"
    unknown = Recorder(answer(200, b"x", "text/csv; charset=no-such-codec"))
    with pytest.raises(media.ResponseDecodeError, match="no-such-codec"):
        sync_client(media, unknown).reports.retrieve("r1")


def test_binary_is_returned_as_the_exact_bytes(media: ModuleType) -> None:
    pdf = b"%PDF-1.4\n\x00\xff\xfe binary \r\n%%EOF"
    recorder = Recorder(answer(200, pdf, "application/pdf"))
    client = sync_client(media, recorder)
    result = client.files.list_content("f1")
    assert result == pdf and type(result) is bytes
    assert recorder.last.headers["accept"] == "application/pdf"
    assert returns(client.files.list_content) == "bytes"
    kv = Recorder(answer(200, b"\x01\x02", "application/octet-stream"))
    assert sync_client(media, kv).kv.retrieve("k") == b"\x01\x02"
    assert kv.last.headers["accept"] == "application/octet-stream"


def test_the_media_range_star_asks_for_anything_and_takes_anything(
    media: ModuleType,
) -> None:
    for content_type in ("image/png", "application/json", "text/html", None):
        recorder = Recorder(answer(200, b"{}", content_type))
        assert sync_client(media, recorder).files.list_raw("f1") == b"{}"
        # "*" is no valid Accept value (Prism's negotiation crashes on it): */* is.
        assert recorder.last.headers["accept"] == "*/*"


def test_a_content_type_of_another_kind_is_a_clear_decode_error(
    media: ModuleType,
) -> None:
    served = b'{"errors": []}'
    recorder = Recorder(answer(200, served, "application/json"))
    with pytest.raises(media.ResponseDecodeError) as info:
        sync_client(media, recorder).files.list_content("f1")
    assert info.value.reason == "content-type"
    assert str(info.value) == (
        "expected a binary response (application/pdf), got content type "
        "'application/json'"
    )
    assert info.value.body == served
    json_for_csv = Recorder(answer(200, b"{}", "application/json"))
    with pytest.raises(media.ResponseDecodeError, match=r"text response \(text/csv\)"):
        sync_client(media, json_for_csv).reports.retrieve("r1")
    # Same kind, other subtype: still text, still read.
    other_text = Recorder(answer(200, b"a,b", "text/plain"))
    assert sync_client(media, other_text).reports.retrieve("r1") == "a,b"
    octets = Recorder(answer(200, b"%PDF", "application/octet-stream"))
    assert sync_client(media, octets).files.list_content("f1") == b"%PDF"


def test_strict_mode_does_not_validate_non_json_but_refuses_undocumented_statuses(
    media: ModuleType,
) -> None:
    strict_ok = Recorder(answer(200, b"not json at all", "text/csv"))
    client = sync_client(media, strict_ok, strict=True)
    assert client.reports.retrieve("r1") == "not json at all"
    undocumented = Recorder(answer(203, b"%PDF", "application/pdf"))
    with pytest.raises(media.ResponseValidationError, match="undocumented status 203"):
        sync_client(media, undocumented, strict=True).files.list_content("f1")
    lenient = Recorder(answer(203, b"%PDF", "application/pdf"))
    assert sync_client(media, lenient).files.list_content("f1") == b"%PDF"


def test_errors_accept_override_and_raw_responses(media: ModuleType) -> None:
    missing = Recorder(
        httpx.Response(404, json={"errors": [{"code": "10005", "title": "Not found"}]})
    )
    with pytest.raises(media.NotFoundError) as info:
        sync_client(media, missing).reports.retrieve("r1")
    assert info.value.errors[0].code == "10005"
    recorder = Recorder(answer(200, b"a,b", "text/csv"))
    client = sync_client(media, recorder)
    client.reports.retrieve("r1", extra_headers={"Accept": "text/*"})
    assert recorder.last.headers["accept"] == "text/*"
    raw = client.reports.with_raw_response.retrieve("r1")
    assert raw.status_code == 200 and raw.content == b"a,b"
    assert raw.parse() == "a,b"


def test_event_streams_are_returned_as_their_text(media: ModuleType) -> None:
    stream = 'event: ping\ndata: {"n": 1}\n\ndata: é\n\n'
    recorder = Recorder(answer(200, stream.encode(), "text/event-stream"))
    client = sync_client(media, recorder)
    assert client.events.list() == stream
    assert recorder.last.headers["accept"] == "text/event-stream"
    assert returns(client.events.list) == "str"


def chunks(*parts: bytes, broken: bool = False) -> Iterator[bytes]:
    """A response body arriving in pieces (``broken``: the connection then drops)."""
    yield from parts
    if broken:
        raise httpx.ReadError("connection reset")


class AsyncChunks(httpx.AsyncByteStream):
    def __init__(self, *parts: bytes) -> None:
        self.parts = parts
        self.closed = False

    async def __aiter__(self) -> Any:
        for part in self.parts:
            yield part

    async def aclose(self) -> None:
        self.closed = True


STREAM = ('event: ping\r\nid: 1\r\ndata: {"n": 1}\r\n\r', "\ndata: é\n", "\n: done\n")


def test_event_streams_are_read_event_by_event_as_they_arrive(
    media: ModuleType,
) -> None:
    parts = [p.encode() for p in STREAM]
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=chunks(*parts)
    )
    recorder = Recorder(response)
    client = sync_client(media, recorder)
    with client.events.list_stream() as stream:
        assert recorder.last.headers["accept"] == "text/event-stream"
        assert stream.response.status_code == 200
        events = iter(stream)
        first = next(events)
        assert (first.event, first.id, first.json()) == ("ping", "1", {"n": 1})
        assert not stream.response.is_closed  # the rest has not been read yet
        assert list(events) == [media.ServerSentEvent(data="é", id="1")]
    assert stream.response.is_closed
    assert returns(client.events.list_stream) == "_r.EventStream"
    # Streams have no raw-response form: the stream's .response is the response.
    assert not hasattr(client.events.with_raw_response, "list_stream")


def test_event_streams_on_the_async_client(media: ModuleType) -> None:
    body = AsyncChunks(*(p.encode() for p in STREAM))

    async def run() -> list[Any]:
        recorder = Recorder(
            httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=body
            )
        )
        client = async_client(media, recorder)
        async with await client.events.list_stream() as stream:
            return [(e.event, e.data, e.id) async for e in stream]

    assert asyncio.run(run()) == [("ping", '{"n": 1}', "1"), ("message", "é", "1")]
    assert body.closed


def test_event_stream_errors_come_before_any_event_or_as_connection_errors(
    media: ModuleType,
) -> None:
    missing = httpx.Response(404, json={"errors": [{"detail": "no such stream"}]})
    client = sync_client(media, Recorder(missing))
    with pytest.raises(media.NotFoundError, match="no such stream"):
        client.events.list_stream()
    # Statuses that are retried are retried before the stream starts.
    busy = httpx.Response(503, json={})
    ok = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=b"data: x\n\n"
    )
    recorder = Recorder(busy, ok)
    client = sync_client(media, recorder, max_retries=1)
    client._sleep = lambda delay: None
    assert [e.data for e in client.events.list_stream()] == ["x"]
    assert len(recorder.seen) == 2
    wrong = httpx.Response(200, json={"not": "events"})
    with pytest.raises(media.ResponseDecodeError, match="text/event-stream"):
        sync_client(media, Recorder(wrong)).events.list_stream()
    cut = httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        content=chunks(b"data: 1\n\ndata: 2", broken=True),
    )
    stream = sync_client(media, Recorder(cut)).events.list_stream()
    seen = []
    with pytest.raises(media.APIConnectionError, match="broke off"):
        for event in stream:
            seen.append(event.data)
    assert seen == ["1"] and stream.response.is_closed


def test_json_stays_the_default_beside_another_media_type(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(200, json={"total": 3}))
    client = sync_client(media, recorder)
    usage = client.usage.list()
    assert isinstance(usage, media.models.Usage) and usage.total == 3
    assert recorder.last.headers["accept"] == "application/json"


def test_other_response_media_get_a_method_of_their_own(media: ModuleType) -> None:
    recorder = Recorder(answer(200, b"day,total\n1,3\n", "text/csv; charset=utf-8"))
    client = sync_client(media, recorder)
    assert client.usage.list_csv() == "day,total\n1,3\n"
    assert recorder.last.headers["accept"] == "text/csv"
    assert returns(client.usage.list_csv) == "str"
    # Two audio types: one method for the kind, accepting both, returning the bytes.
    recorder = Recorder(answer(200, b"ID3\x04audio", "audio/mpeg"))
    client = sync_client(media, recorder)
    assert client.speech.create_audio(body={"text": "hi"}) == b"ID3\x04audio"
    assert recorder.last.headers["accept"] == "audio/mpeg, audio/wav"
    assert recorder.last.content == b'{"text":"hi"}'
    assert returns(client.speech.create_audio) == "bytes"
    # The plain method still reads JSON; the audio one refuses what is not audio, and
    # in strict mode a status that documents no audio (202 here).
    client = sync_client(media, Recorder(httpx.Response(200, json={"id": "s1"})))
    assert client.speech.create(body={"text": "hi"}).id == "s1"
    with pytest.raises(media.ResponseDecodeError, match="audio/mpeg, audio/wav"):
        client.speech.create_audio(body={"text": "hi"})
    queued = Recorder(httpx.Response(202, json={"id": "s1"}))
    with pytest.raises(media.ResponseValidationError, match="undocumented status 202"):
        sync_client(media, queued, strict=True).speech.create_audio(body={"text": "x"})
    # Raw responses, as for any method.
    raw = sync_client(
        media, Recorder(answer(200, b"RIFF", "audio/wav"))
    ).speech.with_raw_response.create_audio(body={"text": "x"})
    assert raw.parse() == b"RIFF" and raw.headers["content-type"] == "audio/wav"


def test_async_responses_of_each_kind(media: ModuleType) -> None:
    async def main() -> tuple[str, bytes, bytes]:
        csv = async_client(media, Recorder(answer(200, b"a;b", "text/csv")))
        pdf = async_client(media, Recorder(answer(200, b"%PDF", "application/pdf")))
        star = async_client(media, Recorder(answer(200, b"?", "image/png")))
        return (
            await csv.reports.retrieve("r"),
            await pdf.files.list_content("f"),
            await star.files.list_raw("f"),
        )

    assert asyncio.run(main()) == ("a;b", b"%PDF", b"?")


# -------------------------------------------------------------------------- form bodies


def test_form_bodies_follow_the_openapi_form_defaults(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(200, json={"access_token": "t"}))
    client = sync_client(media, recorder)
    token = client.forms.create(
        body={
            "grant_type": "client_credentials",
            "scopes": ["a b", "c"],  # encoding: style form, explode false
            "audiences": ["x", "y"],  # default: explode, one pair per item
            "remember": True,
            "ttl": 5,
            "ratio": 0.5,
            "owner": {"name": "Zoë & co", "tags": ["t"]},  # exploded object
        }
    )
    assert token.access_token == "t"
    request = recorder.last
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == (
        b"grant_type=client_credentials&scopes=a+b%2Cc&audiences=x&audiences=y"
        b"&remember=true&ttl=5&ratio=0.5&name=Zo%C3%AB+%26+co&tags=%5B%22t%22%5D"
    )
    assert request.headers["accept"] == "application/json"


def test_form_bodies_take_models_and_are_validated_before_io(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(200, json={}))
    client = sync_client(media, recorder)
    client.forms.create(
        body=media.models.TokenForm(grant_type="refresh_token", remember=False)
    )
    assert recorder.last.content == b"grant_type=refresh_token&remember=false"
    with pytest.raises(media.RequestValidationError) as info:
        client.forms.create(body={"grant_type": "password"})
    assert info.value.path == "/grant_type"
    with pytest.raises(media.RequestValidationError):
        client.forms.create(body={"scopes": ["a"]})  # grant_type is required
    assert len(recorder.seen) == 1
    assert "TokenForm" in body_annotation(client.forms.create)


def test_an_operation_with_json_and_form_defaults_to_json(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(200, json={"active": True}))
    client = sync_client(media, recorder)
    client.forms.introspect(body={"token": "abc"})
    assert recorder.last.headers["content-type"] == "application/json"
    assert recorder.last.content == b'{"token":"abc"}'
    client.forms.introspect_form(body={"token": "a/b"})
    assert recorder.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert recorder.last.content == b"token=a%2Fb"
    assert "Sends the request body as application/x-www-form-urlencoded." in (
        client.forms.introspect_form.__doc__
    )


# --------------------------------------------------------------------- multipart bodies


def parts(request: httpx.Request) -> tuple[str, list[tuple[str, bytes]]]:
    """The boundary and the (headers, content) of each part of a multipart request."""
    match = re.fullmatch(
        r"multipart/form-data; boundary=([0-9a-f]+)", request.headers["content-type"]
    )
    assert match, request.headers["content-type"]
    boundary = match.group(1).encode()
    body = request.content
    assert body.startswith(b"--" + boundary + b"\r\n")
    assert body.endswith(b"\r\n--" + boundary + b"--\r\n")
    found = []
    for chunk in body[: -len(b"--\r\n")].split(b"--" + boundary)[1:-1]:
        head, _, content = chunk[2:-2].partition(b"\r\n\r\n")
        found.append((head.decode(), content))
    return boundary.decode(), found


def test_multipart_sends_files_and_text_parts_exactly(
    media: ModuleType, tmp_path: Path
) -> None:
    attachment = tmp_path / "notes.txt"
    attachment.write_bytes(b"from a path")
    recorder = Recorder(httpx.Response(201, json={"id": "u1"}))
    client = sync_client(media, recorder)
    stored = client.files.create(
        body={
            "file": b"%PDF-1.4 \x00\xff",
            "name": "report",
            "tags": ["a", "b"],
            "meta": {"a": 1},
            "count": 3,
            "flag": True,
            "attachments": [
                ("x.bin", io.BytesIO(b"\x01\x02"), "application/x-custom"),
                attachment,
                ("y.png", b"PNG"),
            ],
            "from": 'quote " and\nnewline',
        }
    )
    assert stored.id == "u1"
    boundary, found = parts(recorder.last)
    assert found == [
        (
            'Content-Disposition: form-data; name="file"; filename="upload"\r\n'
            "Content-Type: application/pdf",  # the spec's encoding for `file`
            b"%PDF-1.4 \x00\xff",
        ),
        ('Content-Disposition: form-data; name="name"', b"report"),
        ('Content-Disposition: form-data; name="tags"', b"a"),
        ('Content-Disposition: form-data; name="tags"', b"b"),
        (
            'Content-Disposition: form-data; name="meta"\r\n'
            "Content-Type: application/json",
            b'{"a":1}',
        ),
        ('Content-Disposition: form-data; name="count"', b"3"),
        ('Content-Disposition: form-data; name="flag"', b"true"),
        (
            'Content-Disposition: form-data; name="attachments"; filename="x.bin"\r\n'
            "Content-Type: application/x-custom",
            b"\x01\x02",
        ),
        (
            'Content-Disposition: form-data; name="attachments"; '
            'filename="notes.txt"\r\nContent-Type: text/plain',
            b"from a path",
        ),
        (
            'Content-Disposition: form-data; name="attachments"; filename="y.png"\r\n'
            "Content-Type: image/png",
            b"PNG",
        ),
        ('Content-Disposition: form-data; name="from"', b'quote " and\nnewline'),
    ]
    assert int(recorder.last.headers["content-length"]) == len(recorder.last.content)
    assert len(boundary) >= 16


def test_multipart_is_validated_before_io_with_files_standing_in(
    media: ModuleType,
) -> None:
    recorder = Recorder(httpx.Response(201, json={}))
    client = sync_client(media, recorder)
    with pytest.raises(media.RequestValidationError) as info:
        client.files.create(body={"file": b"x"})  # `name` is required
    assert "name" in info.value.message
    with pytest.raises(media.RequestValidationError) as info:
        client.files.create(body={"file": b"x", "name": ""})
    assert info.value.path == "/name"
    with pytest.raises(media.RequestValidationError) as info:
        client.files.create(body={"name": "n"})  # the file is required too
    with pytest.raises(media.RequestValidationError, match="binary mode"):
        client.files.create(body={"file": io.StringIO("text"), "name": "n"})
    with pytest.raises(media.RequestValidationError, match="expected bytes") as info:
        client.files.create(body={"file": "a str is no file", "name": "n"})
    assert info.value.path == "/file"
    assert recorder.seen == []


def test_multipart_retries_send_the_same_bytes(media: ModuleType) -> None:
    recorder = Recorder(
        httpx.Response(503, json={}), httpx.Response(201, json={"id": "u"})
    )
    client = sync_client(media, recorder, max_retries=1, sleep=lambda _: None)
    handle = io.BytesIO(b"read once")
    stored = client.files.create(body={"file": handle, "name": "n"})
    assert stored.id == "u"
    first, second = recorder.seen
    assert first.content == second.content and b"read once" in second.content


def test_multipart_bodies_of_a_oneof_and_the_json_default(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(204))
    client = sync_client(media, recorder)
    assert (
        client.clones.create(
            body={"samples": [b"s1", ("b.wav", b"s2", "audio/wav")], "provider": "fine"}
        )
        is None
    )
    _, found = parts(recorder.last)
    assert found == [
        (
            'Content-Disposition: form-data; name="samples"; filename="upload"\r\n'
            "Content-Type: application/octet-stream",
            b"s1",
        ),
        (
            'Content-Disposition: form-data; name="samples"; filename="b.wav"\r\n'
            "Content-Type: audio/wav",
            b"s2",
        ),
        ('Content-Disposition: form-data; name="provider"', b"fine"),
    ]
    assert body_annotation(client.clones.create) == "QuickCloneParts | FineCloneParts"
    documents = Recorder(httpx.Response(200, json={"id": "d"}))
    client = sync_client(media, documents)
    client.documents.create(body={"url": "https://x.test/a.pdf"})
    assert documents.last.headers["content-type"] == "application/json"
    client.documents.create_multipart(
        body={"file": ("a.pdf", b"%PDF", "application/pdf"), "customer_reference": "r"}
    )
    _, found = parts(documents.last)
    assert [head.split("; ")[1] for head, _ in found] == [
        'name="file"',
        'name="customer_reference"',
    ]


def test_async_multipart(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(201, json={"id": "a"}))

    async def main() -> Any:
        client = async_client(media, recorder)
        return await client.files.create(body={"file": b"x", "name": "n"})

    assert asyncio.run(main()).id == "a"
    _, found = parts(recorder.last)
    assert [content for _, content in found] == [b"x", b"n"]


# ------------------------------------------------------------------ raw and text bodies


def test_octet_stream_bodies_are_sent_as_they_are(
    media: ModuleType, tmp_path: Path
) -> None:
    recorder = Recorder(httpx.Response(204))
    client = sync_client(media, recorder)
    value = bytes(range(256))
    assert client.kv.update("k", body=value) is None
    assert recorder.last.content == value
    assert recorder.last.headers["content-type"] == "application/octet-stream"
    client.kv.update("k", body=io.BytesIO(b"from a file"))
    assert recorder.last.content == b"from a file"
    path = tmp_path / "value.bin"
    path.write_bytes(b"from a path")
    client.kv.update("k", body=path)
    assert recorder.last.content == b"from a path"
    with pytest.raises(media.RequestValidationError, match="expected bytes"):
        client.kv.update("k", body="text is no bytes")
    assert body_annotation(client.kv.update) == "_r.BinaryContent"


def test_wildcard_bodies_are_bytes_or_json_by_their_schema(media: ModuleType) -> None:
    recorder = Recorder(httpx.Response(204))
    client = sync_client(media, recorder)
    client.blobs.create(body=b"\x00blob")
    assert recorder.last.content == b"\x00blob"
    assert recorder.last.headers["content-type"] == "application/octet-stream"
    client.blobs.create()  # optional: no body, no content type
    assert recorder.last.content == b""
    assert "content-type" not in recorder.last.headers
    reports = Recorder(httpx.Response(200, json={"total": 1}))
    client = sync_client(media, reports)
    client.usage.create(body={"start_date": date(2024, 1, 2)})
    assert reports.last.headers["content-type"] == "application/json"
    assert reports.last.content == b'{"start_date":"2024-01-02"}'


def test_text_bodies_are_sent_as_utf8(media: ModuleType) -> None:
    recorder = Recorder(answer(201, "échoed".encode(), "text/plain; charset=utf-8"))
    client = sync_client(media, recorder)
    assert client.notes.create(body="é note") == "échoed"
    assert recorder.last.content == "é note".encode()
    assert recorder.last.headers["content-type"] == "text/plain; charset=utf-8"
    assert recorder.last.headers["accept"] == "text/plain"


# ---------------------------------------------------------------- the generated source


USAGE = """\
from __future__ import annotations

import io
from pathlib import Path

from media_api import AsyncClient, Client
from media_api.models import Stored, TokenForm, TokenFormGrantType
from media_api.resources.files import CreateUploadRequestParts


def calls(client: Client) -> None:
    csv: str = client.reports.retrieve("r")
    pdf: bytes = client.files.list_content("f")
    anything: bytes = client.files.list_raw("f")
    events: str = client.events.list()
    with client.events.list_stream() as stream:
        for event in stream:
            kind: str = event.event
            data: str = event.data
            last: str | None = event.id
            print(kind, data, last, event.json())
    parts: CreateUploadRequestParts = {
        "file": ("a.pdf", io.BytesIO(b"x"), "application/pdf"),
        "name": "n",
        "attachments": [b"a", Path("b.bin"), ("c", b"c")],
        "from": "me",
    }
    stored: Stored = client.files.create(body=parts)
    client.files.create(body={"file": Path("a.pdf"), "name": "n", "count": 1})
    client.forms.create(
        body=TokenForm(grant_type=TokenFormGrantType.CLIENT_CREDENTIALS)
    )
    client.forms.create(body={"grant_type": "client_credentials"})
    client.kv.update("k", body=b"x")
    client.kv.update("k", body=open("x", "rb"))
    client.blobs.create()
    client.clones.create(body={"samples": [b"s"], "provider": "fine"})
    note: str = client.notes.create(body="n")
    usage_csv: str = client.usage.list_csv()
    audio: bytes = client.speech.create_audio(body={"text": "t"})
    print(usage_csv, audio)
    print(csv, pdf, anything, events, stored, note)


async def async_calls(client: AsyncClient) -> None:
    pdf: bytes = await client.files.list_content("f")
    csv: str = await client.reports.retrieve("r")
    async with await client.events.list_stream() as stream:
        async for event in stream:
            retry: int | None = event.retry
            print(retry)
    print(pdf, csv)
"""

WRONG = """\
from __future__ import annotations

from media_api import Client


def calls(client: Client) -> None:
    text: str = client.files.list_content("f")
    data: bytes = client.reports.retrieve("r")
    client.files.create(body={"file": "not a file", "name": "n"})
    client.files.create(body={"file": b"x"})
    client.kv.update("k", body="not bytes")
    for event in client.events.list_stream():
        number: int = event.data
"""


def mypy(out: Path, source: str, name: str) -> subprocess.CompletedProcess[str]:
    path = out / name
    path.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        + ["--cache-dir", os.devnull, str(out / PACKAGE), str(path)],
        cwd=out,
        env=dict(os.environ, MYPYPATH=str(out)),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_annotations_type_check_both_ways(generated: Generated) -> None:
    good = mypy(generated.out, USAGE, "usage_media.py")
    assert good.returncode == 0, good.stdout + good.stderr
    wrong = mypy(generated.out, WRONG, "wrong_media.py")
    errors = [line for line in wrong.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [
        7,
        8,
        9,
        10,
        11,
        13,
    ], wrong.stdout


def test_resources_modules_are_black_normal(generated: Generated) -> None:
    """The format stage skips black for resources modules (TypedDicts, body encodings
    and Accept headers included): pystyle's layout must be black's, line for line."""
    modules = [p for p in generated.files if p.startswith(f"{PACKAGE}/resources/")]
    assert black_normal(PACKAGE, f"{PACKAGE}/resources/files.py")
    for path in modules:
        laid = lay_out(generated.files[path])
        assert not laid.unsupported, (path, laid.unsupported)
        assert format_python(path, laid.text) == laid.text, path
