"""Requests of generated clients: what one call is (`RequestSpec`, `RequestOptions`,
security schemes), client settings, URL and header helpers, redaction for logs, and when
and how long to wait before a retry.

Hand-written and spec-independent; copied verbatim into every generated package. The
client in ``_runtime`` re-exports what it needs of this module.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import random
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeAlias, TypeVar, cast

from ._content import BodyEncoding, Validator
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ResponseDecodeError,
    make_status_error,
    parse_retry_after,
)
from ._wire import NOT_GIVEN, NotGiven, QueryStyle

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


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
