"""Unit tests of the HTTP runtime: paths, queries, retries, secrets, pages, raw responses."""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from generator.runtime import _runtime as rt

KEY = "KEY-unit-abcdefghijklmnop"


def make_client(
    handler: Any, *, strict: bool = False, **kwargs: Any
) -> rt.SyncAPIClient:
    kwargs.setdefault("api_key", KEY)
    return rt.SyncAPIClient(
        package="unitpkg",
        version="9.9.9",
        base_url="https://api.example.test/v2/",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        strict=strict,
        sleep=lambda _: None,
        **kwargs,
    )


def make_async_client(handler: Any, **kwargs: Any) -> rt.AsyncAPIClient:
    kwargs.setdefault("api_key", KEY)

    async def no_sleep(_: float) -> None:
        return None

    return rt.AsyncAPIClient(
        package="unitpkg",
        version="9.9.9",
        base_url="https://api.example.test/v2",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        sleep=no_sleep,
        **kwargs,
    )


def ok(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


# ------------------------------------------------------------------------------ paths


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("a?b#c", "a%3Fb%23c"),
        ("%2F", "%252F"),
        ("sp ace", "sp%20ace"),
        (12, "12"),
        (True, "true"),
        ("...", "..."),
    ],
)
def test_path_values_are_percent_encoded(value: Any, encoded: str) -> None:
    assert rt.render_path("/rooms/{id}/x", {"id": value}) == f"/rooms/{encoded}/x"


@pytest.mark.parametrize("value", ["", ".", "..", None, rt.NOT_GIVEN])
def test_path_values_that_would_change_the_path_are_rejected(value: Any) -> None:
    with pytest.raises(ValueError, match="`room_session_id`"):
        rt.render_path("/room_sessions/{room_session_id}", {"room_session_id": value})


def test_path_parameters_must_match_the_template() -> None:
    with pytest.raises(ValueError, match="missing path parameter `id`"):
        rt.render_path("/rooms/{id}", {})
    with pytest.raises(ValueError, match="unknown path parameters"):
        rt.render_path("/rooms", {"id": "x"})


def test_encoded_path_reaches_the_server_unnormalised() -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return ok({"data": {}})

    with make_client(handler) as client:
        client.request(
            rt.RequestSpec(
                method="GET",
                path="/room_sessions/{id}",
                path_params={"id": "../../admin"},
            )
        )
        with pytest.raises(ValueError):
            client.request(
                rt.RequestSpec(method="GET", path="/r/{id}", path_params={"id": ""})
            )
    assert seen == [b"/v2/room_sessions/..%2F..%2Fadmin"]


# ------------------------------------------------------------------------------ query


class Color(enum.Enum):
    RED = "red"


@dataclass
class DateFilter:
    gte: date | None = None
    lte: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"gte": self.gte, "lte": self.lte}


def test_query_deep_object_booleans_dates_and_none() -> None:
    pairs = rt.serialize_query(
        {
            "filter": {
                "date_created_at": {"gte": date(2021, 4, 25), "lte": None},
                "active": True,
                "room_id": None,
            },
            "include_participants": False,
            "since": datetime(2021, 4, 16, 9, 46, 20, tzinfo=timezone.utc),
            "local": datetime(
                2021, 4, 16, 9, 46, 20, tzinfo=timezone(timedelta(hours=2))
            ),
            "color": Color.RED,
            "omitted": None,
            "not_given": rt.NOT_GIVEN,
            "page[size]": 20,
        },
        {"filter": rt.DEEP_OBJECT},
    )
    assert pairs == [
        ("filter[date_created_at][gte]", "2021-04-25"),
        ("filter[active]", "true"),
        ("include_participants", "false"),
        ("since", "2021-04-16T09:46:20Z"),
        ("local", "2021-04-16T09:46:20+02:00"),
        ("color", "red"),
        ("page[size]", "20"),
    ]


def test_query_models_with_to_dict_and_lists() -> None:
    pairs = rt.serialize_query(
        {
            "filter": {"date_created_at": DateFilter(gte=date(2021, 4, 25))},
            "ids": ["a", None, "b"],
            "tags": ["x", "y"],
            "pipes": [1, 2],
            "flat": {"a": 1, "b": None},
        },
        {
            "tags": rt.FORM_NO_EXPLODE,
            "pipes": rt.QueryStyle("pipeDelimited"),
            "flat": rt.FORM,
        },
    )
    assert pairs == [
        ("filter[date_created_at][gte]", "2021-04-25"),
        ("ids", "a"),
        ("ids", "b"),
        ("tags", "x,y"),
        ("pipes", "1|2"),
        ("a", "1"),
    ]


def test_query_on_the_wire_with_extra_query_overrides() -> None:
    seen: list[list[tuple[str, str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params.multi_items())
        return ok({})

    with make_client(handler, default_query={"tenant": "t1"}) as client:
        client.request(
            rt.RequestSpec(
                method="GET",
                path="/room_sessions",
                query={
                    "filter": {"date_created_at": {"gte": date(2021, 4, 25)}},
                    "page[number]": 1,
                    "include": None,
                },
            ),
            rt.RequestOptions(
                extra_query={"page[number]": 7, "tenant": None, "x": True}
            ),
        )
    assert seen == [
        [
            ("filter[date_created_at][gte]", "2021-04-25"),
            ("page[number]", "7"),
            ("x", "true"),
        ]
    ]


# ------------------------------------------------------------------------- retries


def test_backoff_schedule_bounds() -> None:
    expected = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    for retries, ceiling in enumerate(expected):
        high = rt.retry_delay(retries, rand=lambda: 0.0)
        low = rt.retry_delay(retries, rand=lambda: 0.9999999)
        assert high == ceiling
        assert ceiling * 0.75 <= low < ceiling
        assert ceiling * 0.75 <= rt.retry_delay(retries) <= ceiling


def test_retry_after_header_parsing() -> None:
    now = 1_700_000_000.0
    date_header = format_datetime(
        datetime.fromtimestamp(now + 10, tz=timezone.utc), usegmt=True
    )
    assert rt.parse_retry_after({"Retry-After": "3"}, now=now) == 3.0
    assert rt.parse_retry_after({"retry-after": "1.5"}, now=now) == 1.5
    assert rt.parse_retry_after({"Retry-After": date_header}, now=now) == pytest.approx(
        10
    )
    assert rt.parse_retry_after({"retry-after-ms": "1500"}, now=now) == 1.5
    assert rt.parse_retry_after({"x-ratelimit-reset": "7"}, now=now) == 7.0
    assert rt.parse_retry_after({"x-ratelimit-reset": str(now + 5)}, now=now) == 5.0
    # retry-after-ms wins over Retry-After
    both = {"retry-after-ms": "250", "Retry-After": "30"}
    assert rt.parse_retry_after(both, now=now) == 0.25
    # absent or not sane -> None, and the delay falls back to backoff
    for insane in (
        {},
        {"Retry-After": "3600"},
        {"Retry-After": "-1"},
        {"Retry-After": "0"},
        {"Retry-After": "soon"},
        {"Retry-After": "nan"},
        {"x-ratelimit-reset": str(now - 5)},
    ):
        assert rt.parse_retry_after(insane, now=now) is None, insane
        assert rt.retry_delay(0, insane, rand=lambda: 0.0, now=now) == 0.5
    assert rt.retry_delay(3, {"Retry-After": "2"}, now=now) == 2.0


@pytest.mark.parametrize(
    ("status", "headers", "retry"),
    [
        (408, {}, True),
        (409, {}, True),
        (429, {}, True),
        (500, {}, True),
        (503, {}, True),
        (400, {}, False),
        (404, {}, False),
        (418, {}, False),
        (503, {"x-should-retry": "false"}, False),
        (400, {"x-should-retry": "true"}, True),
    ],
)
def test_should_retry_response(
    status: int, headers: dict[str, str], retry: bool
) -> None:
    assert rt.should_retry_response(httpx.Response(status, headers=headers)) is retry


# -------------------------------------------------------------------- auth and headers


def test_security_and_headers() -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return ok({})

    secured = rt.RequestSpec[Any](method="GET", path="/a", security=(("bearerAuth",),))
    anonymous = rt.RequestSpec[Any](method="GET", path="/a", security=())
    with make_client(handler, default_headers={"X-Tenant": "t"}) as client:
        client.request(secured)
        client.request(anonymous)
        client.request(
            secured, rt.RequestOptions(extra_headers={"Authorization": None})
        )
        client.request(secured, rt.RequestOptions(extra_headers={"X-Extra": "1"}))
    with make_client(handler, api_key=None) as client:
        client.request(secured)
    auth = [h.get("authorization") for h in seen]
    assert auth == [f"Bearer {KEY}", None, None, f"Bearer {KEY}", None]
    assert seen[3]["x-extra"] == "1"
    assert all(h["x-tenant"] == "t" for h in seen[:4])
    assert seen[0]["user-agent"].startswith("unitpkg/9.9.9 python/3.")
    assert f"httpx/{httpx.__version__}" in seen[0]["user-agent"]
    assert seen[0]["accept"] == "application/json"


def test_header_and_query_api_key_schemes() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok({})

    schemes = {
        "hdr": rt.SecurityScheme("header", "X-Api-Key"),
        "qry": rt.SecurityScheme("query", "api_key"),
    }
    with make_client(handler, security_schemes=schemes) as client:
        client.request(
            rt.RequestSpec[Any](method="GET", path="/a", security=(("hdr",),))
        )
        client.request(
            rt.RequestSpec[Any](method="GET", path="/a", security=(("qry",),))
        )
    assert seen[0].headers["x-api-key"] == KEY
    assert "authorization" not in seen[0].headers
    assert seen[1].url.params["api_key"] == KEY


# ------------------------------------------------------------------------- secrets


def test_key_never_in_repr_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # a hostile server echoing the credential back in its error
        echoed = request.headers.get("authorization") or request.url.params["token"]
        return httpx.Response(
            401, json={"errors": [{"title": "bad key", "detail": f"got {echoed}"}]}
        )

    caplog.set_level(logging.DEBUG, logger="unitpkg")
    client = make_client(
        handler, security_schemes={"q": rt.SecurityScheme("query", "token")}
    )
    assert KEY not in repr(client)
    assert repr(client) == "SyncAPIClient(base_url='https://api.example.test/v2')"
    assert KEY not in repr(vars(client))
    assert client.api_key == KEY
    with pytest.raises(TypeError):
        pickle.dumps(client._api_key)
    with pytest.raises(rt.AuthenticationError) as caught:
        client.request(rt.RequestSpec[Any](method="GET", path="/a", security=(("b",),)))
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)
    assert "<redacted>" in str(caught.value)
    with pytest.raises(rt.AuthenticationError):
        client.request(rt.RequestSpec[Any](method="GET", path="/a", security=(("q",),)))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP request: GET https://api.example.test/v2/a" in logged
    assert "401" in logged
    assert "'authorization': '<redacted>'" in logged
    assert "token=%3Credacted%3E" in logged or "token=<redacted>" in logged
    assert KEY not in logged


def test_redact_headers_by_name() -> None:
    headers = {
        "Authorization": "Bearer x",
        "X-Api-Key": "k",
        "X-Auth-Token": "t",
        "Cookie": "c",
        "X-Client-Secret": "s",
        "Accept": "application/json",
    }
    assert rt.redact_headers(headers) == {
        "Authorization": "<redacted>",
        "X-Api-Key": "<redacted>",
        "X-Auth-Token": "<redacted>",
        "Cookie": "<redacted>",
        "X-Client-Secret": "<redacted>",
        "Accept": "application/json",
    }


def test_retries_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return ok({}, 503) if len(calls) == 1 else ok({})

    caplog.set_level(logging.DEBUG, logger="unitpkg")
    with make_client(handler) as client:
        client.request(rt.RequestSpec[Any](method="GET", path="/a"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "503" in logged and "Retrying GET" in logged
    assert "attempt 2 of 3" in logged


# ---------------------------------------------------------------------- responses


def test_raw_response_fields() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"data": {"id": "s1"}}, 200, {"x-request-id": "req-raw"})

    with make_client(handler) as client:
        raw = client.request_raw(
            rt.RequestSpec(
                method="GET", path="/a", responses={200: lambda d: d["data"]}
            )
        )
    assert raw.status_code == 200
    assert raw.request_id == "req-raw"
    assert raw.headers["content-type"] == "application/json"
    assert isinstance(raw.elapsed, timedelta)
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.retries_taken == 0
    assert raw.json() == {"data": {"id": "s1"}}
    assert raw.parse() == {"id": "s1"}
    assert raw.parse() is raw.parse()
    assert raw.method == "GET" and str(raw.url) == "https://api.example.test/v2/a"


class Sessions(rt.SyncAPIResource):
    def retrieve(
        self, session_id: str, *, timeout: Any = rt.NOT_GIVEN
    ) -> dict[str, Any]:
        return self._client.request(
            rt.RequestSpec(
                method="GET",
                path="/room_sessions/{id}",
                path_params={"id": session_id},
                responses={200: lambda d: dict(d["data"])},
            ),
            rt.RequestOptions(timeout=timeout),
        )


class Rooms(rt.SyncAPIResource):
    def __init__(self, client: rt.SyncAPIClient) -> None:
        super().__init__(client)
        self.sessions = Sessions(client)


class Client(rt.SyncAPIClient):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(package="unitpkg", version="1", **kwargs)
        self.rooms = Rooms(self)


def test_with_raw_response_mechanisms_and_with_options() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"data": {"id": request.url.path.rsplit("/", 1)[1]}})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = Client(base_url="https://h.test", api_key=KEY, http_client=http)
    assert client.rooms.sessions.retrieve("s1") == {"id": "s1"}
    raw = client.with_raw_response.rooms.sessions.retrieve("s2")
    assert isinstance(raw, rt.RawResponse) and raw.parse() == {"id": "s2"}
    raw = client.rooms.sessions.with_raw_response.retrieve("s3")
    assert raw.parse() == {"id": "s3"}
    typed = rt.to_raw_response_wrapper(client.rooms.sessions.retrieve)("s4")
    assert typed.status_code == 200 and typed.parse() == {"id": "s4"}
    # the raw flag does not leak into later calls
    assert client.rooms.sessions.retrieve("s5") == {"id": "s5"}

    other = client.with_options(max_retries=0, timeout=3.0)
    assert other.max_retries == 0 and client.max_retries == 2
    assert other.rooms.sessions._client is other
    assert client.rooms.sessions._client is client
    other.close()
    client.close()
    assert not http.is_closed  # injected: the caller owns it
    http.close()
    own = Client(base_url="https://h.test")
    own.close()
    assert own._http.is_closed


def test_no_content_and_undocumented_success() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(204)
        return ok({"data": 1}, 201)

    with make_client(handler) as client:
        assert (
            client.request(
                rt.RequestSpec(method="DELETE", path="/a", responses={204: None})
            )
            is None
        )
        spec = rt.RequestSpec(
            method="POST", path="/a", responses={200: lambda d: d["data"]}
        )
        assert client.request(spec) == 1
    with make_client(handler, strict=True) as client:
        with pytest.raises(rt.ResponseValidationError, match="undocumented status 201"):
            client.request(spec)


class FakeValidationError(ValueError):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def validate_session(data: Any) -> None:
    if not isinstance(data["data"].get("active"), bool):
        raise FakeValidationError("is not of type 'boolean'", "/data/active")


def test_strict_mode_validates_responses_and_request_bodies() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return ok({"data": {"active": "no"}})

    spec = rt.RequestSpec(
        method="GET",
        path="/a",
        responses={200: lambda d: d["data"]},
        validators={200: validate_session},
    )
    with make_client(handler) as lenient:
        assert lenient.request(spec) == {"active": "no"}
    with make_client(handler, strict=True) as strict:
        with pytest.raises(rt.ResponseValidationError) as caught:
            strict.request(spec)
        assert caught.value.path == "/data/active"
        assert caught.value.message == "is not of type 'boolean'"
        assert caught.value.response.status_code == 200
        assert isinstance(caught.value.error, FakeValidationError)

        before = len(sent)
        post = rt.RequestSpec[Any](
            method="POST",
            path="/a",
            json_body={"data": {"active": "no"}},
            body_validator=validate_session,
        )
        with pytest.raises(rt.RequestValidationError) as refused:
            strict.request(post)
        assert refused.value.path == "/data/active"
        assert len(sent) == before  # no I/O


def test_error_envelope_parsing() -> None:
    assert rt.parse_error_envelope(
        {"errors": [{"code": 10005, "title": "t"}, "junk"]}
    ) == (
        rt.ErrorDetail(code="10005", title="t"),
    )
    assert rt.parse_error_envelope({"code": "1", "detail": "d"}) == (
        rt.ErrorDetail(code="1", detail="d"),
    )
    assert rt.parse_error_envelope("nope") == ()
    assert rt.parse_error_envelope({"data": {}}) == ()
    detail = rt.parse_error_envelope({"errors": [{"source": {"pointer": "/x"}}]})[0]
    assert detail.source == {"pointer": "/x"}
    with pytest.raises(Exception):
        detail.code = "x"  # type: ignore[misc]


# ------------------------------------------------------------------------ pagination

ITEMS = [{"id": f"s{i}"} for i in range(1, 8)]  # 7 items, page size 3 -> 3 pages


def pages_handler(
    seen: list[httpx.Request],
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        number = int(request.url.params.get("page[number]", "1"))
        size = int(request.url.params.get("page[size]", "3"))
        chunk = ITEMS[(number - 1) * size : number * size]
        meta = {
            "page_number": number,
            "page_size": size,
            "total_pages": 3,
            "total_results": len(ITEMS),
        }
        return ok({"data": chunk, "meta": meta})

    return handler


LIST_SPEC = rt.RequestSpec[Any](
    method="GET",
    path="/room_sessions",
    query={"page[size]": 3, "filter": {"active": True}},
    pagination=rt.PageSpec(),
)


def test_sync_pagination_walks_three_pages() -> None:
    seen: list[httpx.Request] = []
    with make_client(pages_handler(seen)) as client:
        page = client.request_page(LIST_SPEC, item=lambda d: d["id"])
        assert page.data == ["s1", "s2", "s3"]
        assert page.meta == rt.PageMeta(1, 3, 3, 7)
        assert page.has_next_page()
        assert page.http_response.status_code == 200
        assert list(page) == [i["id"] for i in ITEMS]
        last = list(page.iter_pages())[-1]
        assert last.meta.page_number == 3 and not last.has_next_page()
        with pytest.raises(RuntimeError):
            last.next_page()
    numbers = [r.url.params.get("page[number]") for r in seen[:3]]
    assert numbers == [None, "2", "3"]
    assert all(r.url.params["page[size]"] == "3" for r in seen)
    assert all(r.url.params["filter[active]"] == "true" for r in seen)


def test_pagination_stops_on_an_empty_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"data": [], "meta": {"page_number": 1, "total_pages": 5}})

    with make_client(handler) as client:
        page = client.request_page(LIST_SPEC, item=lambda d: d)
        assert not page.has_next_page()
        assert list(page) == []


def test_pagination_stops_when_the_server_repeats_a_page() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        # A server (or mock) that always answers "page 2 of 3" whatever is asked.
        return ok({"data": [{"id": "x"}], "meta": {"page_number": 2, "total_pages": 3}})

    with make_client(handler) as client:
        assert list(client.request_page(LIST_SPEC, item=lambda d: d["id"])) == ["x"]

    async def run() -> list[str]:
        async with make_async_client(handler) as client:
            return [
                x async for x in client.request_page(LIST_SPEC, item=lambda d: d["id"])
            ]

    assert asyncio.run(run()) == ["x"]
    assert [r.url.params.get("page[number]") for r in seen] == [None, "3"] * 2


def test_async_pagination_walks_three_pages() -> None:
    seen: list[httpx.Request] = []

    async def run() -> tuple[list[str], rt.AsyncPage[str], Any]:
        async with make_async_client(pages_handler(seen)) as client:
            walked = [
                x async for x in client.request_page(LIST_SPEC, item=lambda d: d["id"])
            ]
            first = await client.request_page(LIST_SPEC, item=lambda d: d["id"])
            second = await first.next_page()
            raw = await rt.async_to_raw_response_wrapper(
                lambda: client.request_page(LIST_SPEC, item=lambda d: d["id"])
            )()
            return walked, second, raw

    walked, second, raw = asyncio.run(run())
    assert walked == [i["id"] for i in ITEMS]
    assert second.data == ["s4", "s5", "s6"]
    assert isinstance(raw, rt.RawResponse)
    assert raw.parse().data == ["s1", "s2", "s3"]
    assert [r.url.params.get("page[number]") for r in seen[:3]] == [None, "2", "3"]


def test_async_request_and_raw() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"data": {"id": "a"}}, headers={"x-request-id": "r1"})

    spec = rt.RequestSpec(method="GET", path="/a", responses={200: lambda d: d["data"]})

    async def run() -> tuple[Any, rt.RawResponse[Any]]:
        async with make_async_client(handler) as client:
            return await client.request(spec), await client.request_raw(spec)

    parsed, raw = asyncio.run(run())
    assert parsed == {"id": "a"}
    assert raw.request_id == "r1" and raw.parse() == {"id": "a"}


def test_client_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        rt.SyncAPIClient(package="p", version="1", base_url="https://h", max_retries=-1)
    with pytest.raises(ValueError, match="base_url"):
        rt.SyncAPIClient(package="p", version="1", base_url="ftp://h")
    client = rt.SyncAPIClient(package="p", version="1", base_url="https://h")
    assert client.timeout == rt.DEFAULT_TIMEOUT
    assert client.max_retries == rt.DEFAULT_MAX_RETRIES == 2
    client.close()


def test_json_body_encodes_models_dates_enums_and_refuses_junk() -> None:
    sent: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return ok({})

    body = {
        "when": date(2021, 4, 25),
        "color": Color.RED,
        "range": DateFilter(gte=date(2021, 1, 1)),
        "gone": rt.NOT_GIVEN,
        "null": None,
    }
    with make_client(handler) as client:
        client.request(
            rt.RequestSpec[Any](method="POST", path="/a", json_body=body),
            rt.RequestOptions(extra_body={"extra": 1}),
        )
        with pytest.raises(rt.RequestValidationError):
            client.request(
                rt.RequestSpec[Any](method="POST", path="/a", json_body={"x": object()})
            )
        with pytest.raises(rt.RequestValidationError):
            client.request(
                rt.RequestSpec[Any](
                    method="POST", path="/a", json_body={"x": float("nan")}
                )
            )
    assert [json.loads(b) for b in sent] == [
        {
            "when": "2021-04-25",
            "color": "red",
            "range": {"gte": "2021-01-01", "lte": None},
            "null": None,
            "extra": 1,
        }
    ]


def test_api_key_with_control_characters_is_refused_without_echo() -> None:
    with pytest.raises(ValueError) as caught:
        rt.SyncAPIClient(
            package="p", version="1", base_url="https://h", api_key="abc\r\nX-Evil: 1"
        )
    assert "abc" not in str(caught.value)


class AsyncSessions(rt.AsyncAPIResource):
    async def retrieve(self, session_id: str) -> Any:
        return await self._client.request(
            rt.RequestSpec(
                method="GET",
                path="/room_sessions/{id}",
                path_params={"id": session_id},
                responses={200: lambda d: d["data"]},
            )
        )

    def list(self) -> rt.AsyncPager[str]:
        return self._client.request_page(LIST_SPEC, item=lambda d: d["id"])


def test_async_with_raw_response_proxy() -> None:
    seen: list[httpx.Request] = []
    pages = pages_handler(seen)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/room_sessions"):
            return pages(request)
        return ok({"data": {"id": "s9"}}, headers={"x-request-id": "r9"})

    async def run() -> tuple[Any, Any, Any]:
        async with make_async_client(handler) as client:
            sessions = AsyncSessions(client)
            raw = await sessions.with_raw_response.retrieve("s9")
            raw_page = await sessions.with_raw_response.list()
            plain = await sessions.retrieve("s9")
            return raw, raw_page, plain

    raw, raw_page, plain = asyncio.run(run())
    assert isinstance(raw, rt.RawResponse) and raw.request_id == "r9"
    assert raw.parse() == {"id": "s9"} == plain
    assert isinstance(raw_page, rt.RawResponse)
    assert raw_page.parse().data == ["s1", "s2", "s3"]


def test_openapi_scheme_tuples_and_unsupported_alternatives() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok({})

    schemes: dict[str, Any] = {
        "bearerAuth": ("http", "bearer", "", ""),
        "basic": ("http", "basic", "", ""),
        "apiHeader": ("apiKey", "", "header", "X-Api-Key"),
        "cookie": ("apiKey", "", "cookie", "sid"),
    }
    with make_client(handler, security_schemes=schemes) as client:
        assert client.security_schemes["apiHeader"] == rt.SecurityScheme(
            "header", "X-Api-Key"
        )
        # basic and cookie cannot carry an API key: the next alternative is used
        client.request(
            rt.RequestSpec[Any](
                method="GET",
                path="/a",
                security=(("basic",), ("cookie",), ("bearerAuth",)),
            )
        )
        client.request(
            rt.RequestSpec[Any](method="GET", path="/a", security=(("basic",),))
        )
        client.request(
            rt.RequestSpec[Any](
                method="GET", path="/a", security=(("bearerAuth", "apiHeader"),)
            )
        )
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"
    assert "authorization" not in seen[1].headers
    assert seen[2].headers["authorization"] == f"Bearer {KEY}"
    assert seen[2].headers["x-api-key"] == KEY
