"""HTTP runtime of generated clients: the sync and async clients, and every runtime name
generated modules use (``_r.<name>``).

Hand-written and spec-independent; copied verbatim into every generated package, with the
modules it draws on and re-exports: ``_requests`` (what a call is, settings, redaction,
retry delays), ``_responses`` (raw responses, pages), ``_base_client`` (what both clients
share: options, request preparation, decoding, errors, logging; resource base classes),
``_errors``, ``_wire``, ``_content`` and ``_events``. Generated resource methods build a
:class:`RequestSpec` and return ``self._client.request(spec, options)`` (or
``request_page``); everything HTTP lives in these modules.

Retry policy
    Connection errors, timeouts, truncated bodies and the statuses 408, 409, 429 and >= 500
    are retried, up to ``max_retries`` times (default 2, so at most 3 attempts). The server
    header ``x-should-retry: true|false`` overrides the status rule. The wait is the one the
    server asks for (``retry-after-ms``, ``Retry-After`` in seconds or as an HTTP date,
    ``x-ratelimit-reset`` in seconds) when it lies in (0, 60] seconds; otherwise exponential
    backoff 0.5 s, 1 s, 2 s, ... capped at 8 s, minus up to 25 % jitter. Retries after the
    first attempt carry ``x-contractgen-retry-count: N``. Like the official Telnyx SDKs,
    non-idempotent methods (POST, PATCH, DELETE) are retried on the same conditions: the
    Telnyx actions are safe to repeat. Opt out per call with ``max_retries=0`` or per client
    with ``Client(max_retries=0)`` / ``client.with_options(max_retries=0)``.

Authentication
    An operation lists security alternatives (``RequestSpec.security``); the first one the
    client can satisfy is applied (bearer: ``Authorization: Bearer <api_key>``). ``()`` means
    the operation needs no auth and no credential is sent. When the API key is missing the
    request is still sent, without credentials, and the server's 401 raises
    :class:`AuthenticationError` - the same error a wrong key gives. An ``Authorization``
    header set by the caller (``default_headers``/``extra_headers``) wins.

Secrets
    The API key is kept in an object whose repr is ``<redacted>``; ``repr(client)`` shows the
    base URL only, error messages are scrubbed of the key, and logged headers whose name
    contains key, token, secret, auth or cookie (and such query parameters) show
    ``<redacted>``.

HTTP client ownership
    A client creates its own ``httpx.Client``/``httpx.AsyncClient`` (on first use) unless
    one is injected with ``http_client=``. ``close()``/``aclose()`` and ``with``/``async
    with`` close only a client it created; an injected client stays open and belongs to the
    caller. Copies made by ``with_options`` share the HTTP client and never close it.

Import cost
    Importing this module and constructing a client import neither httpx nor asyncio
    (together most of the import time of a generated package), nor logging or urllib.parse.
    httpx is imported when the first request is built, when ``DEFAULT_TIMEOUT``,
    ``Timeout``, ``client.timeout`` or ``client.user_agent`` is first read, when a client
    that never sent a request is closed, or for a base URL that is not a plain
    ``http(s)://host[:port][/path]``. Annotations name httpx for type checkers only.

Responses
    ``Accept`` names the documented success media types (``application/json`` for JSON;
    ``extra_headers`` can replace it). A documented JSON 2xx is parsed (content type
    ``application/json`` or ``+json``, or none), validated in strict mode, then decoded;
    other content types, malformed, truncated or empty JSON raise
    :class:`ResponseDecodeError` (``RawResponse.content`` still gives the bytes). A 2xx
    documented as text returns ``str``, as any other media type ``bytes`` (see
    ``_content``); strict mode refuses their undocumented statuses, as for JSON. Any non-2xx
    raises an :class:`APIStatusError` subclass. An operation documenting
    ``text/event-stream`` also has ``<method>_stream``, whose :class:`EventStream` yields
    each event as it arrives (see ``_events``); it is retried like any call until the
    response headers are in, never once events flow.

Request bodies
    See ``_content``: JSON, form-urlencoded, multipart (files: :data:`FileTypes`), raw
    bytes and text, each checked before any I/O.
"""

from __future__ import annotations

import functools
import time
from collections.abc import (
    Awaitable,
    Callable,
    Mapping,
)
from datetime import timedelta
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    ParamSpec,
    Self,
    TypeVar,
    cast,
)

from ._content import (
    BinaryBody,
    BinaryContent,
    BodyEncoding,
    BodyReader,
    EventStreamBody,
    FileContent,
    FileTypes,
    TextBody,
)
from ._events import (
    AsyncEventStream,
    EventStream,
    ServerSentEvent,
    check_event_stream,
)
from ._wire import (
    DEEP_OBJECT,
    FORM,
    FORM_NO_EXPLODE,
    NOT_GIVEN,
    NotGiven,
    QueryStyle,
    render_path,
    serialize_query,
)
from ._errors import (
    MAX_RETRY_AFTER,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    ResponseDecodeError,
    ResponseValidationError,
    UnprocessableEntityError,
    parse_error_envelope,
    parse_retry_after,
)

# Body, Headers and Query are named by generated modules (``_r.Query``).
from ._requests import (
    BEARER,
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_DELAY,
    RETRY_COUNT_HEADER,
    Body as Body,
    Headers as Headers,
    PageSpec,
    Query as Query,
    RequestOptions,
    RequestSpec,
    SchemeSpec,
    SecurityScheme,
    _NO_OPTIONS,
    _default_timeout,
    _transport_failure,
    redact_headers,
    redact_url,
    retry_delay,
    setting,
    should_retry_response,
    user_agent,
)
from ._responses import (
    _RAW_RESPONSE,
    AsyncPage,
    AsyncPager,
    PageMeta,
    RawResponse,
    SyncPage,
    _BasePage,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)
from ._base_client import (
    AsyncAPIResource,
    RawResponseProxy,
    SyncAPIResource,
    _Attempt,
    _BaseClient,
    _LazyHTTP,
    _new_async_http,
    _new_sync_http,
    _no_raw_stream,
    _Prepared,
    _since,
    _unread,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ErrorDetail",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseDecodeError",
    "ResponseValidationError",
    "UnprocessableEntityError",
    "parse_error_envelope",
    "parse_retry_after",
    "Timeout",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "RETRY_COUNT_HEADER",
    "NOT_GIVEN",
    "NotGiven",
    "SecurityScheme",
    "BEARER",
    "QueryStyle",
    "BodyEncoding",
    "FileContent",
    "FileTypes",
    "BinaryContent",
    "BodyReader",
    "TextBody",
    "BinaryBody",
    "EventStreamBody",
    "EventStream",
    "AsyncEventStream",
    "ServerSentEvent",
    "FORM",
    "FORM_NO_EXPLODE",
    "DEEP_OBJECT",
    "PageSpec",
    "PageMeta",
    "RequestSpec",
    "RequestOptions",
    "RawResponse",
    "SyncPage",
    "AsyncPage",
    "AsyncPager",
    "SyncAPIClient",
    "AsyncAPIClient",
    "SyncAPIResource",
    "AsyncAPIResource",
    "RawResponseProxy",
    "to_raw_response_wrapper",
    "async_to_raw_response_wrapper",
    "render_path",
    "serialize_query",
    "should_retry_response",
    "retry_delay",
    "redact_headers",
    "redact_url",
    "user_agent",
    "setting",
]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - the item type of a page
R = TypeVar("R")
P = ParamSpec("P")
PG = TypeVar("PG", bound="_BasePage[Any]")
H = TypeVar("H")

if TYPE_CHECKING:
    import httpx

    Timeout = httpx.Timeout
    DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=5.0)
else:

    def __getattr__(name: str) -> Any:
        # The httpx-valued constants are built on first use: importing httpx at module
        # import would double the import time of every generated package.
        if name == "DEFAULT_TIMEOUT":
            return _default_timeout()
        if name == "Timeout":
            import httpx

            return httpx.Timeout
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SyncAPIClient(_BaseClient):
    """Base of a generated sync client. Subclasses pass ``package``/``version`` and create
    their resources; see the module docstring for retries, auth and ownership."""

    def __init__(
        self,
        *,
        package: str,
        version: str,
        base_url: str,
        api_key: str | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        security_schemes: Mapping[str, SchemeSpec] | None = None,
        strict: bool = False,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            package=package,
            version=version,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            security_schemes=security_schemes,
            strict=strict,
            http_timeout=http_client.timeout if http_client is not None else None,
        )
        self._owns_http_client = http_client is None
        self._lazy_http = _LazyHTTP(
            functools.partial(_new_sync_http, self._timeout), http_client
        )
        self._sleep = sleep or time.sleep

    @property
    def _http(self) -> httpx.Client:
        return self._lazy_http.get()

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http_client:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _attempt(
        self, prepared: _Prepared, retries_taken: int, stream: bool = False
    ) -> _Attempt:
        import httpx

        request = self._outgoing(self._http, prepared, retries_taken)
        started = time.monotonic()
        try:
            response = self._http.send(request, stream=True)
        except httpx.RequestError as exc:
            error, retryable = _transport_failure(exc, request)
            return _Attempt(request, error=error, cause=exc, retryable=retryable)
        if stream and response.is_success:  # the caller reads the body as it arrives
            return _Attempt(request, response, elapsed=_since(started))
        try:
            body = response.read()
        except httpx.RequestError as exc:
            return _unread(exc, request, response, started)
        finally:
            response.close()
        elapsed = timedelta(seconds=time.monotonic() - started)
        return _Attempt(request, response, body, elapsed=elapsed)

    def _send(self, prepared: _Prepared, stream: bool = False) -> tuple[_Attempt, int]:
        retries_taken = 0
        while True:
            attempt = self._attempt(prepared, retries_taken, stream)
            delay = self._next_delay(attempt, retries_taken, prepared.max_retries)
            self._log_outcome(attempt, retries_taken, delay)
            if delay is None:
                break
            self._sleep(delay)
            retries_taken += 1
        error = self._failure(attempt, retries_taken)
        if error is not None:
            raise error from attempt.cause
        return attempt, retries_taken

    def request(self, spec: RequestSpec[T], options: RequestOptions | None = None) -> T:
        """Send one call with retries and return its decoded body (a RawResponse when
        called through ``with_raw_response``)."""
        raw = _RAW_RESPONSE.get()
        done = self._send(self._prepare(spec, options or _NO_OPTIONS))
        result = self._raw_response(
            done, lambda response, body: self._decode(spec, response, body)
        )
        return cast(T, result) if raw else result.parse()

    def request_stream(
        self, spec: RequestSpec[Any], options: RequestOptions | None = None
    ) -> EventStream:
        """Send one call with retries and return its events as they arrive, once the
        response headers are in (a non-2xx response raises, as for ``request``)."""
        _no_raw_stream()
        attempt, _ = self._send(self._prepare(spec, options or _NO_OPTIONS), True)
        assert attempt.response is not None
        check_event_stream(attempt.response)
        return EventStream(attempt.response)

    def request_raw(
        self, spec: RequestSpec[T], options: RequestOptions | None = None
    ) -> RawResponse[T]:
        """Send one call and return the undecoded RawResponse (non-2xx still raises)."""
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], self.request(spec, options))
        finally:
            _RAW_RESPONSE.reset(token)

    def request_page(
        self,
        spec: RequestSpec[Any],
        item: Callable[[Any], I],
        options: RequestOptions | None = None,
    ) -> SyncPage[I]:
        """Send a list call; the SyncPage walks the following pages on iteration."""
        return self._page(spec, options or _NO_OPTIONS, item, raw=_RAW_RESPONSE.get())

    def _page(
        self,
        spec: RequestSpec[Any],
        options: RequestOptions,
        item: Callable[[Any], I],
        *,
        raw: bool,
    ) -> SyncPage[I]:
        done = self._send(self._prepare(spec, options))

        return self._page_result(
            done,
            spec,
            options,
            item,
            lambda **parts: SyncPage(client=self, **parts),
            raw,
        )


class AsyncAPIClient(_BaseClient):
    """Base of a generated async client; same behaviour as :class:`SyncAPIClient`."""

    def __init__(
        self,
        *,
        package: str,
        version: str,
        base_url: str,
        api_key: str | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        security_schemes: Mapping[str, SchemeSpec] | None = None,
        strict: bool = False,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(
            package=package,
            version=version,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            security_schemes=security_schemes,
            strict=strict,
            http_timeout=http_client.timeout if http_client is not None else None,
        )
        self._owns_http_client = http_client is None
        self._lazy_http = _LazyHTTP(
            functools.partial(_new_async_http, self._timeout), http_client
        )
        if sleep is None:
            import asyncio  # here, not at module level: asyncio is slow to import

            sleep = asyncio.sleep
        self._sleep = sleep

    @property
    def _http(self) -> httpx.AsyncClient:
        return self._lazy_http.get()

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http_client:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _attempt(
        self, prepared: _Prepared, retries_taken: int, stream: bool = False
    ) -> _Attempt:
        import httpx

        request = self._outgoing(self._http, prepared, retries_taken)
        started = time.monotonic()
        try:
            response = await self._http.send(request, stream=True)
        except httpx.RequestError as exc:
            error, retryable = _transport_failure(exc, request)
            return _Attempt(request, error=error, cause=exc, retryable=retryable)
        if stream and response.is_success:  # the caller reads the body as it arrives
            return _Attempt(request, response, elapsed=_since(started))
        try:
            body = await response.aread()
        except httpx.RequestError as exc:
            return _unread(exc, request, response, started)
        finally:
            await response.aclose()
        elapsed = timedelta(seconds=time.monotonic() - started)
        return _Attempt(request, response, body, elapsed=elapsed)

    async def _send(
        self, prepared: _Prepared, stream: bool = False
    ) -> tuple[_Attempt, int]:
        retries_taken = 0
        while True:
            attempt = await self._attempt(prepared, retries_taken, stream)
            delay = self._next_delay(attempt, retries_taken, prepared.max_retries)
            self._log_outcome(attempt, retries_taken, delay)
            if delay is None:
                break
            await self._sleep(delay)
            retries_taken += 1
        error = self._failure(attempt, retries_taken)
        if error is not None:
            raise error from attempt.cause
        return attempt, retries_taken

    async def request(
        self, spec: RequestSpec[T], options: RequestOptions | None = None
    ) -> T:
        """Send one call with retries and return its decoded body (a RawResponse when
        awaited through ``with_raw_response``)."""
        raw = _RAW_RESPONSE.get()
        done = await self._send(self._prepare(spec, options or _NO_OPTIONS))
        result = self._raw_response(
            done, lambda response, body: self._decode(spec, response, body)
        )
        return cast(T, result) if raw else result.parse()

    async def request_stream(
        self, spec: RequestSpec[Any], options: RequestOptions | None = None
    ) -> AsyncEventStream:
        """Send one call with retries and return its events as they arrive, once the
        response headers are in (a non-2xx response raises, as for ``request``)."""
        _no_raw_stream()
        prepared = self._prepare(spec, options or _NO_OPTIONS)
        attempt, _ = await self._send(prepared, True)
        assert attempt.response is not None
        check_event_stream(attempt.response)
        return AsyncEventStream(attempt.response)

    async def request_raw(
        self, spec: RequestSpec[T], options: RequestOptions | None = None
    ) -> RawResponse[T]:
        """Send one call and return the undecoded RawResponse (non-2xx still raises)."""
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], await self.request(spec, options))
        finally:
            _RAW_RESPONSE.reset(token)

    def request_page(
        self,
        spec: RequestSpec[Any],
        item: Callable[[Any], I],
        options: RequestOptions | None = None,
    ) -> AsyncPager[I]:
        """Start a list call: ``await`` the result for the first page or ``async for`` it."""
        opts = options or _NO_OPTIONS
        self._prepare(spec, opts)  # fail fast on bad parameters, before any await

        async def fetch() -> AsyncPage[I]:
            return await self._page(spec, opts, item, raw=_RAW_RESPONSE.get())

        return AsyncPager(fetch)

    async def _page(
        self,
        spec: RequestSpec[Any],
        options: RequestOptions,
        item: Callable[[Any], I],
        *,
        raw: bool,
    ) -> AsyncPage[I]:
        done = await self._send(self._prepare(spec, options))

        return self._page_result(
            done,
            spec,
            options,
            item,
            lambda **parts: AsyncPage(client=self, **parts),
            raw,
        )
