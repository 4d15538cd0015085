"""``/ws/expeditions/`` against real server processes and a real WebSocket client."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import LiveServer, live_server, run_async, settings_for, truncate_all

pytestmark = pytest.mark.slow

PAST = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
_serial = itertools.count()


@dataclass
class Person:
    id: int
    token: str
    name: str
    email: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def _person(http: httpx.AsyncClient, email: str, role: str = "member") -> Person:
    name, email = email.split("@")[0], f"{next(_serial)}.{email}"  # unique across the module's tests
    created = await http.post(
        "/api/users/", json={"email": email, "password": "s3cret-pass", "name": name, "role": role}
    )
    assert created.status_code == 201, created.text
    tokens = await http.post("/api/token/", json={"email": email, "password": "s3cret-pass"})
    return Person(id=created.json()["id"], token=tokens.json()["access"], name=name, email=email)


async def _create(http: httpx.AsyncClient, chief: Person) -> int:
    created = await http.post(
        "/api/expeditions/", json={"title": "Arctic", "start_at": PAST, "capacity": 5}, headers=chief.headers
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def _frame(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), 5)))


async def _event(ws: ClientConnection) -> dict[str, Any]:
    """The next frame, an event: its position ``seq`` checked and taken off."""
    frame = await _frame(ws)
    assert isinstance(frame.pop("seq"), int), frame
    return frame


@asynccontextmanager
async def _socket(server: LiveServer, person: Person) -> AsyncIterator[tuple[ClientConnection, dict[str, Any]]]:
    """A connected socket and its hello frame (sent once every subscription is in place)."""
    async with connect(f"{server.ws_url}/ws/expeditions/?token={person.token}") as ws:
        hello = await _frame(ws)
        assert hello["type"] == "hello"
        yield ws, hello


@pytest.fixture(scope="module")
def fresh_server(sqlite_url: str) -> Iterator[LiveServer]:
    """One server for the module; every test registers its own users, so tests do not see each other."""
    run_async(truncate_all(sqlite_url))
    with live_server(settings_for(sqlite_url)) as running:
        yield running


async def test_an_invited_user_follows_the_expedition_at_once_without_reconnecting(fresh_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=fresh_server.base_url) as http:
        chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
        bob = await _person(http, "bob@example.com")
        expedition_id = await _create(http, chief)
        async with (
            _socket(fresh_server, chief) as (chief_ws, chief_hello),
            _socket(fresh_server, ann) as (
                ann_ws,
                ann_hello,
            ),
        ):
            assert (chief_hello["expedition_ids"], ann_hello["expedition_ids"]) == ([expedition_id], [])

            invited = await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": ann.id}, headers=chief.headers
            )
            assert invited.status_code == 201
            expected_invite = {
                "type": "member_invited",
                "expedition_id": expedition_id,
                "user": {"id": ann.id, "name": "ann", "email": ann.email},
            }
            assert await _event(ann_ws) == expected_invite
            assert await _event(chief_ws) == expected_invite

            await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": bob.id}, headers=chief.headers
            )
            assert (await _frame(ann_ws))["user"]["id"] == bob.id  # ann now follows the expedition's events
            assert (await _frame(chief_ws))["user"]["id"] == bob.id

            for member in (ann, bob):
                confirmed = await http.post(f"/api/expeditions/{expedition_id}/confirm/", headers=member.headers)
                assert confirmed.status_code == 200
                for ws in (ann_ws, chief_ws):
                    frame = await _frame(ws)
                    assert (frame["type"], frame["expedition_id"], frame["user"]["id"]) == (
                        "member_confirmed",
                        expedition_id,
                        member.id,
                    )

            await http.post(
                f"/api/expeditions/{expedition_id}/status/", json={"status": "ready"}, headers=chief.headers
            )
            status = {"type": "expedition_status", "expedition_id": expedition_id, "status": "ready"}
            assert await _event(ann_ws) == {**status, "previous_status": "draft"}
            assert await _event(chief_ws) == {**status, "previous_status": "draft"}


async def test_a_user_who_declines_stops_hearing_the_expedition(fresh_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=fresh_server.base_url) as http:
        chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
        expedition_id = await _create(http, chief)
        path = f"/api/expeditions/{expedition_id}"
        await http.post(f"{path}/invite/", json={"user_id": ann.id}, headers=chief.headers)
        async with _socket(fresh_server, ann) as (ws, hello):
            assert hello["expedition_ids"] == [expedition_id]
            await http.post(f"{path}/decline/", headers=ann.headers)
            assert (await _frame(ws))["type"] == "member_declined"
            await http.post(f"{path}/status/", json={"status": "ready"}, headers=chief.headers)
            await ws.send(json.dumps({"action": "ping"}))
            assert await _frame(ws) == {"type": "pong"}  # the status change was not delivered
            await ws.send(json.dumps({"action": "subscribe", "expedition_id": expedition_id}))
            assert (await _frame(ws))["code"] == "forbidden"


async def test_a_chief_follows_an_expedition_created_while_connected(fresh_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=fresh_server.base_url) as http:
        chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
        async with _socket(fresh_server, chief) as (ws, hello):
            assert hello["expedition_ids"] == []
            expedition_id = await _create(http, chief)
            assert await _event(ws) == {
                "type": "expedition_created",
                "expedition_id": expedition_id,
                "chief_id": chief.id,
                "title": "Arctic",
            }
            await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": ann.id}, headers=chief.headers
            )
            assert (await _frame(ws))["type"] == "member_invited"


async def test_refused_changes_send_no_event(fresh_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=fresh_server.base_url) as http:
        chief = await _person(http, "chief@example.com", "chief")
        expedition_id = await _create(http, chief)
        async with _socket(fresh_server, chief) as (ws, _):
            refused = await http.post(
                f"/api/expeditions/{expedition_id}/status/", json={"status": "active"}, headers=chief.headers
            )
            assert refused.json()["code"] == "invalid_transition"
            await ws.send(json.dumps({"action": "ping"}))
            assert await _frame(ws) == {"type": "pong"}  # nothing was published before the pong


async def test_ping_subscribe_and_unsubscribe(fresh_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=fresh_server.base_url) as http:
        chief, other = await _person(http, "chief@example.com", "chief"), await _person(http, "o@example.com", "chief")
        ann = await _person(http, "ann@example.com")
        mine, theirs = await _create(http, chief), await _create(http, other)
        async with _socket(fresh_server, chief) as (ws, _):
            await ws.send(json.dumps({"action": "subscribe", "expedition_id": theirs}))
            assert (await _frame(ws))["code"] == "forbidden"
            for bad in ({"action": "subscribe"}, {"action": "subscribe", "expedition_id": "1"}, {"action": "fly"}):
                await ws.send(json.dumps(bad))
                assert (await _frame(ws))["type"] == "error"

            await ws.send(json.dumps({"action": "unsubscribe", "expedition_id": mine}))
            assert await _frame(ws) == {"type": "unsubscribed", "expedition_id": mine}
            await http.post(f"/api/expeditions/{mine}/invite/", json={"user_id": ann.id}, headers=chief.headers)
            await ws.send(json.dumps({"action": "ping"}))
            assert await _frame(ws) == {"type": "pong"}  # the invitation was not delivered

            await ws.send(json.dumps({"action": "subscribe", "expedition_id": mine}))
            assert await _frame(ws) == {"type": "subscribed", "expedition_id": mine}
            await http.post(f"/api/expeditions/{mine}/status/", json={"status": "ready"}, headers=chief.headers)
            assert (await _frame(ws))["status"] == "ready"


async def test_a_socket_without_a_valid_token_is_closed_with_4401(fresh_server: LiveServer) -> None:
    for query in ("", "?token=nope"):
        async with connect(f"{fresh_server.ws_url}/ws/expeditions/{query}") as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.postgres
@pytest.mark.redis
async def test_events_reach_sockets_served_by_another_process_through_redis(postgres_url: str, redis_url: str) -> None:
    await truncate_all(postgres_url)
    settings = settings_for(postgres_url, redis_url=redis_url)
    with live_server(settings) as first, live_server(settings) as second:
        async with httpx.AsyncClient(base_url=second.base_url) as http:
            chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
            expedition_id = await _create(http, chief)
            async with _socket(first, ann) as (ann_ws, _), _socket(first, chief) as (chief_ws, _):
                await http.post(
                    f"/api/expeditions/{expedition_id}/invite/", json={"user_id": ann.id}, headers=chief.headers
                )
                assert (await _frame(ann_ws))["type"] == "member_invited"
                assert (await _frame(chief_ws))["type"] == "member_invited"
                await http.post(f"/api/expeditions/{expedition_id}/confirm/", headers=ann.headers)
                assert (await _frame(ann_ws))["type"] == "member_confirmed"
                assert (await _frame(chief_ws))["type"] == "member_confirmed"
