"""The runtime's server-sent events decoder (``_events``) against the WHATWG event stream
rules, fed whole and in every possible split into network reads."""

from __future__ import annotations

import pytest

from generator.runtime._events import EventDecoder, ServerSentEvent

E = ServerSentEvent


def whole(data: bytes) -> list[ServerSentEvent]:
    decoder = EventDecoder()
    return decoder.feed(data) + decoder.end()


def chunked(data: bytes, cuts: list[int]) -> list[ServerSentEvent]:
    decoder = EventDecoder()
    events: list[ServerSentEvent] = []
    for start, stop in zip([0, *cuts], [*cuts, len(data)]):
        events += decoder.feed(data[start:stop])
    return events + decoder.end()


CASES: list[tuple[bytes, list[ServerSentEvent]]] = [
    (b"data: hello\n\n", [E(data="hello")]),
    # Data lines are joined with LF; one space after the colon is dropped, not two.
    (b"data: a\ndata:  b\ndata:c\n\n", [E(data="a\n b\nc")]),
    (b"event: ping\ndata: {}\n\n", [E(event="ping", data="{}")]),
    # The event type does not carry over to the next event.
    (b"event: a\ndata: 1\n\ndata: 2\n\n", [E("a", "1"), E(data="2")]),
    # Comments and unknown fields are ignored; a field without a colon has empty value.
    (b": keep-alive\nfoo: bar\ndata\n\n", [E(data="")]),
    (b"data:\n\n", [E(data="")]),
    # No data: nothing is dispatched, and the event type is reset.
    (b"event: lonely\n\ndata: x\n\n", [E(data="x")]),
    (b"\n\n\n", []),
    # CRLF and lone CR end lines too.
    (b"data: a\r\n\r\ndata: b\r\rdata: c\n\n", [E(data="a"), E(data="b"), E(data="c")]),
    # The ID persists across events; an ID holding NUL is ignored; an empty ID clears it.
    (
        b"id: 7\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n",
        [
            E(data="a", id="7"),
            E(data="b", id="7"),
            E(data="c", id="7"),
            E(data="d", id=""),
        ],
    ),
    # retry: ASCII digits only, else ignored; it persists like the ID.
    (
        b"retry: 1500\ndata: a\n\nretry: 2s\ndata: b\n\nretry: \xd9\xa3\ndata: c\n\n",
        [E(data="a", retry=1500), E(data="b", retry=1500), E(data="c", retry=1500)],
    ),
    # A BOM at the start is dropped (only there); the field name is case-sensitive.
    (b"\xef\xbb\xbfdata: a\n\nData: b\n\n", [E(data="a")]),
    (b"data: \xef\xbb\xbfa\n\n", [E(data="\ufeffa")]),
    # UTF-8 throughout, invalid bytes replaced.
    ("data: é 🐍\n\n".encode(), [E(data="é 🐍")]),
    (b"data: \xff\n\n", [E(data="\ufffd")]),
    # An event cut off by the end of the stream is never dispatched.
    (b"data: a\n\ndata: b\n", [E(data="a")]),
    (b"data: a\n\ndata: b", [E(data="a")]),
    # Spaces around the colon other than the single one after it are kept.
    (b"data :x\n\nevent:  y\ndata: z \n\n", [E(event=" y", data="z ")]),
]


@pytest.mark.parametrize("data,expected", CASES)
def test_whole_stream(data: bytes, expected: list[ServerSentEvent]) -> None:
    assert whole(data) == expected


@pytest.mark.parametrize("data,expected", CASES)
def test_every_split_into_two_or_three_reads_gives_the_same_events(
    data: bytes, expected: list[ServerSentEvent]
) -> None:
    # Every cut, including inside CRLF, a BOM or a multi-byte character.
    for i in range(len(data) + 1):
        assert chunked(data, [i]) == expected, (data, i)
        for j in range(i, len(data) + 1):
            assert chunked(data, [i, j]) == expected, (data, i, j)


def test_byte_by_byte() -> None:
    data = "\ufeffid: 1\r\nevent: é\r\ndata: x\r\n\r\ndata: y\r\r".encode()
    assert chunked(data, list(range(1, len(data)))) == [
        E("é", "x", "1"),
        E(data="y", id="1"),
    ]


def test_a_cr_then_an_empty_read_then_lf_is_still_one_line_end() -> None:
    decoder = EventDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"") == []
    assert decoder.feed(b"\xc3") == []  # half of a character: no text yet
    assert decoder.feed(b"\xa9\n") == []  # "é" then LF: not a blank line after the CR
    assert decoder.feed(b"\n") == [E(data="a")]
    assert decoder.end() == []


def test_events_come_as_soon_as_their_blank_line_arrives() -> None:
    decoder = EventDecoder()
    assert decoder.feed(b"data: 1\n") == []
    assert decoder.feed(b"\ndata: 2") == [E(data="1")]
    assert decoder.feed(b"\n\n") == [E(data="2")]


def test_json_data() -> None:
    assert E(data='{"n": [1, 2]}').json() == {"n": [1, 2]}
    with pytest.raises(ValueError):
        E(data="not json").json()
