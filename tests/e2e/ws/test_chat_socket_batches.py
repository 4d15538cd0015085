"""Over real sockets on a real server (PostgreSQL): every message frame is answered on its own, its
``message`` echo carrying its ``client_id``, or an ``error`` frame naming that ``client_id``; a poisoned
message among 30 good ones fails alone and the socket stays open."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import ClientConnection

from tests.conftest import LiveServer, live_server, settings_for, truncate_all
from tests.e2e.ws.test_chat_socket import Client, Frame, next_frame, sign_up

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def pg_server(postgres_url: str) -> Iterator[LiveServer]:
    with live_server(settings_for(postgres_url)) as running:
        yield running


@pytest.fixture
async def people(pg_server: LiveServer, postgres_url: str) -> list[Client]:
    await truncate_all(postgres_url)
    return [await sign_up(pg_server, name) for name in ("ann", "bob", "cat", "eve")]


async def _room(owner: Client, *members: Client) -> int:
    room = (await owner.call("POST", "/api/chats/", json={"type": "room", "name": "Burst"})).json()
    for member in members:
        assert (await member.call("POST", f"/api/chats/{room['id']}/join/")).status_code == 200
    return int(room["id"])


async def _frames(ws: ClientConnection, count: int, *, within: float = 10) -> list[Frame]:
    """The next ``count`` frames that answer message frames: echoes and errors."""
    found: list[Frame] = []
    async with asyncio.timeout(within):
        while len(found) < count:
            frame = json.loads(await ws.recv())
            if frame.get("type") in {"message", "error"}:
                found.append(frame)
    return found


async def test_a_poisoned_message_among_30_fails_alone_and_each_sender_gets_its_own_echoes(
    people: list[Client],
) -> None:
    ann, bob, cat, eve = people
    room_id = await _room(ann, bob, cat, eve)
    senders = [ann, bob, cat]
    async with (
        ann.socket(room_id) as ann_ws,
        bob.socket(room_id) as bob_ws,
        cat.socket(room_id) as cat_ws,
        eve.socket(room_id) as eve_ws,
    ):
        sockets = [ann_ws, bob_ws, cat_ws]

        async def send(n: int) -> None:
            frame = {"type": "message", "text": f"good {n}", "client_id": f"{senders[n % 3].user['name']}-{n}"}
            await sockets[n % 3].send(json.dumps(frame))

        await asyncio.gather(
            *(send(n) for n in range(15)),
            eve_ws.send(json.dumps({"type": "message", "text": "bad\u0000text", "client_id": "poison"})),
            *(send(n) for n in range(15, 30)),
        )

        # Everyone in the room hears the 30 good messages (30 echoes each) and nothing of the poisoned one.
        for ws, sender in zip(sockets, senders, strict=True):
            frames = await _frames(ws, 30)
            assert all(f["type"] == "message" for f in frames), [f for f in frames if f["type"] == "error"]
            mine = {f["client_id"] for f in frames if f["sender_id"] == sender.id}
            assert mine == {f"{sender.user['name']}-{n}" for n in range(30) if n % 3 == senders.index(sender)}
        eve_frames = await _frames(eve_ws, 31)
        [error] = [f for f in eve_frames if f["type"] == "error"]
        assert error["client_id"] == "poison" and error["code"] and error["frame"] == "message"
        assert sorted(f["text"] for f in eve_frames if f["type"] == "message") == sorted(f"good {n}" for n in range(30))
        # The socket is still open and serving.
        await eve_ws.send(json.dumps({"type": "message", "text": "still here", "client_id": "after"}))
        assert (await next_frame(eve_ws, "message", client_id="after"))["text"] == "still here"

    history = (await ann.call("GET", f"/api/chats/{room_id}/messages/?limit=100")).json()["results"]
    assert len(history) == 31 and "bad\u0000text" not in {m["text"] for m in history}


async def test_a_repeated_client_id_is_stored_once_and_a_malformed_one_is_named_in_the_error(
    people: list[Client],
) -> None:
    ann, bob, *_ = people
    room_id = await _room(ann, bob)
    async with ann.socket(room_id) as ann_ws, bob.socket(room_id) as bob_ws:
        for _ in range(3):
            await ann_ws.send(json.dumps({"type": "message", "text": "once", "client_id": "retry-1"}))
        await ann_ws.send(json.dumps({"type": "message", "text": "bad key", "client_id": "has space"}))
        await ann_ws.send(json.dumps({"type": "message", "text": "", "client_id": "empty-1"}))
        await ann_ws.send(json.dumps({"type": "message", "text": "last", "client_id": "last-1"}))

        # A frame refused as written is answered at once, a refused key once its post is tried: any order.
        errors = {frame["client_id"]: frame for frame in [await next_frame(ann_ws, "error") for _ in range(2)]}
        assert errors["has space"]["code"] == "invalid_idempotency_key"
        assert errors["empty-1"]["frame"] == "message"
        heard = [await next_frame(bob_ws, "message") for _ in range(2)]
        assert [(f["text"], f["client_id"]) for f in heard] == [("once", "retry-1"), ("last", "last-1")]

    history = (await bob.call("GET", f"/api/chats/{room_id}/messages/")).json()["results"]
    assert [(m["text"], m["client_id"]) for m in reversed(history)] == [("once", "retry-1"), ("last", "last-1")]
