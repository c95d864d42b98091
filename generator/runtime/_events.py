"""Server-sent events: ``text/event-stream`` responses read event by event as they arrive.

Hand-written and spec-independent; copied verbatim into every generated package. An
operation documenting a ``text/event-stream`` success response gets a ``<method>_stream``
method returning an :class:`EventStream` (:class:`AsyncEventStream` on the async client):
iterate it for :class:`ServerSentEvent` values, and close it (``with``, ``close()``, or by
iterating to the end) to release the connection.

The decoder follows the WHATWG HTML "event stream interpretation": lines end with CRLF, LF
or CR (also when split across network reads); a leading BOM is dropped; ``:`` starts a
comment; one space after the field's colon is removed; ``data`` lines are joined with LF;
an event is dispatched at a blank line, never with empty data; ``id`` persists across
events and is ignored when it holds NUL; ``retry`` is kept only when all ASCII digits; an
event cut off by the end of the stream is discarded.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import APIConnectionError, ResponseDecodeError

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncEventStream", "EventDecoder", "EventStream", "ServerSentEvent"]


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event: its type (``message`` unless named), data, the last event ID
    seen so far on the stream, and the reconnection time the server last asked for."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        """Return the data parsed as JSON (``json.JSONDecodeError`` when it is not)."""
        return json.loads(self.data)


class EventDecoder:
    """Turn the bytes of an event stream, in chunks of any size, into events."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")("replace")
        self._started = False
        self._partial = ""  # an unterminated line
        self._after_cr = False  # the last chunk ended in CR: a leading LF is its pair
        self._data: list[str] = []
        self._has_data = False
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Return the events a chunk completes."""
        return self._lines(self._text.decode(chunk))

    def end(self) -> list[ServerSentEvent]:
        """Finish the stream: what follows the last blank line is discarded, per the spec."""
        events = self._lines(self._text.decode(b"", final=True))
        self._partial = ""
        self._data, self._has_data, self._event = [], False, ""
        return events

    def _lines(self, text: str) -> list[ServerSentEvent]:
        if not text:  # e.g. half of a multi-byte character: nothing to go on yet
            return []
        if not self._started:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        self._after_cr = text.endswith("\r")
        # splitlines also ends lines at \v, \f, \x1c.. \u2029: only CR and LF count here.
        pieces = (self._partial + text).replace("\r\n", "\n").replace("\r", "\n")
        *complete, self._partial = pieces.split("\n")
        events: list[ServerSentEvent] = []
        for line in complete:
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
            self._has_data = True
        elif field == "event":
            self._event = value
        elif field == "id":
            if "\0" not in value:
                self._last_id = value
        elif field == "retry":
            if value and value.isascii() and value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, has_data, event = self._data, self._has_data, self._event
        self._data, self._has_data, self._event = [], False, ""
        if not has_data:
            return None
        return ServerSentEvent(
            event or "message", "\n".join(data), self._last_id, self._retry
        )


def check_event_stream(response: httpx.Response) -> None:
    """Refuse a success response that is not an event stream (before reading any of it)."""
    content_type = response.headers.get("content-type")
    if content_type is None:
        return
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime != "text/event-stream":
        response.close()
        raise ResponseDecodeError(
            f"expected an event stream (text/event-stream), got content type "
            f"{content_type!r}",
            response=response,
            body=b"",
            reason="content-type",
        )


def _cut(exc: Exception, response: httpx.Response) -> APIConnectionError:
    return APIConnectionError(
        f"the event stream broke off: {type(exc).__name__}: {exc}",
        request=response.request,
    )


class EventStream:
    """The events of one response, read as they arrive; iterate it once.

    ``response`` is the ``httpx.Response`` (status, headers); its body is the stream.
    A connection lost mid-stream raises :class:`APIConnectionError`: events already
    yielded stay valid, and it is not retried (the server may have acted on the request).
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __iter__(self) -> Iterator[ServerSentEvent]:
        import httpx

        decoder = EventDecoder()
        try:
            try:
                for chunk in self.response.iter_bytes():
                    yield from decoder.feed(chunk)
            except httpx.RequestError as exc:
                raise _cut(exc, self.response) from exc
            yield from decoder.end()
        finally:
            self.response.close()

    def close(self) -> None:
        """Release the connection (events not yet read are dropped)."""
        self.response.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<EventStream {self.response.status_code}>"


class AsyncEventStream:
    """The async form of :class:`EventStream`: ``async for`` and ``async with``."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    async def __aiter__(self) -> AsyncIterator[ServerSentEvent]:
        import httpx

        decoder = EventDecoder()
        try:
            try:
                async for chunk in self.response.aiter_bytes():
                    for event in decoder.feed(chunk):
                        yield event
            except httpx.RequestError as exc:
                raise _cut(exc, self.response) from exc
            for event in decoder.end():
                yield event
        finally:
            await self.response.aclose()

    async def aclose(self) -> None:
        """Release the connection (events not yet read are dropped)."""
        await self.response.aclose()

    async def __aenter__(self) -> AsyncEventStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncEventStream {self.response.status_code}>"
