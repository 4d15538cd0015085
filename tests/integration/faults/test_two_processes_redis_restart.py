"""Two server processes on PostgreSQL sharing a Redis that crashes and comes back while messages flow:
every committed write is answered as done, live delivery returns on both processes within 5 s, to
old and new sockets, presence is right again, and ``/ready/`` says 503 during the outage, 200 after."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator

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


async def texts(ws: ClientConnection) -> list[str]:
    """Message texts that arrived on ``ws`` so far (without waiting)."""
    seen: list[str] = []
    while True:
        try:
            async with asyncio.timeout(0.01):
                frame = json.loads(await ws.recv())
        except TimeoutError:
            return seen
        if frame.get("type") == "message":
            seen.append(frame["text"])


async def test_redis_crash_under_traffic_then_live_delivery_and_presence_return(
    servers: tuple[LiveServer, LiveServer], redis_server: RedisServer
) -> None:
    one, two = servers
    ann, bob = await sign_up(one, "ann"), await sign_up(one, "bob")
    chat_id = await private_chat(ann, bob)
    ann_two = Client(two, ann.user, ann.token)
    bob_two = Client(two, bob.user, bob.token)

    async with bob.socket(chat_id) as bob_one_ws, bob_two.socket(chat_id) as bob_two_ws:
        assert (await ann.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "before"})).status_code == 201
        assert (await next_frame(bob_one_ws, "message"))["text"] == "before"
        assert (await next_frame(bob_two_ws, "message"))["text"] == "before"

        redis_server.kill()
        statuses = []
        for i in range(20):  # writes keep coming, to both processes, while Redis is away
            poster = ann if i % 2 else ann_two
            statuses.append(
                (await poster.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": f"out{i}"})).status_code
            )
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
        listened = await texts(bob_one_ws) + await texts(bob_two_ws)
        assert not any(t.startswith("out") for t in listened)  # nothing lives through Redis meanwhile

        redis_server.start()
        back = time.monotonic()
        heard: dict[str, float] = {}
        i = 0
        while len(heard) < 2 and time.monotonic() - back < 8:
            i += 1
            sent = await ann.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": f"after{i}"})
            assert sent.status_code == 201
            await asyncio.sleep(0.2)
            for name, ws in (("one", bob_one_ws), ("two", bob_two_ws)):
                if any(t.startswith("after") for t in await texts(ws)):
                    heard.setdefault(name, time.monotonic() - back)
        assert set(heard) == {"one", "two"} and max(heard.values()) < 5, heard
        for server in (one, two):
            assert (await ready(server)).status_code == 200

        # New sockets on both processes hear live events, and see Bob online (re-registered by his
        # open sockets' heartbeat, though Redis came back empty).
        async with (
            ann.socket(chat_id, welcome=False) as ann_one_ws,
            ann_two.socket(chat_id, welcome=False) as ann_two_ws,
        ):
            for ws in (ann_one_ws, ann_two_ws):
                await next_frame(ws, "history")
                assert (await next_frame(ws, "user_status", user_id=bob.id))["is_online"] is True
            assert (await bob.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "new"})).status_code == 201
            assert (await next_frame(ann_one_ws, "message", text="new"))["sender_id"] == bob.id
            assert (await next_frame(ann_two_ws, "message", text="new"))["sender_id"] == bob.id

            await bob_one_ws.close()
            await bob_two_ws.close()
            # The last close is still announced.
            assert (await next_frame(ann_one_ws, "user_status", user_id=bob.id))["is_online"] is False
