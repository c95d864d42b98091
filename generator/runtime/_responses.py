"""Responses of generated clients: `RawResponse` (``with_raw_response``), pages and their
iteration, and the wrappers that make a method return its raw response.

Hand-written and spec-independent; copied verbatim into every generated package. The
client in ``_runtime`` re-exports these names.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import json
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, cast

from ._requests import PageSpec, RequestOptions, RequestSpec, redact_url

if TYPE_CHECKING:
    import httpx

    from ._runtime import AsyncAPIClient, SyncAPIClient

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - the item type of a page
R = TypeVar("R")
P = ParamSpec("P")


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
