"""HTTP runtime of generated clients: requests, auth, retries, raw responses, pages, logging.

Hand-written and spec-independent; copied verbatim into every generated package (beside
``_errors.py``, whose errors it re-exports). Generated resource methods build a
:class:`RequestSpec` and return ``self._client.request(spec, options)`` (or
``request_page``); everything HTTP lives here.

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

import _thread
import contextvars
import copy
import dataclasses
import functools
import json
import os
import random
import re
import sys
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from datetime import timedelta
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Generic,
    Literal,
    ParamSpec,
    Self,
    TypeAlias,
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
    Validator,
    encode_body,
    json_content,
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
    _is_list,
    _omitted,
    _plain,
    _scalar,
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
    make_status_error,
    parse_error_envelope,
    parse_retry_after,
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
    import logging

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


@functools.cache
def _default_timeout() -> httpx.Timeout:
    """Return ``DEFAULT_TIMEOUT`` (one object, created on first use)."""
    import httpx

    return httpx.Timeout(60.0, connect=5.0)


DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
RETRY_COUNT_HEADER: Final = "x-contractgen-retry-count"
_RETRY_STATUSES: Final = frozenset({408, 409, 429})
_SECRET_WORDS: Final = ("key", "token", "secret", "auth", "cookie")
REDACTED: Final = "<redacted>"


Headers: TypeAlias = "Mapping[str, str | None]"
Query: TypeAlias = "Mapping[str, Any]"
Body: TypeAlias = "Mapping[str, Any]"


class _Secret:
    """Holds the API key; its repr and str never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("the API key holder cannot be pickled")


# --------------------------------------------------------------------------- request spec


@dataclasses.dataclass(frozen=True)
class SecurityScheme:
    """How the API key is sent: ``bearer``, or ``header``/``query`` named ``name``.

    ``unsupported`` (HTTP basic, cookies) can never be satisfied with an API key, so
    alternatives using it are skipped.
    """

    kind: Literal["bearer", "header", "query", "unsupported"] = "bearer"
    name: str = ""

    @classmethod
    def from_openapi(
        cls, type_: str, scheme: str = "", location: str = "", param_name: str = ""
    ) -> SecurityScheme:
        """Read an OpenAPI scheme: http bearer, oauth2 and openIdConnect send a bearer
        token; apiKey goes in its header or query parameter."""
        if type_ == "http":
            return cls("bearer") if scheme.lower() == "bearer" else cls("unsupported")
        if type_ in ("oauth2", "openIdConnect"):
            return cls("bearer")
        if type_ == "apiKey" and location in ("header", "query") and param_name:
            return cls(cast(Literal["header", "query"], location), param_name)
        return cls("unsupported")


SchemeSpec: TypeAlias = "SecurityScheme | tuple[str, str, str, str]"


def _scheme(value: SecurityScheme | tuple[str, str, str, str]) -> SecurityScheme:
    return (
        value
        if isinstance(value, SecurityScheme)
        else SecurityScheme.from_openapi(*value)
    )


BEARER: Final = SecurityScheme("bearer")


@dataclasses.dataclass(frozen=True)
class PageSpec:
    """Telnyx page-number pagination: where the items, the meta and the page params are."""

    number_param: str = "page[number]"
    size_param: str = "page[size]"
    data_key: str = "data"
    meta_key: str = "meta"


@dataclasses.dataclass(frozen=True)
class RequestSpec(Generic[T]):
    """Everything a generated method knows about one call, built per call.

    ``path`` is the template (``/room_sessions/{room_session_id}``) filled from
    ``path_params``. ``query``/``headers`` values that are None or NOT_GIVEN are not sent.
    ``json_body`` is plain JSON data (models' ``to_dict()`` results); top-level NOT_GIVEN
    members are dropped. A body of another media type is ``body``, sent as its
    ``body_encoding`` says (``json_body`` is then unused). ``security`` lists alternatives, each a tuple of scheme names that
    must all be applied; ``()`` sends no credentials. ``responses`` maps a documented success
    status (``200``, ``"2XX"``) to the decoder of its JSON body (``None``: no body, the
    call returns None; a :class:`BodyReader`: a text or binary body); ``accept`` is the
    ``Accept`` header; ``validators`` maps statuses to strict-mode validators (callables
    raising an error with ``.path`` and ``.message``); ``body_validator`` checks the request
    body before any I/O, in every mode. ``pagination`` is used by ``request_page``.
    """

    method: str
    path: str
    path_params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    query: Query = dataclasses.field(default_factory=dict)
    query_styles: Mapping[str, QueryStyle] = dataclasses.field(default_factory=dict)
    headers: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    json_body: Any = NOT_GIVEN
    body: Any = NOT_GIVEN
    body_encoding: BodyEncoding | None = None
    accept: str = "application/json"
    security: tuple[tuple[str, ...], ...] = ()
    responses: Mapping[int | str, Callable[[Any], T] | None] = dataclasses.field(
        default_factory=dict
    )
    validators: Mapping[int | str, Validator] = dataclasses.field(default_factory=dict)
    body_validator: Validator | None = None
    pagination: PageSpec | None = None


@dataclasses.dataclass(frozen=True)
class RequestOptions:
    """The keyword-only per-call options every generated method accepts and forwards.

    ``extra_headers`` values of None remove a header; ``extra_query`` replaces parameters
    of the same name; ``extra_body`` is merged into an object body.
    """

    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Body | None = None
    timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN


_NO_OPTIONS: Final = RequestOptions()


# ------------------------------------------------------------------ path, query, headers


def setting(value: str | None, env: str, default: str | None = None) -> str | None:
    """Return a client setting: the argument, else the environment variable, else default."""
    if value is not None:
        return value
    return (os.environ.get(env) if env else None) or default


# An absolute URL that httpx.URL would leave exactly as written: lower-case http(s) scheme
# and host, an optional port, a path of unreserved characters without "." or ".."
# segments, no userinfo, query or fragment. Only such URLs skip the httpx import.
_PLAIN_URL: Final = re.compile(
    r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?"
    r"(?:/(?=[^/]*[A-Za-z0-9_~-])[A-Za-z0-9._~-]+)*/?"
)
_IPV4_STYLE: Final = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV4_OCTET: Final = re.compile(r"0|[1-9][0-9]{0,2}")
_DEFAULT_PORTS: Final = {"http": "80", "https": "443"}


def _is_plain_url(text: str) -> bool:
    """Whether ``str(httpx.URL(text)) == text`` is certain and the URL is absolute http(s)."""
    match = _PLAIN_URL.fullmatch(text) if len(text) <= 2048 else None
    if match is None:
        return False
    scheme, host, port = match.groups()
    if port == _DEFAULT_PORTS[scheme] or "xn--" in host:
        return False  # httpx drops a default port and decodes IDNA labels
    if _IPV4_STYLE.fullmatch(host):  # httpx validates these as IPv4 addresses
        octets = host.split(".")
        return all(_IPV4_OCTET.fullmatch(o) and int(o) <= 255 for o in octets)
    return True


def _parse_base_url(text: str) -> tuple[str, bool]:
    """Return ``text`` normalized as ``httpx.URL`` does, without a trailing slash, and
    whether it is an absolute http(s) URL with a host."""
    if isinstance(text, str) and _is_plain_url(text):
        return text.rstrip("/"), True
    import httpx

    url = httpx.URL(text)
    return str(url).rstrip("/"), url.scheme in ("http", "https") and bool(url.host)


def _check_key(api_key: str | None) -> _Secret | None:
    """Wrap the key; refuse characters no header can carry (httpx would echo the value)."""
    if not api_key:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in api_key):
        raise ValueError("api_key contains whitespace or control characters")
    return _Secret(api_key)


def _merge_pairs(
    pairs: list[tuple[str, str]],
    more: list[tuple[str, str]],
    dropped: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """Later pairs replace every earlier pair of the same name; ``dropped`` names go."""
    if not more and not dropped:
        return pairs
    replaced = {k for k, _ in more} | set(dropped)
    return [(k, v) for k, v in pairs if k not in replaced] + more


def _is_secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    """Return headers for logging: secret-looking ones (key, token, auth...) as <redacted>."""
    return {k: REDACTED if _is_secret_name(k) else v for k, v in headers.items()}


def redact_url(url: httpx.URL | str) -> str:
    """Return a URL for logging with secret-looking query parameters as <redacted>."""
    import httpx

    parsed = httpx.URL(str(url))
    if not parsed.query:
        return str(parsed)
    pairs = [
        (k, REDACTED if _is_secret_name(k) else v)
        for k, v in parsed.params.multi_items()
    ]
    return str(parsed.copy_with(params=pairs))


def user_agent(package: str, version: str) -> str:
    """Return ``<package>/<version> python/<x.y> httpx/<v>``."""
    import httpx

    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{package}/{version} python/{py} httpx/{httpx.__version__}"


# ------------------------------------------------------------------------------ retries


def should_retry_response(response: httpx.Response) -> bool:
    """Retry 408, 409, 429 and >= 500 unless ``x-should-retry`` says otherwise."""
    override = response.headers.get("x-should-retry", "").strip().lower()
    if override == "true":
        return True
    if override == "false":
        return False
    return response.status_code in _RETRY_STATUSES or response.status_code >= 500


def retry_delay(
    retries_taken: int,
    headers: Mapping[str, str] | httpx.Headers | None = None,
    *,
    rand: Callable[[], float] = random.random,
    now: float | None = None,
) -> float:
    """Seconds to wait before retry number ``retries_taken + 1``.

    The server's sane ``retry-after-ms``/``Retry-After``/``x-ratelimit-reset`` wins;
    otherwise ``min(0.5 * 2**retries_taken, 8)`` reduced by up to 25 % jitter.
    """
    asked = parse_retry_after(headers, now=now)
    if asked is not None:
        return asked
    base = min(INITIAL_RETRY_DELAY * 2.0 ** max(retries_taken, 0), MAX_RETRY_DELAY)
    return base * (1.0 - 0.25 * rand())


def _transport_failure(
    exc: httpx.RequestError, request: httpx.Request
) -> tuple[APIError, bool]:
    """Map an httpx error raised before any response to (typed error, retryable)."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return (
            APITimeoutError(
                f"request timed out ({type(exc).__name__})", request=request
            ),
            True,
        )
    retryable = isinstance(
        exc, (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)
    )
    detail = str(exc) or type(exc).__name__
    return APIConnectionError(f"connection error: {detail}", request=request), retryable


def _body_failure(
    exc: httpx.RequestError, response: httpx.Response
) -> tuple[APIError, bool]:
    """Map an httpx error raised while reading a body to (typed error, retryable)."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return (
            APITimeoutError(
                f"timed out reading the response body ({type(exc).__name__})",
                request=response.request,
            ),
            True,
        )
    if isinstance(exc, httpx.DecodingError):
        return (
            ResponseDecodeError(
                f"cannot decode the response body: {exc}",
                response=response,
                body=b"",
                reason="encoding",
            ),
            False,
        )
    if not response.is_success:
        return make_status_error(response, b""), should_retry_response(response)
    return (
        ResponseDecodeError(
            f"truncated response body: {exc}",
            response=response,
            body=b"",
            reason="truncated",
        ),
        True,
    )


# ---------------------------------------------------------------------- responses, pages


class RawResponse(Generic[T]):
    """A successful response before decoding (``with_raw_response``); ``parse()`` decodes."""

    def __init__(
        self,
        *,
        http_response: httpx.Response,
        body: bytes,
        retries_taken: int,
        parser: Callable[[], T],
        elapsed: timedelta = timedelta(0),
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self._elapsed = elapsed
        self._body = body
        self._parser = parser
        self._parsed: tuple[T] | None = None

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return cast("str | None", self.http_response.headers.get("x-request-id"))

    @property
    def elapsed(self) -> timedelta:
        """Time from sending the last attempt to reading its whole body."""
        return self._elapsed

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def content(self) -> bytes:
        return self._body

    @property
    def text(self) -> str:
        return self._body.decode(
            self.http_response.encoding or "utf-8", errors="replace"
        )

    def json(self) -> Any:
        return json.loads(self._body)

    def parse(self) -> T:
        """Decode (and in strict mode validate) the body, once; errors as in a normal call."""
        if self._parsed is None:
            self._parsed = (self._parser(),)
        return self._parsed[0]

    def __repr__(self) -> str:
        return (
            f"<RawResponse [{self.status_code}] {self.method} {redact_url(self.url)}>"
        )


@dataclasses.dataclass(frozen=True)
class PageMeta:
    """Telnyx page meta: ``{"page_number", "page_size", "total_pages", "total_results"}``."""

    page_number: int | None = None
    page_size: int | None = None
    total_pages: int | None = None
    total_results: int | None = None

    @classmethod
    def from_json(cls, raw: Any) -> PageMeta:
        if not isinstance(raw, Mapping):
            return cls()

        def num(key: str) -> int | None:
            value = raw.get(key)
            return (
                value
                if isinstance(value, int) and not isinstance(value, bool)
                else None
            )

        return cls(
            num("page_number"),
            num("page_size"),
            num("total_pages"),
            num("total_results"),
        )


class _BasePage(Generic[I]):
    """One page: ``data`` (decoded items), ``meta``, the raw response and the request."""

    def __init__(
        self,
        *,
        data: list[I],
        meta: PageMeta,
        body: Any,
        http_response: httpx.Response,
        spec: RequestSpec[Any],
        options: RequestOptions,
        item: Callable[[Any], I],
    ) -> None:
        self.data = data
        self.meta = meta
        self.body = body
        self.http_response = http_response
        self._spec = spec
        self._options = options
        self._item = item

    def has_next_page(self) -> bool:
        """True unless the page is empty or ``page_number >= total_pages`` (or unknown)."""
        number, total = self.meta.page_number, self.meta.total_pages
        if not self.data or number is None or total is None:
            return False
        return number < total

    def _advances(self, previous: _BasePage[Any]) -> bool:
        """Whether this page comes after ``previous``: a server that answers the same page
        number again would otherwise make iteration loop forever."""
        number, before = self.meta.page_number, previous.meta.page_number
        return number is not None and before is not None and number > before

    def _next_options(self) -> RequestOptions:
        if not self.has_next_page():
            raise RuntimeError("no next page: check has_next_page() first")
        page = self._spec.pagination or PageSpec()
        assert self.meta.page_number is not None
        extra: dict[str, Any] = dict(self._options.extra_query or {})
        extra[page.number_param] = self.meta.page_number + 1
        sent = dict(self.http_response.request.url.params.multi_items())
        size = sent.get(page.size_param, self.meta.page_size)
        if size is not None:
            extra[page.size_param] = size
        return dataclasses.replace(self._options, extra_query=extra)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.meta} items={len(self.data)}>"


class SyncPage(_BasePage[I]):
    """A page of a sync list call; iterating it walks the items of all following pages."""

    def __init__(self, *, client: SyncAPIClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client = client

    def next_page(self) -> SyncPage[I]:
        """Request the next page (``page[number]`` + 1, same ``page[size]``)."""
        return self._client._page(
            self._spec, self._next_options(), self._item, raw=False
        )

    def iter_pages(self) -> Iterator[SyncPage[I]]:
        """Yield this page and each following one; stop if the server stops advancing."""
        page: SyncPage[I] = self
        yield page
        while page.has_next_page():
            following = page.next_page()
            if not following._advances(page):
                return
            page = following
            yield page

    def __iter__(self) -> Iterator[I]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_BasePage[I]):
    """A page of an async list call; ``async for`` walks the items of all following pages."""

    def __init__(self, *, client: AsyncAPIClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client = client

    async def next_page(self) -> AsyncPage[I]:
        """Request the next page (``page[number]`` + 1, same ``page[size]``)."""
        return await self._client._page(
            self._spec, self._next_options(), self._item, raw=False
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[I]]:
        """Yield this page and each following one; stop if the server stops advancing."""
        page: AsyncPage[I] = self
        yield page
        while page.has_next_page():
            following = await page.next_page()
            if not following._advances(page):
                return
            page = following
            yield page

    async def __aiter__(self) -> AsyncIterator[I]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPager(Generic[I]):
    """What an async list method returns: ``await`` it for the first page, or ``async for``
    over it to walk every item of every page."""

    def __init__(self, fetch: Callable[[], Awaitable[AsyncPage[I]]]) -> None:
        self._fetch = fetch

    def __await__(self) -> Generator[Any, None, AsyncPage[I]]:
        return self._get().__await__()

    async def _get(self) -> AsyncPage[I]:
        return await self._fetch()

    async def __aiter__(self) -> AsyncIterator[I]:
        page = await self._fetch()
        async for item in page:
            yield item


# --------------------------------------------------------------------------- raw wrappers

_RAW_RESPONSE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "contractgen_raw_response", default=False
)


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    """Wrap a generated sync method so it returns ``RawResponse[R]`` instead of ``R``.

    The method must return ``self._client.request(...)``/``request_page(...)`` directly.
    """

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        token = _RAW_RESPONSE.set(True)
        try:
            result: Any = func(*args, **kwargs)
        finally:
            _RAW_RESPONSE.reset(token)
        if not isinstance(result, RawResponse):
            raise TypeError(f"{func.__qualname__} does not support raw responses")
        return cast(RawResponse[R], result)

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[RawResponse[R]]]:
    """Wrap a generated async method (or list method returning AsyncPager) the same way."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        token = _RAW_RESPONSE.set(True)
        try:
            result: Any = await func(*args, **kwargs)
        finally:
            _RAW_RESPONSE.reset(token)
        if not isinstance(result, RawResponse):
            raise TypeError(f"{func.__qualname__} does not support raw responses")
        return cast(RawResponse[R], result)

    return wrapped


class RawResponseProxy:
    """Untyped ``with_raw_response`` view of a client or resource: sub-resources stay
    proxied, methods return RawResponse. Generated code may offer typed classes instead.
    """

    def __init__(self, target: object) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if isinstance(attr, (SyncAPIResource, AsyncAPIResource)):
            return RawResponseProxy(attr)
        if callable(attr) and not name.startswith("_"):
            if isinstance(self._target, (AsyncAPIResource, AsyncAPIClient)):
                return async_to_raw_response_wrapper(attr)
            return to_raw_response_wrapper(attr)
        return attr

    def __repr__(self) -> str:
        return f"RawResponseProxy({self._target!r})"


# ---------------------------------------------------------------------------- the client


def _since(started: float) -> timedelta:
    return timedelta(seconds=time.monotonic() - started)


def _no_raw_stream() -> None:
    # The raw-response wrapper would get an open stream it cannot use: refuse before I/O.
    if _RAW_RESPONSE.get():
        raise TypeError(
            "streaming methods have no raw-response form: the stream's .response is "
            "the httpx.Response"
        )


def _unread(
    exc: httpx.RequestError,
    request: httpx.Request,
    response: httpx.Response,
    started: float,
) -> _Attempt:
    """The attempt whose response headers came but whose body could not be read."""
    error, retryable = _body_failure(exc, response)
    return _Attempt(
        request,
        response,
        error=error,
        cause=exc,
        retryable=retryable,
        elapsed=timedelta(seconds=time.monotonic() - started),
    )


@dataclasses.dataclass(frozen=True)
class _Prepared:
    method: str
    url: str
    params: list[tuple[str, str]]
    headers: httpx.Headers
    content: bytes | None
    timeout: float | httpx.Timeout | None
    max_retries: int


@dataclasses.dataclass
class _Attempt:
    request: httpx.Request
    response: httpx.Response | None = None
    body: bytes = b""
    error: APIError | None = None
    cause: BaseException | None = None
    retryable: bool = False
    elapsed: timedelta = timedelta(0)


def _json_media(content_type: str | None) -> bool:
    if not content_type:
        return True
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _put_header(headers: dict[str, tuple[str, str]], name: str, value: str) -> None:
    """Set a header in a ``_prepare`` table: replaces (and moves last) any same-named one,
    whatever its case, like ``httpx.Headers.update``."""
    key = name.lower()
    headers.pop(key, None)
    headers[key] = (name, value)


def _lookup(table: Mapping[int | str, Any], status: int) -> tuple[bool, Any]:
    for key in (status, str(status), f"{status // 100}XX", f"{status // 100}xx"):
        if key in table:
            return True, table[key]
    return False, None


def _trusting(decoder: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Return the decoder of a payload its validator accepted: a model's ``from_validated``
    for its ``from_dict`` (it checks nothing the validator proved), else ``decoder``."""
    if getattr(decoder, "__name__", "") != "from_dict":
        return decoder
    trusted = getattr(getattr(decoder, "__self__", None), "from_validated", None)
    return decoder if trusted is None else cast(Callable[[Any], Any], trusted)


def _rebind(holder: object, client: object) -> None:
    """Point the resources held by ``holder`` (recursively, as copies) at ``client``."""
    for key, value in list(vars(holder).items()):
        if isinstance(value, (SyncAPIResource, AsyncAPIResource)):
            moved = copy.copy(value)
            moved._client = client  # type: ignore[assignment]
            _rebind(moved, client)
            holder.__dict__[key] = moved


class _LazyHTTP(Generic[H]):
    """The httpx client of a client and of its ``with_options`` copies (which share this
    holder), created on first use: creating one means importing httpx."""

    def __init__(self, create: Callable[[], H], client: H | None = None) -> None:
        self._create = create
        self._client = client
        # threading.Lock, without importing threading (only logging would need it)
        self._lock = _thread.allocate_lock()

    def get(self) -> H:
        """Return the httpx client, creating it on the first call."""
        if self._client is None:
            with self._lock:  # concurrent first requests must not create two clients
                if self._client is None:
                    self._client = self._create()
        return self._client


def _new_sync_http(timeout: float | httpx.Timeout | None | NotGiven) -> httpx.Client:
    """Create the httpx.Client a SyncAPIClient owns."""
    import httpx

    if isinstance(timeout, NotGiven):
        timeout = _default_timeout()
    return httpx.Client(timeout=timeout, follow_redirects=True)


def _new_async_http(
    timeout: float | httpx.Timeout | None | NotGiven,
) -> httpx.AsyncClient:
    """Create the httpx.AsyncClient an AsyncAPIClient owns."""
    import httpx

    if isinstance(timeout, NotGiven):
        timeout = _default_timeout()
    return httpx.AsyncClient(timeout=timeout, follow_redirects=True)


class _BaseClient:
    """State and pure logic shared by the sync and async clients."""

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
        http_timeout: httpx.Timeout | None = None,
    ) -> None:
        if (
            not isinstance(max_retries, int)
            or isinstance(max_retries, bool)
            or max_retries < 0
        ):
            raise ValueError(f"max_retries must be an int >= 0, got {max_retries!r}")
        self.base_url, absolute = _parse_base_url(base_url)
        if not absolute:
            raise ValueError(
                f"base_url must be an absolute http(s) URL, got {base_url!r}"
            )
        self.package = package
        self.version = version
        self._api_key = _check_key(api_key)
        if isinstance(timeout, NotGiven) and http_timeout is not None:
            timeout = http_timeout
        # NOT_GIVEN stands for DEFAULT_TIMEOUT until read: building it imports httpx.
        self._timeout = timeout
        self.max_retries = max_retries
        self.default_headers: dict[str, str] = dict(default_headers or {})
        self.default_query: dict[str, Any] = dict(default_query or {})
        self.security_schemes: dict[str, SecurityScheme] = {
            name: _scheme(value) for name, value in (security_schemes or {}).items()
        }
        self.strict = strict
        self._random: Callable[[], float] = random.random
        self._owns_http_client = True

    @property
    def api_key(self) -> str | None:
        """The API key (never part of repr, errors or logs)."""
        return self._api_key.reveal() if self._api_key else None

    @property
    def timeout(self) -> float | httpx.Timeout | None:
        """The default timeout of every call (``DEFAULT_TIMEOUT`` unless configured)."""
        timeout = self._timeout
        return _default_timeout() if isinstance(timeout, NotGiven) else timeout

    @timeout.setter
    def timeout(self, value: float | httpx.Timeout | None) -> None:
        self._timeout = value

    @functools.cached_property
    def _logger(self) -> logging.Logger:
        import logging  # on first use: logging and what it imports are slow to import

        return logging.getLogger(self.package or __name__)

    @functools.cached_property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every call."""
        # Computed on first use, not in __init__: it names the httpx version.
        return user_agent(self.package, self.version)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def with_options(
        self,
        *,
        api_key: str | None | NotGiven = NOT_GIVEN,
        base_url: str | NotGiven = NOT_GIVEN,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        strict: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """Return a copy with some settings changed, sharing (and never closing) the HTTP
        client; resources are re-created lazily on the copy."""
        clone = copy.copy(self)
        _rebind(clone, clone)
        clone._owns_http_client = False
        if not isinstance(api_key, NotGiven):
            clone._api_key = _check_key(api_key)
        if not isinstance(base_url, NotGiven):
            clone.base_url, _ = _parse_base_url(base_url)
        if not isinstance(timeout, NotGiven):
            clone.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            if max_retries < 0:
                raise ValueError(f"max_retries must be >= 0, got {max_retries!r}")
            clone.max_retries = max_retries
        if not isinstance(default_headers, NotGiven):
            clone.default_headers = {**self.default_headers, **default_headers}
        if not isinstance(strict, NotGiven):
            clone.strict = strict
        return clone

    @property
    def with_raw_response(self) -> Any:
        """``client.with_raw_response.rooms.sessions.retrieve(...)`` -> RawResponse."""
        return RawResponseProxy(self)

    # -- preparing ------------------------------------------------------------------------

    def _auth(
        self, security: tuple[tuple[str, ...], ...]
    ) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Credentials of the first satisfiable non-empty alternative (none without a key).

        Scheme names missing from ``security_schemes`` are sent as bearer tokens.
        """
        if self._api_key is None:
            return {}, []
        key = self._api_key.reveal()
        for alternative in security:
            if not alternative:
                continue
            schemes = [self.security_schemes.get(name, BEARER) for name in alternative]
            if any(scheme.kind == "unsupported" for scheme in schemes):
                continue
            headers: dict[str, str] = {}
            query: list[tuple[str, str]] = []
            for scheme in schemes:
                if scheme.kind == "bearer":
                    headers["Authorization"] = f"Bearer {key}"
                elif scheme.kind == "header":
                    headers[scheme.name] = key
                else:
                    query.append((scheme.name, key))
            return headers, query
        return {}, []

    def _prepare(self, spec: RequestSpec[Any], options: RequestOptions) -> _Prepared:
        """Everything that can fail before I/O: path, query, headers, body."""
        import httpx

        path = render_path(spec.path, spec.path_params)
        if not path.startswith("/"):
            path = "/" + path
        auth_headers, auth_query = self._auth(spec.security)
        extra_query = options.extra_query or {}
        params = serialize_query(self.default_query)
        params = _merge_pairs(params, serialize_query(spec.query, spec.query_styles))
        params = _merge_pairs(params, auth_query)
        params = _merge_pairs(
            params,
            serialize_query(extra_query),
            [k for k, v in extra_query.items() if _omitted(v)],
        )

        # Names are matched case-insensitively and a later value replaces an earlier one;
        # built as a plain dict (lower-case name -> (name, value)) and turned into
        # httpx.Headers once: httpx.Headers.update costs several microseconds per call.
        headers: dict[str, tuple[str, str]] = {
            "accept": ("Accept", spec.accept),
            "user-agent": ("User-Agent", self.user_agent),
        }
        for name, text in auth_headers.items():
            _put_header(headers, name, text)
        for name, text in self.default_headers.items():
            _put_header(headers, name, text)
        for name, value in spec.headers.items():
            value = _plain(value)
            if not _omitted(value):
                _put_header(
                    headers,
                    name,
                    (
                        ",".join(_scalar(v) for v in value)
                        if _is_list(value)
                        else _scalar(value)
                    ),
                )

        content: bytes | None = None
        encoding = spec.body_encoding
        body = spec.json_body if encoding is None else spec.body
        if isinstance(body, Mapping):
            body = {k: v for k, v in body.items() if not isinstance(v, NotGiven)}
        if options.extra_body:
            if isinstance(body, NotGiven):
                body = {}
            if not isinstance(body, dict):
                raise TypeError("extra_body needs an object request body")
            body = {**body, **options.extra_body}
        if not isinstance(body, NotGiven):
            if encoding is None:
                content = json_content(body, spec.body_validator)
                content_type = "application/json"
            else:
                content, content_type = encode_body(body, encoding, spec.body_validator)
            _put_header(headers, "Content-Type", content_type)

        for name, extra in (options.extra_headers or {}).items():
            if extra is None:
                headers.pop(name.lower(), None)
            else:
                _put_header(headers, name, extra)

        timeout = (
            self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        )
        retries = (
            self.max_retries
            if isinstance(options.max_retries, NotGiven)
            else options.max_retries
        )
        if retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {retries!r}")
        return _Prepared(
            spec.method.upper(),
            self.base_url + path,
            params,
            httpx.Headers(list(headers.values())),
            content,
            timeout,
            retries,
        )

    # -- attempts -------------------------------------------------------------------------

    def _headers_for(self, prepared: _Prepared, retries_taken: int) -> httpx.Headers:
        import httpx

        headers = httpx.Headers(prepared.headers)
        if retries_taken:
            headers[RETRY_COUNT_HEADER] = str(retries_taken)
        return headers

    def _next_delay(
        self, attempt: _Attempt, retries_taken: int, max_retries: int
    ) -> float | None:
        """None to stop, else the wait before the next attempt."""
        if attempt.error is not None:
            retryable = attempt.retryable
        else:
            assert attempt.response is not None
            if attempt.response.is_success:
                return None
            retryable = should_retry_response(attempt.response)
        if not retryable or retries_taken >= max_retries:
            return None
        headers = attempt.response.headers if attempt.response is not None else None
        return retry_delay(retries_taken, headers, rand=self._random)

    def _log_request(
        self, request: httpx.Request, retries_taken: int, max_retries: int
    ) -> None:
        import logging

        if self._logger.isEnabledFor(logging.DEBUG):
            self._logger.debug(
                "HTTP request: %s %s (attempt %d of %d) headers=%s",
                request.method,
                redact_url(request.url),
                retries_taken + 1,
                max_retries + 1,
                redact_headers(request.headers),
            )

    def _log_outcome(
        self, attempt: _Attempt, retries_taken: int, delay: float | None
    ) -> None:
        import logging

        if not self._logger.isEnabledFor(logging.DEBUG):
            return
        request = attempt.request
        if attempt.response is not None:
            response = attempt.response
            elapsed = attempt.elapsed.total_seconds()
            what = f"{response.status_code} {response.reason_phrase} in {elapsed:.3f}s"
            request_id = response.headers.get("x-request-id")
            if request_id:
                what += f" request_id={request_id}"
        else:
            what = f"failed: {self._scrub(str(attempt.error))}"
        self._logger.debug(
            "HTTP response: %s %s -> %s (retries taken: %d)",
            request.method,
            redact_url(request.url),
            what,
            retries_taken,
        )
        if delay is not None:
            self._logger.debug(
                "Retrying %s %s in %.2fs (retry %d)",
                request.method,
                redact_url(request.url),
                delay,
                retries_taken + 1,
            )

    def _scrub(self, text: str) -> str:
        key = self.api_key
        return text.replace(key, REDACTED) if key and len(key) >= 4 else text

    def _failure(self, attempt: _Attempt, retries_taken: int) -> APIError | None:
        """The error to raise for a final attempt, or None when it succeeded."""
        error: APIError | None = attempt.error
        if error is None:
            assert attempt.response is not None
            if attempt.response.is_success:
                return None
            error = make_status_error(
                attempt.response, attempt.body, secret=self.api_key
            )
        error.message = self._scrub(error.message)
        error.args = (error.message,)
        error.retries_taken = retries_taken
        return error

    @staticmethod
    def _raw_response(
        done: tuple[_Attempt, int], parse: Callable[[httpx.Response, bytes], T]
    ) -> RawResponse[T]:
        attempt, retries_taken = done
        response, body = attempt.response, attempt.body
        assert response is not None
        return RawResponse(
            http_response=response,
            body=body,
            retries_taken=retries_taken,
            parser=lambda: parse(response, body),
            elapsed=attempt.elapsed,
        )

    # -- decoding -------------------------------------------------------------------------

    def _checked_json(
        self, spec: RequestSpec[Any], response: httpx.Response, body: bytes
    ) -> Any:
        """Parse a 2xx body as JSON and, in strict mode, validate it."""
        data = self._parse_json(response, body)
        if not self.strict:
            return data
        self._refuse_undocumented(spec, response, body)
        _, validator = _lookup(spec.validators, response.status_code)
        if validator is not None:
            try:
                validator(data)
            except Exception as exc:  # the generated validators' ValidationError
                raise ResponseValidationError(
                    str(getattr(exc, "message", exc)),
                    path=str(getattr(exc, "path", "")),
                    response=response,
                    body=body,
                    error=exc,
                ) from exc
        return data

    def _refuse_undocumented(
        self, spec: RequestSpec[Any], response: httpx.Response, body: bytes
    ) -> None:
        """Strict mode: a 2xx status the operation does not document is an error."""
        documented, _ = _lookup(spec.responses, response.status_code)
        if self.strict and not documented and spec.responses:
            raise ResponseValidationError(
                f"undocumented status {response.status_code}",
                path="",
                response=response,
                body=body,
            )

    def _decode(self, spec: RequestSpec[T], response: httpx.Response, body: bytes) -> T:
        """Parse, validate (strict) and decode a 2xx body.

        An undocumented 2xx uses the first documented decoder (strict mode refuses it);
        a documented ``None`` decoder means no body: the call returns None.
        """
        documented, decoder = _lookup(spec.responses, response.status_code)
        if not documented and spec.responses:
            decoder = next(iter(spec.responses.values()))
        if decoder is None and (documented or spec.responses):
            if self.strict and not documented:
                self._checked_json(spec, response, body)
            return cast(T, None)
        if isinstance(decoder, BodyReader):
            # Text or bytes: nothing to parse or validate as JSON.
            self._refuse_undocumented(spec, response, body)
            return cast(T, decoder((response, body)))
        data = self._checked_json(spec, response, body)
        if decoder is None:
            return cast(T, data)
        if self.strict and _lookup(spec.validators, response.status_code)[1]:
            decoder = _trusting(decoder)
        try:
            return cast(T, decoder(data))
        except Exception as exc:
            raise ResponseDecodeError(
                f"cannot decode the response: {exc}",
                response=response,
                body=body,
                reason="decoder",
            ) from exc

    @staticmethod
    def _parse_json(response: httpx.Response, body: bytes) -> Any:
        content_type = response.headers.get("content-type")
        if not _json_media(content_type):
            raise ResponseDecodeError(
                f"expected a JSON response, got content type {content_type!r}",
                response=response,
                body=body,
                reason="content-type",
            )
        if not body or body.isspace():  # no copy of the body, unlike strip()
            raise ResponseDecodeError(
                "expected a JSON response, got an empty body",
                response=response,
                body=body,
                reason="empty",
            )
        try:
            return json.loads(body)
        except ValueError as exc:
            raise ResponseDecodeError(
                f"malformed JSON in the response: {exc}",
                response=response,
                body=body,
                reason="malformed",
            ) from exc

    def _outgoing(
        self,
        http: httpx.Client | httpx.AsyncClient,
        prepared: _Prepared,
        retries_taken: int,
    ) -> httpx.Request:
        """Build (and log) the request of one attempt."""
        request = http.build_request(
            prepared.method,
            prepared.url,
            # None, not (): an empty params argument makes httpx re-parse the URL
            params=tuple(prepared.params) or None,
            headers=self._headers_for(prepared, retries_taken),
            content=prepared.content,
            timeout=prepared.timeout,
        )
        self._log_request(request, retries_taken, prepared.max_retries)
        return request

    def _page_result(
        self,
        done: tuple[_Attempt, int],
        spec: RequestSpec[Any],
        options: RequestOptions,
        item: Callable[[Any], Any],
        make: Callable[..., PG],
        raw: bool,
    ) -> PG:
        """Turn a finished list call into its page (or the RawResponse of it)."""

        def build(response: httpx.Response, body: bytes) -> PG:
            data, meta, parsed = self._page_parts(spec, response, body, item)
            return make(
                data=data,
                meta=meta,
                body=parsed,
                http_response=response,
                spec=spec,
                options=options,
                item=item,
            )

        result = self._raw_response(done, build)
        return cast(PG, result) if raw else result.parse()

    def _page_parts(
        self,
        spec: RequestSpec[Any],
        response: httpx.Response,
        body: bytes,
        item: Callable[[Any], I],
    ) -> tuple[list[I], PageMeta, Any]:
        data = self._checked_json(spec, response, body)
        page = spec.pagination or PageSpec()
        raw_items = data.get(page.data_key) if isinstance(data, Mapping) else None
        if not isinstance(raw_items, list):
            raise ResponseDecodeError(
                f"expected a list at {page.data_key!r} in a page",
                response=response,
                body=body,
                reason="decoder",
            )
        try:
            items = [item(x) for x in raw_items]
        except Exception as exc:
            raise ResponseDecodeError(
                f"cannot decode a page item: {exc}",
                response=response,
                body=body,
                reason="decoder",
            ) from exc
        return items, PageMeta.from_json(data.get(page.meta_key)), data


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


class SyncAPIResource:
    """Base of generated sync resources (``client.rooms.sessions``)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Any:
        return RawResponseProxy(self)


class AsyncAPIResource:
    """Base of generated async resources."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Any:
        return RawResponseProxy(self)
