"""The generated client's surface: construction from arguments and the environment, the
documented call shape, lenient vs strict decoding of real-server drift, and path safety.

Driven through httpx.MockTransport so each test sees exactly what went on the wire."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import re
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.paths import GENERATED

SESSION_ID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
LIVE_SESSION = {
    "id": SESSION_ID,
    "room_id": "7b61621f-5fe4-4aad-ab11-9fd19e272e73",
    "active": True,
    "created_at": "2021-04-16T09:46:20.954863Z",
    "updated_at": "2021-04-16T10:24:55.962200Z",
    # The live API sends null for a session that has not ended; the spec says string.
    "ended_at": None,
    "participants": [],
    "record_type": "room_session",
}


@pytest.fixture(scope="module")
def rooms() -> Iterator[ModuleType]:
    sys.path.insert(0, str(GENERATED))
    try:
        yield importlib.import_module("telnyx_rooms")
    finally:
        sys.path.remove(str(GENERATED))


Handler = Callable[[httpx.Request], httpx.Response]


def recorder(body: Any, seen: list[httpx.Request], status: int = 200) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body, headers={"x-request-id": "req-1"})

    return handle


def client(rooms: ModuleType, handler: Handler, **kwargs: Any) -> Any:
    kwargs.setdefault("api_key", "sk-test-1234567890")
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return rooms.Client(http_client=http, max_retries=0, **kwargs)


def test_the_documented_call_shape(rooms: ModuleType) -> None:
    signature = inspect.signature(
        client(rooms, recorder({}, [])).rooms.sessions.retrieve
    )
    params = list(signature.parameters.values())
    assert params[0].name == "room_session_id"
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    names = {p.name for p in params}
    assert {"include_participants", "timeout", "max_retries", "extra_headers"} <= names
    sessions = client(rooms, recorder({}, [])).rooms.sessions
    assert {"list", "retrieve", "retrieve_participants"} <= set(dir(sessions))
    assert {"end", "kick", "mute", "unmute"} <= set(dir(sessions.actions))
    public = [n for n in dir(sessions) if not n.startswith("_")]
    assert not [n for n in public if re.search(r"_\d+$", n)]  # never list_0/list_1


def test_retrieve_sends_the_documented_request(rooms: ModuleType) -> None:
    seen: list[httpx.Request] = []
    api = client(
        rooms, recorder({"data": LIVE_SESSION}, seen), base_url="https://x.test/v2"
    )
    response = api.rooms.sessions.retrieve(SESSION_ID, include_participants=True)
    assert isinstance(response, rooms.ViewRoomSessionResponse)
    assert isinstance(response.data, rooms.RoomSession)
    (request,) = seen
    assert str(request.url) == (
        f"https://x.test/v2/room_sessions/{SESSION_ID}?include_participants=true"
    )
    assert request.headers["authorization"] == "Bearer sk-test-1234567890"
    assert request.headers["user-agent"].startswith("telnyx_rooms/")
    api.rooms.sessions.retrieve(SESSION_ID)
    assert "include_participants" not in str(seen[1].url)  # left out: not sent


def test_api_key_and_base_url_come_from_the_environment(
    rooms: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELNYX_API_KEY", "env-key-abcdef")
    monkeypatch.setenv("TELNYX_BASE_URL", "http://127.0.0.1:9/env")
    seen: list[httpx.Request] = []
    api = client(rooms, recorder({"data": LIVE_SESSION}, seen), api_key=None)
    api.rooms.sessions.retrieve(SESSION_ID)
    assert seen[0].headers["authorization"] == "Bearer env-key-abcdef"
    assert str(seen[0].url).startswith("http://127.0.0.1:9/env/room_sessions/")
    monkeypatch.delenv("TELNYX_BASE_URL")
    assert rooms.Client(api_key="k").base_url == "https://api.telnyx.com/v2"
    assert (
        rooms.Client(api_key="k", base_url="http://h.test").base_url == "http://h.test"
    )


def test_the_key_is_never_shown(rooms: ModuleType) -> None:
    api = client(rooms, recorder({"errors": [{"code": "10009"}]}, [], status=401))
    assert "sk-test" not in repr(api)
    with pytest.raises(rooms.AuthenticationError) as info:
        api.rooms.sessions.retrieve(SESSION_ID)
    assert "sk-test" not in str(info.value) and "sk-test" not in repr(info.value)
    assert info.value.errors[0].code == "10009"


def test_real_server_drift_is_lenient_by_default_and_caught_in_strict_mode(
    rooms: ModuleType,
) -> None:
    seen: list[httpx.Request] = []
    lenient = client(rooms, recorder({"data": LIVE_SESSION}, seen))
    session = lenient.rooms.sessions.retrieve(SESSION_ID).data
    assert session.ended_at is None and session.active is True
    assert session.to_dict() == LIVE_SESSION  # null stays null
    strict = client(rooms, recorder({"data": LIVE_SESSION}, seen), strict=True)
    with pytest.raises(rooms.ResponseValidationError) as info:
        strict.rooms.sessions.retrieve(SESSION_ID)
    assert info.value.path == "/data/ended_at"


def test_strict_mode_decodes_what_it_validated_with_from_validated(
    rooms: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    valid = {**LIVE_SESSION, "ended_at": "2021-04-16T10:24:55.962200Z"}
    used: list[str] = []
    for name in ("from_dict", "from_validated"):
        method = getattr(rooms.ViewRoomSessionResponse, name).__func__

        def spy(cls: Any, data: Any, _name: str = name, _method: Any = method) -> Any:
            used.append(_name)
            return _method(cls, data)

        spy.__name__ = name  # the client knows a model's decoders by name
        monkeypatch.setattr(rooms.ViewRoomSessionResponse, name, classmethod(spy))
    strict = client(rooms, recorder({"data": valid}, []), strict=True)
    assert strict.rooms.sessions.retrieve(SESSION_ID).to_dict() == {"data": valid}
    assert used == ["from_validated"]
    used.clear()
    lenient = client(rooms, recorder({"data": valid}, []))
    assert lenient.rooms.sessions.retrieve(SESSION_ID).to_dict() == {"data": valid}
    assert used == ["from_dict"]


def test_unknown_fields_and_enum_values_are_kept(rooms: ModuleType) -> None:
    drifted = {**LIVE_SESSION, "ended_at": "2021-04-16T10:24:55Z", "region": "eu"}
    api = client(rooms, recorder({"data": drifted, "next": 1}, []))
    response = api.rooms.sessions.retrieve(SESSION_ID)
    assert response.to_dict() == {"data": drifted, "next": 1}


@pytest.mark.parametrize("hostile", ["../..", "a/b", "x?y=1", "..", "."])
def test_path_parameters_cannot_change_the_path(
    rooms: ModuleType, hostile: str
) -> None:
    seen: list[httpx.Request] = []
    api = client(
        rooms, recorder({"data": LIVE_SESSION}, seen), base_url="https://x.test/v2"
    )
    try:
        api.rooms.sessions.retrieve(hostile)
    except ValueError:
        assert not seen  # refused before any I/O
        return
    (request,) = seen
    assert request.url.raw_path.decode().startswith("/v2/room_sessions/")
    assert request.url.raw_path.decode().count("/") == 3
    assert not request.url.query


def test_empty_path_parameter_is_refused_before_io(rooms: ModuleType) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(ValueError, match="room_session_id"):
        client(rooms, recorder({}, seen)).rooms.sessions.retrieve("")
    assert not seen


def test_request_bodies_accept_dataclasses_or_dicts_and_are_validated_first(
    rooms: ModuleType,
) -> None:
    seen: list[httpx.Request] = []
    api = client(rooms, recorder({"data": {"result": "ok"}}, seen))
    api.rooms.sessions.actions.kick(SESSION_ID, body={"participants": "all"})
    body = rooms.ActionsParticipantsRequest.from_dict({"participants": "all"})
    api.rooms.sessions.actions.mute(SESSION_ID, body=body)
    assert [json.loads(r.content) for r in seen] == [{"participants": "all"}] * 2
    assert "authorization" not in seen[0].headers  # security: [] on the actions
    with pytest.raises(rooms.RequestValidationError) as info:
        api.rooms.sessions.actions.unmute(SESSION_ID, body={"participants": 5})
    assert info.value.path == "/participants"
    assert len(seen) == 2  # nothing sent


def test_deep_object_filters_from_a_typed_argument(rooms: ModuleType) -> None:
    seen: list[httpx.Request] = []
    page = {"data": [LIVE_SESSION], "meta": {"page_number": 1, "total_pages": 1}}
    api = client(rooms, recorder(page, seen))
    date_filter = rooms.ListRoomSessionsFilterDateCreatedAt.from_dict(
        {"gte": "2021-04-25"}
    )
    listed = api.rooms.sessions.list(
        filter=rooms.ListRoomSessionsFilter(date_created_at=date_filter, active=False),
        page={"number": 1, "size": 20},
    )
    assert [s.id for s in listed] == [SESSION_ID]
    assert sorted(seen[0].url.params.multi_items()) == [
        ("filter[active]", "false"),
        ("filter[date_created_at][gte]", "2021-04-25"),
        ("page[number]", "1"),
        ("page[size]", "20"),
    ]


def test_async_client_has_the_same_shape(rooms: ModuleType) -> None:
    seen: list[httpx.Request] = []

    async def run() -> Any:
        http = httpx.AsyncClient(
            transport=httpx.MockTransport(recorder({"data": LIVE_SESSION}, seen))
        )
        async with rooms.AsyncClient(api_key="k-123456", http_client=http) as api:
            raw = await api.rooms.sessions.with_raw_response.retrieve(SESSION_ID)
            return raw, await api.rooms.sessions.retrieve(SESSION_ID)

    raw, response = asyncio.run(run())
    assert raw.status_code == 200 and raw.request_id == "req-1"
    assert raw.parse().data.id == response.data.id == SESSION_ID
    assert len(seen) == 2
