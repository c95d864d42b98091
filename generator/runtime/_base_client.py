"""What the sync and async clients of generated packages share: `_BaseClient` (state,
options, request preparation, decoding, errors, logging), the resource base classes and the
untyped raw-response view.

Hand-written and spec-independent; copied verbatim into every generated package. The
clients themselves are in ``_runtime``, which re-exports these names.
"""

from __future__ import annotations

import _thread
import copy
import dataclasses
import functools
import json
import random
import time
from collections.abc import (
    Callable,
    Mapping,
)
from datetime import timedelta
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Self,
    TypeVar,
    cast,
)

from ._content import (
    BodyReader,
    encode_body,
    json_content,
)
from ._wire import (
    NOT_GIVEN,
    NotGiven,
    _is_list,
    _omitted,
    _plain,
    _scalar,
    render_path,
    serialize_query,
)
from ._errors import (
    APIError,
    ResponseDecodeError,
    ResponseValidationError,
    make_status_error,
)

from ._requests import (
    BEARER,
    DEFAULT_MAX_RETRIES,
    REDACTED,
    RETRY_COUNT_HEADER,
    PageSpec,
    RequestOptions,
    RequestSpec,
    SchemeSpec,
    SecurityScheme,
    _body_failure,
    _check_key,
    _default_timeout,
    _merge_pairs,
    _parse_base_url,
    _scheme,
    redact_headers,
    redact_url,
    retry_delay,
    should_retry_response,
    user_agent,
)
from ._responses import (
    _RAW_RESPONSE,
    _BasePage,
    PageMeta,
    RawResponse,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - the item type of a page
PG = TypeVar("PG", bound="_BasePage[Any]")
H = TypeVar("H")

if TYPE_CHECKING:
    import logging

    import httpx

    from ._runtime import AsyncAPIClient, SyncAPIClient


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
            from ._runtime import AsyncAPIClient  # loaded: it imports this module

            if isinstance(self._target, (AsyncAPIResource, AsyncAPIClient)):
                return async_to_raw_response_wrapper(attr)
            return to_raw_response_wrapper(attr)
        return attr

    def __repr__(self) -> str:
        return f"RawResponseProxy({self._target!r})"


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
