"""Typed errors of generated clients, and the Telnyx error envelope they carry.

Hand-written and spec-independent; copied verbatim into every generated package.

Every failure of a call is an :class:`APIError`; nothing returns ``None`` for an error::

    APIError
    +-- APIConnectionError          no usable response (refused, reset, DNS, TLS, ...)
    |   +-- APITimeoutError         connect/read/write/pool timeout
    +-- APIStatusError              any non-2xx response (undocumented statuses included)
    |   +-- BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
    |   |   NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
    |   |   RateLimitError 429, InternalServerError >= 500
    +-- ResponseDecodeError         a 2xx whose body is not what was documented
    +-- ResponseValidationError     strict mode: a 2xx body that breaks the schema
    +-- RequestValidationError      strict mode: a request body refused before any I/O

No error subclasses an httpx type, so importing this module does not import httpx (which
costs more than the rest of a generated package's import); httpx is named in annotations
for type checkers only.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "ResponseDecodeError",
    "ResponseValidationError",
    "RequestValidationError",
    "ErrorDetail",
    "parse_error_envelope",
    "parse_retry_after",
    "make_status_error",
    "MAX_RETRY_AFTER",
]

MAX_RETRY_AFTER = 60.0
"""Server-requested waits longer than this (seconds) are ignored in favour of backoff."""

_EPOCH_THRESHOLD = 1e9  # an x-ratelimit-reset this large is a Unix time, not a delta


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of the Telnyx error envelope ``{"errors": [{code, title, detail, ...}]}``."""

    code: str | None = None
    title: str | None = None
    detail: str | None = None
    source: Mapping[str, Any] | None = None
    meta: Mapping[str, Any] | None = None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ErrorDetail:
        """Read one error object; wrong-typed members become None instead of failing."""
        code = raw.get("code")
        if isinstance(code, bool) or not isinstance(code, (str, int)):
            code = None
        return cls(
            code=None if code is None else str(code),
            title=_str_or_none(raw.get("title")),
            detail=_str_or_none(raw.get("detail")),
            source=_frozen_mapping(raw.get("source")),
            meta=_frozen_mapping(raw.get("meta")),
        )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _frozen_mapping(value: Any) -> Mapping[str, Any] | None:
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else None


def parse_error_envelope(data: Any) -> tuple[ErrorDetail, ...]:
    """Parse ``{"errors": [...]}`` or a bare ``{"code", "title", "detail"}``; else ``()``."""
    if not isinstance(data, Mapping):
        return ()
    errors = data.get("errors")
    if isinstance(errors, list):
        return tuple(ErrorDetail.from_json(e) for e in errors if isinstance(e, Mapping))
    if isinstance(errors, Mapping):
        return (ErrorDetail.from_json(errors),)
    if any(k in data for k in ("code", "title", "detail")):
        return (ErrorDetail.from_json(data),)
    return ()


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return None


def parse_retry_after(
    headers: Mapping[str, str] | httpx.Headers | None, *, now: float | None = None
) -> float | None:
    """Return the wait (seconds) a response asks for, or None when absent or not sane.

    Looks at ``retry-after-ms``, then ``Retry-After`` (seconds or an HTTP date), then
    ``x-ratelimit-reset`` (seconds; a Unix time when larger than 1e9). The first header
    present decides; a value that is not in ``(0, MAX_RETRY_AFTER]`` gives None.
    """
    if headers is None:
        return None
    import httpx

    found = httpx.Headers(headers)
    current = time.time() if now is None else now
    value: float | None = None
    if "retry-after-ms" in found:
        value = _float(found["retry-after-ms"])
        value = None if value is None else value / 1000.0
    elif "retry-after" in found:
        text = found["retry-after"].strip()
        value = _float(text)
        if value is None:
            value = _http_date(text, current)
    elif "x-ratelimit-reset" in found:
        value = _float(found["x-ratelimit-reset"])
        if value is not None and value > _EPOCH_THRESHOLD:
            value -= current
    if value is None or not 0 < value <= MAX_RETRY_AFTER:
        return None
    return value


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _http_date(text: str, now: float) -> float | None:
    import email.utils  # rarely needed, and it imports much of the email package

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - now


class APIError(Exception):
    """Base of every error a generated client raises."""

    message: str
    request: httpx.Request | None
    retries_taken: int

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.retries_taken = 0


class APIConnectionError(APIError):
    """No usable response: connection refused or reset, DNS, TLS, protocol errors."""

    def __init__(
        self, message: str = "connection error", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    def __init__(
        self,
        message: str = "request timed out",
        *,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, request=request)


class _ResponseError(APIError):
    """Shared fields of errors raised once a response arrived."""

    response: httpx.Response
    body: bytes

    def __init__(self, message: str, *, response: httpx.Response, body: bytes) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.body = body

    @property
    def status_code(self) -> int:
        """The HTTP status of the response."""
        return self.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header: quote it to support."""
        return cast("str | None", self.response.headers.get("x-request-id"))

    @property
    def text(self) -> str:
        """The raw body as text (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


class APIStatusError(_ResponseError):
    """A non-2xx response; ``errors`` holds the parsed Telnyx error envelope."""

    errors: tuple[ErrorDetail, ...]

    def __init__(self, message: str, *, response: httpx.Response, body: bytes) -> None:
        super().__init__(message, response=response, body=body)
        self.errors = parse_error_envelope(_json_or_none(body))

    @property
    def json_body(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        return _json_or_none(self.body)

    @property
    def retry_after(self) -> float | None:
        """The wait (seconds) the server asked for, when present and sane."""
        return parse_retry_after(self.response.headers)


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: missing or wrong API key."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422: the server refused the parameters or body."""


class RateLimitError(APIStatusError):
    """429: see ``retry_after``."""


class InternalServerError(APIStatusError):
    """Any status >= 500."""


_STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(
    response: httpx.Response, body: bytes, *, secret: str | None = None
) -> APIStatusError:
    """Build the typed error for a non-2xx response; ``secret`` is scrubbed from the message."""
    status = response.status_code
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    errors = parse_error_envelope(_json_or_none(body))
    head = f"{status} {response.reason_phrase}".strip()
    if errors:
        first = errors[0]
        said = ": ".join(p for p in (first.title, first.detail) if p) or "error"
        if first.code:
            said += f" (code {first.code})"
        if len(errors) > 1:
            said += f" (+{len(errors) - 1} more)"
    else:
        said = body[:300].decode("utf-8", errors="replace").strip()
    message = f"{head} - {said}" if said else head
    request_id = response.headers.get("x-request-id")
    if request_id:
        message += f" [request_id={request_id}]"
    if secret and len(secret) >= 4:
        message = message.replace(secret, "<redacted>")
    return cls(message, response=response, body=body)


class ResponseDecodeError(_ResponseError):
    """A 2xx whose body cannot be used: malformed or truncated JSON, a content type of
    another kind than documented (JSON where a PDF was documented, say), text that does
    not decode in its charset.

    ``reason`` is one of ``"malformed"``, ``"content-type"``, ``"empty"``, ``"truncated"``,
    ``"encoding"`` or ``"decoder"`` (the model decoder refused the JSON).
    """

    reason: str

    def __init__(
        self, message: str, *, response: httpx.Response, body: bytes, reason: str
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.reason = reason


class ResponseValidationError(_ResponseError):
    """Strict mode: a 2xx body that does not match its schema at ``path`` (a JSON pointer)."""

    path: str
    error: BaseException | None

    def __init__(
        self,
        message: str,
        *,
        path: str,
        response: httpx.Response,
        body: bytes,
        error: BaseException | None = None,
    ) -> None:
        where = path or "/"
        super().__init__(
            f"response does not match the schema at {where}: {message}",
            response=response,
            body=body,
        )
        self.message = message
        self.path = path
        self.error = error


class RequestValidationError(APIError):
    """Strict mode: the request body was refused before any I/O; wraps the validator error."""

    path: str
    error: BaseException | None

    def __init__(
        self, message: str, *, path: str = "", error: BaseException | None = None
    ) -> None:
        super().__init__(f"request body is invalid at {path or '/'}: {message}")
        self.message = message
        self.path = path
        self.error = error
