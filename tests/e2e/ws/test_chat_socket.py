"""The chat socket against a real server process: history, live events, receipts, presence, refusals."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.conftest import LiveServer, live_server, settings_for, truncate_all

pytestmark = pytest.mark.slow

Frame = dict[str, Any]


class Client:
    """One user of a live server: HTTP calls with their token, and sockets."""

    def __init__(self, server: LiveServer, user: Frame, token: str) -> None:
        self.server, self.user, self.token = server, user, token
        self.id: int = user["id"]

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.server.base_url, timeout=10) as http:
            return await http.request(method, path, headers=self.headers(), **kwargs)

    @asynccontextmanager
    async def socket(self, chat_id: int, *, welcome: bool = True) -> AsyncIterator[ClientConnection]:
        url = f"{self.server.ws_url}/ws/chat/{chat_id}/?token={self.token}"
        async with websockets.connect(url, max_size=2**20) as ws:
            if welcome:
                assert (await next_frame(ws, "history"))["chat_id"] == chat_id
            yield ws


async def sign_up(server: LiveServer, name: str) -> Client:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        email = f"{name}@example.com"
        created = await http.post("/api/users/", json={"email": email, "password": "s3cret-pass", "name": name})
        assert created.status_code == 201, created.text
        tokens = (await http.post("/api/token/", json={"email": email, "password": "s3cret-pass"})).json()
    return Client(server, created.json(), tokens["access"])


async def next_frame(ws: ClientConnection, kind: str, within: float = 5, **match: Any) -> Frame:
    """The next frame of ``kind`` (with the given field values), skipping others."""
    async with asyncio.timeout(within):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                return dict(frame)


async def no_frame(ws: ClientConnection, kind: str, wait: float = 0.5, **match: Any) -> None:
    with pytest.raises(TimeoutError):
        await next_frame(ws, kind, within=wait, **match)


async def private_chat(a: Client, b: Client) -> int:
    response = await a.call("POST", "/api/chats/", json={"type": "private", "user_id": b.id})
    return int(response.json()["id"])


@pytest.fixture(scope="module")
def server(sqlite_url: str) -> Iterator[LiveServer]:
    """One real server on the embedded SQLite default, with a throttle tests can hit."""
    os.environ["CHAT_FRAME_RATE"], os.environ["CHAT_FRAME_BURST"] = "5", "30"
    try:
        with live_server(settings_for(sqlite_url)) as running:
            yield running
    finally:
        del os.environ["CHAT_FRAME_RATE"], os.environ["CHAT_FRAME_BURST"]


@pytest.fixture
async def people(server: LiveServer, sqlite_url: str) -> list[Client]:
    await truncate_all(sqlite_url)
    return [await sign_up(server, name) for name in ("ann", "bob", "cat")]


async def test_connect_sends_the_last_30_messages_oldest_first(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    # Bob posts the first three: HTTP posts spend the socket's budget (30 here) per account.
    ids = [
        (await (bob if i < 3 else ann).call("POST", f"/api/chats/{chat_id}/messages/", json={"text": f"m{i}"})).json()[
            "id"
        ]
        for i in range(33)
    ]
    async with ann.socket(chat_id, welcome=False) as ws:
        history = await next_frame(ws, "history")
    assert [m["message_id"] for m in history["messages"]] == ids[-30:]
    assert history["messages"][-1]["text"] == "m32" and history["messages"][-1]["sender"] == "ann"


async def test_messages_typing_reads_and_receipts_reach_every_member(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    async with ann.socket(chat_id) as ann_ws, bob.socket(chat_id) as bob_ws:
        await ann_ws.send(json.dumps({"type": "message", "text": "hello"}))
        got = await next_frame(bob_ws, "message")
        assert (got["text"], got["sender_id"], got["chat_id"]) == ("hello", ann.id, chat_id)
        assert got["created_at"].endswith("Z")
        echo = await next_frame(ann_ws, "message")
        assert echo["message_id"] == got["message_id"]
        delivered = await next_frame(ann_ws, "delivered")
        assert (delivered["user_id"], delivered["message_id"]) == (bob.id, got["message_id"])

        await bob_ws.send(json.dumps({"type": "read", "last_read_message_id": got["message_id"]}))
        read = await next_frame(ann_ws, "read")
        assert (read["user_id"], read["last_read_message_id"]) == (bob.id, got["message_id"])
        assert (await next_frame(bob_ws, "unread"))["unread_count"] == 0

        await bob_ws.send(json.dumps({"message": "seed 004 style"}))
        assert (await next_frame(ann_ws, "message", sender_id=bob.id))["text"] == "seed 004 style"

        await bob_ws.send(json.dumps({"type": "typing", "is_typing": True}))
        assert (await next_frame(ann_ws, "typing"))["user_id"] == bob.id


async def test_edit_delete_pin_and_forward_events(people: list[Client]) -> None:
    ann, bob, cat = people
    chat_id = await private_chat(ann, bob)
    other = (await ann.call("POST", "/api/chats/", json={"type": "group", "title": "g", "member_ids": [cat.id]})).json()
    async with ann.socket(chat_id) as ann_ws, bob.socket(chat_id) as bob_ws, cat.socket(other["id"]) as cat_ws:
        await ann_ws.send(json.dumps({"type": "message", "text": "draft"}))
        message_id = (await next_frame(bob_ws, "message"))["message_id"]
        await ann_ws.send(json.dumps({"type": "edit", "message_id": message_id, "text": "final"}))
        edited = await next_frame(bob_ws, "message_edited")
        assert (edited["message_id"], edited["text"]) == (message_id, "final") and edited["edited_at"]

        await bob.call("POST", f"/api/messages/{message_id}/pin/")
        pinned = await next_frame(ann_ws, "message_pinned")
        assert (pinned["message_id"], pinned["pinned"], pinned["by"]) == (message_id, True, bob.id)

        await ann_ws.send(json.dumps({"type": "forward", "message_id": message_id, "target_chat_id": other["id"]}))
        ack = await next_frame(ann_ws, "forwarded")
        copy = await next_frame(cat_ws, "message")
        assert copy["message_id"] == ack["message_id"] and copy["forwarded_from"] == message_id
        assert copy["text"] == "final"

        await ann_ws.send(json.dumps({"type": "delete", "message_id": message_id}))
        deleted = await next_frame(bob_ws, "message_deleted")
        assert (deleted["message_id"], deleted["deleted_by"]) == (message_id, ann.id)


async def test_bad_frames_get_error_events_and_the_socket_stays_open(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    bob_message = (await bob.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "mine"})).json()
    async with ann.socket(chat_id) as ws:
        cases: list[tuple[str, str]] = [
            ("{not json", "invalid_frame"),
            ("[1, 2]", "invalid_frame"),
            (json.dumps({"type": "shout", "text": "x"}), "unknown_frame"),
            (json.dumps({"type": "message"}), "invalid_frame"),
            (json.dumps({"type": "read", "last_read_message_id": "soon"}), "invalid_frame"),
            (json.dumps({"type": "message", "text": "   "}), "empty_message"),
            (json.dumps({"type": "edit", "message_id": bob_message["id"], "text": "x"}), "not_message_author"),
            (json.dumps({"type": "delete", "message_id": 999999}), "message_not_found"),
            (json.dumps({"type": "message", "text": "x" * 70_000}), "frame_too_large"),
        ]
        for raw, code in cases:
            await ws.send(raw)
            assert (await next_frame(ws, "error"))["code"] == code, raw
        await ws.send(json.dumps({"type": "message", "text": "still here"}))
        assert (await next_frame(ws, "message"))["text"] == "still here"


async def test_a_client_sending_too_fast_is_throttled(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    async with ann.socket(chat_id) as ws:
        for _ in range(40):
            await ws.send(json.dumps({"type": "typing", "is_typing": True}))
        error = await next_frame(ws, "error")
    assert error["code"] == "rate_limited"


async def test_sockets_without_a_token_or_membership_are_closed(people: list[Client], server: LiveServer) -> None:
    ann, bob, cat = people
    chat_id = await private_chat(ann, bob)
    room = (await ann.call("POST", "/api/chats/", json={"type": "room", "name": "hall"})).json()
    cases = [
        (f"/ws/chat/{chat_id}/", 4401),
        (f"/ws/chat/{chat_id}/?token=garbage", 4401),
        (f"/ws/chat/{chat_id}/?token={cat.token}", 4404),
        (f"/ws/chat/999999/?token={cat.token}", 4404),
        (f"/ws/chat/{room['id']}/?token={cat.token}", 4403),
    ]
    for path, code in cases:
        async with websockets.connect(server.ws_url + path) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code, path
    await cat.call("POST", f"/api/chats/{room['id']}/join/")
    async with cat.socket(room["id"]):
        pass


async def test_presence_stays_online_until_the_last_socket_closes(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    async with ann.socket(chat_id) as ann_ws:
        async with bob.socket(chat_id) as first:
            assert (await next_frame(ann_ws, "user_status", user_id=bob.id))["is_online"] is True
            async with bob.socket(chat_id, welcome=False) as second:
                welcome = await next_frame(second, "presence")
                assert welcome == {"type": "presence", "chat_id": chat_id, "online": [ann.id], "online_count": 1}
            await no_frame(ann_ws, "user_status", user_id=bob.id)
            await first.send(json.dumps({"type": "typing", "is_typing": False}))
            await next_frame(ann_ws, "typing", user_id=bob.id)
        # Announced at the end of the server's presence interval (the server is shared by this
        # module's tests, and the interval doubles while crowds of changes keep coming): on a
        # loaded machine that can take longer than a frame usually does.
        offline = await next_frame(ann_ws, "user_status", within=20, user_id=bob.id)
        assert offline["is_online"] is False


@pytest.mark.postgres
@pytest.mark.redis
async def test_presence_and_messages_cross_two_server_processes(postgres_url: str, redis_url: str) -> None:
    """Two processes share PostgreSQL and Redis: events cross, and a dead process's sockets expire."""
    await truncate_all(postgres_url)
    os.environ["PRESENCE_TTL_S"] = "3"
    try:
        settings = settings_for(postgres_url, redis_url=redis_url)
        with live_server(settings) as one, live_server(settings) as two:
            ann, bob = await sign_up(one, "ann"), await sign_up(one, "bob")
            bob_two = Client(two, bob.user, bob.token)
            chat_id = await private_chat(ann, bob)
            async with ann.socket(chat_id) as ann_ws, bob_two.socket(chat_id) as bob_ws:
                assert (await next_frame(ann_ws, "user_status", user_id=bob.id))["is_online"] is True
                await bob_ws.send(json.dumps({"type": "message", "text": "from process two"}))
                assert (await next_frame(ann_ws, "message"))["text"] == "from process two"
                # A second socket of Bob on process one: closing it keeps him online.
                async with bob.socket(chat_id):
                    pass
                await no_frame(ann_ws, "user_status", wait=2.5, user_id=bob.id, is_online=False)
                two.process.send_signal(signal.SIGKILL)  # Bob's socket dies with its process
                two.process.wait(timeout=10)
                # Only the heartbeat's expiry can tell: no socket of Bob closed cleanly.
                offline = await next_frame(ann_ws, "user_status", within=12, user_id=bob.id, is_online=False)
                assert offline == {"type": "user_status", "user_id": bob.id, "is_online": False}
    finally:
        del os.environ["PRESENCE_TTL_S"]


async def test_a_removed_member_is_disconnected(people: list[Client]) -> None:
    ann, bob, _ = people
    group = (await ann.call("POST", "/api/chats/", json={"type": "group", "title": "g", "member_ids": [bob.id]})).json()
    async with bob.socket(group["id"]) as bob_ws:
        assert (await ann.call("DELETE", f"/api/chats/{group['id']}/members/{bob.id}/")).status_code == 204
        assert (await next_frame(bob_ws, "member_left"))["user_id"] == bob.id
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_frame(bob_ws, "message")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_back_to_back_messages_arrive_in_order_and_stored_when_sent_without_waiting(
    people: list[Client],
) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    texts = [f"burst {n}" for n in range(24)]
    async with ann.socket(chat_id) as sender, bob.socket(chat_id) as receiver:
        for n, text in enumerate(texts):
            await sender.send(json.dumps({"type": "message", "text": text}))
            if n == 11:  # a refused message in the middle fails alone
                await sender.send(json.dumps({"type": "message", "text": "orphan", "reply_to": 999999}))
        assert (await next_frame(sender, "error"))["code"] == "invalid_reply"
        received = [(await next_frame(receiver, "message"))["text"] for _ in texts]
    assert received == texts
    history = (await bob.call("GET", f"/api/chats/{chat_id}/messages/")).json()
    assert [m["text"] for m in reversed(history["results"])] == texts  # newest first
