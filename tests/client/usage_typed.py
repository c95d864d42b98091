"""Written as a user would: type-checked by mypy --strict (tests/client/test_types.py), never run."""

from __future__ import annotations

from datetime import datetime

from telnyx_rooms import (
    AsyncClient,
    Client,
    NotFoundError,
    RoomParticipant,
    RoomSession,
    ViewRoomSessionResponse,
)


def newest_participant(client: Client, session_id: str) -> RoomParticipant | None:
    response: ViewRoomSessionResponse = client.rooms.sessions.retrieve(
        session_id, include_participants=True
    )
    session: RoomSession | None = response.data
    if session is None or not session.participants:
        return None
    joined: datetime | None = session.participants[0].joined_at
    assert joined is None or joined.tzinfo is not None
    return session.participants[0]


def active_sessions(client: Client) -> list[str]:
    ids: list[str] = []
    for session in client.rooms.sessions.list(filter={"active": True}):
        typed: RoomSession = session
        if typed.id is not None:
            ids.append(typed.id)
    return ids


def status_of(client: Client, session_id: str) -> int:
    try:
        raw = client.rooms.sessions.with_raw_response.retrieve(session_id)
    except NotFoundError as error:
        return error.status_code
    parsed: ViewRoomSessionResponse = raw.parse()
    assert parsed.data is None or isinstance(parsed.data, RoomSession)
    return raw.status_code


async def first_page_ids(client: AsyncClient) -> list[str | None]:
    page = await client.rooms.sessions.list()
    first: list[RoomSession] = page.data
    async for session in client.rooms.sessions.list():
        first.append(session)
    ended = await client.rooms.sessions.actions.end(
        "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
    )
    result: str | None = ended.data.result if ended.data else None
    return [s.id for s in first] + [result]
