"""Two server processes sharing PostgreSQL and Redis: ended sessions are refused at once on both,
over HTTP and on sockets (close 4401)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from redis.asyncio import Redis

from app.bootstrap import build_services
from tests.conftest import LiveServer, live_server, settings_for, truncate_all

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
PASSWORD = "s3cret-pass"


async def call(server: LiveServer, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        return await http.request(method, path, headers=headers, **kwargs)


async def login(server: LiveServer, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await call(server, "POST", "/api/token/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def socket_outcome(server: LiveServer, chat_id: int, token: str) -> str:
    """``history`` when the socket was let in, else its close code."""
    async with websockets.connect(f"{server.ws_url}/ws/chat/{chat_id}/?token={token}") as ws:
        try:
            async with asyncio.timeout(5):
                return str(json.loads(await ws.recv())["type"])
        except websockets.ConnectionClosed as closed:
            return str(closed.rcvd.code if closed.rcvd else None)


async def refused_everywhere(servers: tuple[LiveServer, ...], chat_id: int, token: str) -> list[tuple[int, Any, str]]:
    results = []
    for server in servers:
        me = await call(server, "GET", "/api/users/me/", token)
        results.append((me.status_code, me.json().get("code"), await socket_outcome(server, chat_id, token)))
    return results


async def test_ended_sessions_are_refused_at_once_on_two_processes(postgres_url: str, redis_url: str) -> None:
    await truncate_all(postgres_url)
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()
    settings = settings_for(postgres_url, redis_url=redis_url)
    services = build_services(settings)
    await services.user_admin.create_superuser(email="root@example.com", password=PASSWORD, name="Root")
    await services.aclose()
    dead = [(401, "token_revoked", "4401")] * 2
    alive = [(200, None, "history")] * 2

    with live_server(settings) as one, live_server(settings) as two:
        servers = (one, two)
        for name in ("ann", "bob"):
            created = await call(
                one, "POST", "/api/users/", json={"email": f"{name}@example.com", "password": PASSWORD, "name": name}
            )
            assert created.status_code == 201, created.text
        bob_id = (await call(one, "GET", "/api/users/me/", (await login(one, "bob@example.com"))["access"])).json()[
            "id"
        ]
        ann_keeper = await login(one, "ann@example.com")
        room = (await call(one, "POST", "/api/chats/", ann_keeper["access"], json={"type": "room", "name": "r"})).json()
        bob_keeper = await login(one, "bob@example.com")
        assert (await call(one, "POST", f"/api/chats/{room['id']}/join/", bob_keeper["access"])).status_code == 200

        # Logout on process one ends that login's access token on both processes.
        laptop = await login(one, "ann@example.com")
        assert await refused_everywhere(servers, room["id"], laptop["access"]) == alive  # cached on both
        revoked = await call(one, "POST", "/api/token/revoke/", laptop["access"], json={"refresh": laptop["refresh"]})
        assert revoked.status_code == 204
        assert await refused_everywhere(servers, room["id"], laptop["access"]) == dead

        # A password change on process two ends every other session on both processes.
        phone = await login(two, "ann@example.com")
        assert await refused_everywhere(servers, room["id"], phone["access"]) == alive
        changed = await call(
            two,
            "PATCH",
            "/api/users/me/",
            ann_keeper["access"],
            json={"password": "n3w-password", "current_password": PASSWORD},
        )
        assert changed.status_code == 200, changed.text
        for token in (phone["access"], ann_keeper["access"]):
            assert await refused_everywhere(servers, room["id"], token) == dead
        assert await refused_everywhere(servers, room["id"], changed.json()["access"]) == alive

        # An admin deactivates Bob on process two: his token is refused on both at once.
        assert await refused_everywhere(servers, room["id"], bob_keeper["access"]) == alive
        root = await login(two, "root@example.com")
        off = await call(two, "PUT", f"/api/admin/users/{bob_id}/active/", root["access"], json={"is_active": False})
        assert off.status_code == 200, off.text
        assert await refused_everywhere(servers, room["id"], bob_keeper["access"]) == dead
