"""Two server processes on PostgreSQL sharing a Redis that crashes and comes back while messages flow:
every committed write is answered as done, live delivery returns on both processes within 5 s, to
old and new sockets, presence is right again, ``/ready/`` says 503 during the outage, 200 after, and
every stored message reaches every client, live or by resume, exactly once and in order."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.conftest import LiveServer, live_server, settings_for, truncate_all
from tests.e2e.ws.test_chat_socket import Client, next_frame, private_chat, sign_up
from tests.integration.faults.conftest import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def servers(postgres_url: str, redis_server: RedisServer) -> Iterator[tuple[LiveServer, LiveServer]]:
    os.environ["PRESENCE_TTL_S"] = "6"  # heartbeats every 2 s
    try:
        asyncio.run(truncate_all(postgres_url))
        settings = settings_for(postgres_url, redis_url=redis_server.url)
        with live_server(settings) as one, live_server(settings) as two:
            yield one, two
    finally:
        del os.environ["PRESENCE_TTL_S"]


async def ready(server: LiveServer) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as http:
        return await http.get("/ready/")


@dataclass
class Follower:
    """A client's copy of the chat: message texts in ``seq`` order. It takes only the next position;
    a later one is a gap (it resumes from ``seq``), an earlier one a duplicate (the test fails)."""

    seq: int = 0
    texts: list[str] = field(default_factory=list)
    gap: bool = False

    def take(self, frame: dict[str, object]) -> None:
        if frame.get("type") != "message":
            return
        seq = frame["seq"]
        assert isinstance(seq, int) and isinstance(frame["text"], str)
        assert seq > self.seq, f"message {seq} came again after {self.seq}"
        if seq == self.seq + 1 and not self.gap:
            self.seq, self.texts = seq, [*self.texts, frame["text"]]
        else:
            self.gap = True


async def texts(ws: ClientConnection, follower: Follower | None = None, wait: float = 0.01) -> list[str]:
    """Message texts that arrived on ``ws`` within ``wait`` seconds of quiet, each shown to ``follower``."""
    seen: list[str] = []
    while True:
        try:
            async with asyncio.timeout(wait):
                frame = json.loads(await ws.recv())
        except TimeoutError:
            return seen
        if follower is not None:
            follower.take(frame)
        if frame.get("type") == "message":
            seen.append(frame["text"])


async def resume(server: LiveServer, client: Client, chat_id: int, follower: Follower) -> ClientConnection:
    """Reconnect from the follower's last position: the missed messages, in order, then ``resume``."""
    ws = await websockets.connect(f"{server.ws_url}/ws/chat/{chat_id}/?token={client.token}&since={follower.seq}")
    follower.gap = False
    since = follower.seq
    async with asyncio.timeout(10):
        while (frame := json.loads(await ws.recv())).get("type") != "resume":
            follower.take(frame)
    assert frame["recovered"] is True and frame["since"] == since and frame["seq"] == follower.seq, frame
    return ws


async def test_redis_crash_under_traffic_then_live_delivery_and_presence_return(
    servers: tuple[LiveServer, LiveServer], redis_server: RedisServer
) -> None:
    one, two = servers
    ann, bob = await sign_up(one, "ann"), await sign_up(one, "bob")
    chat_id = await private_chat(ann, bob)
    ann_two = Client(two, ann.user, ann.token)
    bob_two = Client(two, bob.user, bob.token)

    stored: list[str] = []  # every message answered 201, in the order it was written

    async def post(poster: Client, text: str) -> int:
        status = (await poster.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": text})).status_code
        if status == 201:
            stored.append(text)
        return status

    followers = {"one": Follower(), "two": Follower()}  # Bob's client on each process
    async with bob.socket(chat_id) as bob_one_ws, bob_two.socket(chat_id) as bob_two_ws:
        sockets = {"one": bob_one_ws, "two": bob_two_ws}
        assert await post(ann, "before") == 201
        for name, ws in sockets.items():
            frame = await next_frame(ws, "message")
            assert frame["text"] == "before"
            followers[name].take(frame)

        redis_server.kill()
        statuses = []
        for i in range(20):  # writes keep coming, to both processes, while Redis is away
            statuses.append(await post(ann if i % 2 else ann_two, f"out{i}"))
        assert statuses == [201] * 20  # committed, so answered as done
        login = await httpx.AsyncClient(base_url=two.base_url, timeout=10).post(
            "/api/token/", json={"email": "ann@example.com", "password": "s3cret-pass"}
        )
        assert login.status_code == 200, login.text  # the rate limit falls back to this process
        for server in (one, two):
            answer = await ready(server)
            assert answer.status_code == 503
            assert answer.json()["checks"]["channels"] is False and "problems" in answer.json()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with websockets.connect(f"{two.ws_url}/ws/chat/{chat_id}/?token={ann.token}") as ws:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013  # try again later
        listened = [t for name, ws in sockets.items() for t in await texts(ws, followers[name])]
        assert not any(t.startswith("out") for t in listened)  # nothing lives through Redis meanwhile

        redis_server.start()
        back = time.monotonic()
        heard: dict[str, float] = {}
        i = 0
        while len(heard) < 2 and time.monotonic() - back < 8:
            i += 1
            assert await post(ann, f"after{i}") == 201
            await asyncio.sleep(0.2)
            for name, ws in sockets.items():
                if any(t.startswith("after") for t in await texts(ws, followers[name])):
                    heard.setdefault(name, time.monotonic() - back)
        assert set(heard) == {"one", "two"} and max(heard.values()) < 5, heard
        for server in (one, two):
            assert (await ready(server)).status_code == 200

        # Both of Bob's clients saw the gap the outage left; each reconnects from its last position
        # while messages keep coming to both processes, and ends up with every stored message once.
        assert all(f.gap and f.texts == ["before"] for f in followers.values()), followers
        tail = asyncio.gather(*[post(ann if n % 2 else ann_two, f"tail{n}") for n in range(10)])
        resumed = {
            "one": await resume(one, bob, chat_id, followers["one"]),
            "two": await resume(two, bob_two, chat_id, followers["two"]),
        }
        assert await tail == [201] * 10
        for name, ws in resumed.items():
            await texts(ws, followers[name], wait=1.0)
            await ws.close()
        assert len(stored) == 1 + 20 + i + 10
        for follower in followers.values():
            assert not follower.gap and sorted(follower.texts) == sorted(stored), (follower, stored)

        # New sockets on both processes hear live events, and see Bob online (re-registered by his
        # open sockets' heartbeat, though Redis came back empty).
        async with (
            ann.socket(chat_id, welcome=False) as ann_one_ws,
            ann_two.socket(chat_id, welcome=False) as ann_two_ws,
        ):
            for ws in (ann_one_ws, ann_two_ws):
                await next_frame(ws, "history")
                assert bob.id in (await next_frame(ws, "presence"))["online"]
            assert (await bob.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "new"})).status_code == 201
            assert (await next_frame(ann_one_ws, "message", text="new"))["sender_id"] == bob.id
            assert (await next_frame(ann_two_ws, "message", text="new"))["sender_id"] == bob.id

            await bob_one_ws.close()
            await bob_two_ws.close()
            # The last close is still announced.
            assert (await next_frame(ann_one_ws, "user_status", user_id=bob.id))["is_online"] is False
