"""Fault injection against a loopback server: every test runs the sync and the async client."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from generator.runtime import _runtime as rt
from tests.runtime.loopback import Conn, LoopbackServer

KEY = "KEY-fault-0123456789"
OK_BODY = json.dumps({"data": {"id": "s1"}})
ENVELOPE = {
    "errors": [
        {
            "code": "10005",
            "title": "Resource not found",
            "detail": "The requested resource or URL could not be found.",
            "source": {"pointer": "/room_session_id"},
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10005"},
        }
    ]
}


def spec(method: str = "GET", **kwargs: Any) -> rt.RequestSpec[Any]:
    return rt.RequestSpec(
        method=method,
        path="/room_sessions/{id}",
        path_params={"id": "s1"},
        security=(("bearerAuth",),),
        responses={200: lambda d: d["data"]},
        **kwargs,
    )


class Runner:
    """Runs one call with a fresh sync or async client; records the waits it asked for."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.delays: list[float] = []
        self.real_sleep = False

    def _sync_sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.real_sleep:
            time.sleep(seconds)

    async def _async_sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.real_sleep:
            await asyncio.sleep(seconds)

    def call(
        self,
        url: str,
        request: rt.RequestSpec[Any] | None = None,
        options: rt.RequestOptions | None = None,
        *,
        raw: bool = False,
        **client: Any,
    ) -> Any:
        request = request or spec()
        client.setdefault("api_key", KEY)
        client.setdefault("timeout", 5.0)
        if self.mode == "sync":
            with rt.SyncAPIClient(
                package="faults",
                version="0.0.1",
                base_url=url,
                sleep=self._sync_sleep,
                **client,
            ) as sync_client:
                if raw:
                    return sync_client.request_raw(request, options)
                return sync_client.request(request, options)

        async def run() -> Any:
            async with rt.AsyncAPIClient(
                package="faults",
                version="0.0.1",
                base_url=url,
                sleep=self._async_sleep,
                **client,
            ) as async_client:
                if raw:
                    return await async_client.request_raw(request, options)
                return await async_client.request(request, options)

        return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def runner(request: pytest.FixtureRequest) -> Runner:
    return Runner(request.param)


def serve(handler: Callable[[Conn], None]) -> LoopbackServer:
    return LoopbackServer(handler)


def test_429_retry_after_waits_and_retries(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        if conn.attempt == 1:
            conn.respond(429, json.dumps(ENVELOPE), headers={"Retry-After": "1"})
        else:
            conn.respond(200, OK_BODY)

    runner.real_sleep = True
    with serve(handler) as server:
        started = time.monotonic()
        assert runner.call(server.url) == {"id": "s1"}
        took = time.monotonic() - started
    assert server.attempts == 2
    assert runner.delays == [1.0]
    assert 0.95 <= took < 4.0
    assert "x-contractgen-retry-count" not in server.requests[0].headers
    assert server.requests[1].headers["x-contractgen-retry-count"] == "1"


def test_burst_of_503_then_success(runner: Runner) -> None:
    burst = 3

    def handler(conn: Conn) -> None:
        if conn.attempt <= burst:
            conn.respond(503, "unavailable", content_type="text/plain")
        else:
            conn.respond(200, OK_BODY, headers={"x-request-id": "req-ok"})

    with serve(handler) as server:
        result = runner.call(server.url, raw=True, max_retries=4)
    assert server.attempts == burst + 1
    assert result.parse() == {"id": "s1"}
    assert result.retries_taken == burst
    assert result.request_id == "req-ok"
    # backoff 0.5, 1, 2 minus up to 25 % jitter
    for number, delay in enumerate(runner.delays):
        ceiling = 0.5 * 2**number
        assert 0.75 * ceiling <= delay <= ceiling
    assert len(runner.delays) == burst


def test_max_retries_exhausted_raises_internal_server_error(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        conn.respond(
            500,
            json.dumps({"errors": [{"code": "10007", "title": "Unexpected error"}]}),
            headers={"x-request-id": f"req-{conn.attempt}"},
        )

    with serve(handler) as server:
        with pytest.raises(rt.InternalServerError) as caught:
            runner.call(server.url, max_retries=2)
    assert server.attempts == 3
    error = caught.value
    assert error.status_code == 500
    assert error.retries_taken == 2
    assert error.request_id == "req-3"
    assert error.errors[0].code == "10007"
    assert len(runner.delays) == 2


def test_per_call_max_retries_zero_opts_out(runner: Runner) -> None:
    with serve(lambda conn: conn.respond(503, "{}")) as server:
        with pytest.raises(rt.InternalServerError):
            runner.call(server.url, options=rt.RequestOptions(max_retries=0))
    assert server.attempts == 1
    assert runner.delays == []


def test_connection_reset_is_retried_then_raises(runner: Runner) -> None:
    with serve(lambda conn: conn.reset()) as server:
        with pytest.raises(rt.APIConnectionError) as caught:
            runner.call(server.url, max_retries=2)
    assert server.attempts == 3
    assert not isinstance(caught.value, rt.APITimeoutError)
    assert caught.value.retries_taken == 2
    assert KEY not in str(caught.value)


def test_connection_reset_then_success(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        if conn.attempt == 1:
            conn.reset()
        else:
            conn.respond(200, OK_BODY)

    with serve(handler) as server:
        assert runner.call(server.url) == {"id": "s1"}
    assert server.attempts == 2


def test_post_is_retried_with_the_same_body(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        if conn.attempt == 1:
            conn.respond(503, "{}")
        else:
            conn.respond(200, OK_BODY)

    request = rt.RequestSpec(
        method="POST",
        path="/room_sessions/{id}/actions/end",
        path_params={"id": "s1"},
        json_body={"reason": "done", "skip": rt.NOT_GIVEN},
        responses={200: lambda d: d["data"]},
    )
    with serve(handler) as server:
        assert runner.call(server.url, request) == {"id": "s1"}
    assert server.attempts == 2
    bodies = [json.loads(r.body) for r in server.requests]
    assert bodies == [{"reason": "done"}, {"reason": "done"}]
    assert server.requests[0].headers["content-type"] == "application/json"


def test_slow_response_times_out(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        conn.stall(3.0)

    with serve(handler) as server:
        started = time.monotonic()
        with pytest.raises(rt.APITimeoutError) as caught:
            runner.call(server.url, timeout=0.3, max_retries=0)
        took = time.monotonic() - started
    assert 0.25 <= took < 1.5
    assert server.attempts == 1
    assert isinstance(caught.value, rt.APIConnectionError)


def test_timeout_is_retried_and_per_call_timeout_wins(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        if conn.attempt == 1:
            conn.stall(3.0)
        else:
            conn.respond(200, OK_BODY)

    with serve(handler) as server:
        started = time.monotonic()
        result = runner.call(
            server.url, options=rt.RequestOptions(timeout=0.3), timeout=30.0
        )
        took = time.monotonic() - started
    assert result == {"id": "s1"}
    assert server.attempts == 2
    assert took < 2.0


def test_malformed_json_raises_response_decode_error(runner: Runner) -> None:
    body = b'{"data": {"id": "s1",'
    with serve(
        lambda conn: conn.respond(200, body, headers={"x-request-id": "req-bad"})
    ) as server:
        with pytest.raises(rt.ResponseDecodeError) as caught:
            runner.call(server.url)
    error = caught.value
    assert error.reason == "malformed"
    assert error.body == body
    assert error.status_code == 200
    assert error.request_id == "req-bad"
    assert error.headers["content-type"] == "application/json"
    assert server.attempts == 1


def test_non_json_content_type_raises_but_raw_keeps_bytes(runner: Runner) -> None:
    html = b"<html>maintenance</html>"
    with serve(
        lambda conn: conn.respond(200, html, content_type="text/html")
    ) as server:
        with pytest.raises(rt.ResponseDecodeError) as caught:
            runner.call(server.url)
        raw = runner.call(server.url, raw=True)
    assert caught.value.reason == "content-type"
    assert caught.value.body == html
    assert raw.content == html
    with pytest.raises(rt.ResponseDecodeError):
        raw.parse()


def test_truncated_body_is_retried_then_typed_error(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        conn.respond(200, OK_BODY[:10], content_length=len(OK_BODY))

    with serve(handler) as server:
        with pytest.raises(rt.ResponseDecodeError) as caught:
            runner.call(server.url, max_retries=1)
    assert caught.value.reason == "truncated"
    assert caught.value.status_code == 200
    assert server.attempts == 2


def test_truncated_close_delimited_body_is_malformed(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        conn.send_raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\n\r\n" + OK_BODY[:12].encode()
        )

    with serve(handler) as server:
        with pytest.raises(rt.ResponseDecodeError) as caught:
            runner.call(server.url)
    assert caught.value.reason == "malformed"
    assert caught.value.body == OK_BODY[:12].encode()


def test_404_envelope_becomes_not_found_error(runner: Runner) -> None:
    with serve(
        lambda conn: conn.respond(
            404, json.dumps(ENVELOPE), headers={"x-request-id": "req-404"}
        )
    ) as server:
        with pytest.raises(rt.NotFoundError) as caught:
            runner.call(server.url)
    error = caught.value
    assert server.attempts == 1
    assert error.status_code == 404
    assert error.request_id == "req-404"
    assert error.errors[0].code == "10005"
    assert error.errors[0].title == "Resource not found"
    assert error.errors[0].detail == ENVELOPE["errors"][0]["detail"]
    assert error.errors[0].source == {"pointer": "/room_session_id"}
    assert error.errors[0].meta is not None
    assert json.loads(error.body) == ENVELOPE
    assert "Resource not found" in str(error) and "req-404" in str(error)


def test_bare_single_error_form(runner: Runner) -> None:
    bare = {"code": "10015", "title": "Bad request", "detail": "Invalid date"}
    with serve(lambda conn: conn.respond(422, json.dumps(bare))) as server:
        with pytest.raises(rt.UnprocessableEntityError) as caught:
            runner.call(server.url)
    assert [(e.code, e.title, e.detail) for e in caught.value.errors] == [
        ("10015", "Bad request", "Invalid date")
    ]


def test_undocumented_418_raises_plain_api_status_error(runner: Runner) -> None:
    with serve(
        lambda conn: conn.respond(418, "short and stout", content_type="text/plain")
    ) as server:
        with pytest.raises(rt.APIStatusError) as caught:
            runner.call(server.url)
    assert type(caught.value) is rt.APIStatusError
    assert caught.value.status_code == 418
    assert caught.value.errors == ()
    assert caught.value.text == "short and stout"
    assert server.attempts == 1


def test_x_should_retry_overrides_status(runner: Runner) -> None:
    with serve(
        lambda conn: conn.respond(503, "{}", headers={"x-should-retry": "false"})
    ) as server:
        with pytest.raises(rt.InternalServerError):
            runner.call(server.url)
    assert server.attempts == 1

    def handler(conn: Conn) -> None:
        if conn.attempt == 1:
            conn.respond(400, "{}", headers={"x-should-retry": "true"})
        else:
            conn.respond(200, OK_BODY)

    with serve(handler) as server:
        assert runner.call(server.url) == {"id": "s1"}
    assert server.attempts == 2


def test_missing_key_sends_no_credentials_and_401_is_typed(runner: Runner) -> None:
    def handler(conn: Conn) -> None:
        if "authorization" in conn.request.headers:
            conn.respond(200, OK_BODY)
        else:
            conn.respond(
                401,
                json.dumps(
                    {"errors": [{"code": "10009", "title": "Authentication failed"}]}
                ),
            )

    with serve(handler) as server:
        with pytest.raises(rt.AuthenticationError) as caught:
            runner.call(server.url, api_key=None)
    assert caught.value.errors[0].code == "10009"
    assert "authorization" not in server.requests[0].headers
    assert server.attempts == 1


def test_connection_refused_is_a_connection_error(runner: Runner) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(rt.APIConnectionError) as caught:
        runner.call(f"http://127.0.0.1:{port}", max_retries=1)
    assert caught.value.retries_taken == 1
    assert len(runner.delays) == 1
