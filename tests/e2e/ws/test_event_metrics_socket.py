"""``/ws/events/{id}/`` against a real server process: a snapshot on connect and one after every
reservation, cancellation (with promotion), decision and check-in."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from app.settings import Settings
from tests.conftest import Api, LiveServer, live_server, settings_for, truncate_all
from tests.e2e.ticketing_flow import event_watch, make_organizer, published_event

pytestmark = pytest.mark.slow
FIELDS = ("confirmed_count", "pending_count", "waitlist_count", "checked_in_count", "spots_left")


async def _recv(ws: Any, timeout_s: float = 5) -> str:
    async with asyncio.timeout(timeout_s):
        return str(await ws.recv())


def _counts(frame: dict[str, Any]) -> tuple[int, ...]:
    assert frame["type"] == "metrics"
    return tuple(frame[name] for name in FIELDS)


async def _next_counts(ws: Any) -> tuple[int, ...]:
    return _counts(json.loads(await _recv(ws)))


@dataclass
class Stage:
    """A real server, a client on it, an organizer's published event, and two users: Ann and Bob."""

    server: LiveServer
    client: httpx.AsyncClient
    organizer: dict[str, str]
    event: dict[str, Any]
    ann: dict[str, str]
    bob: dict[str, str]

    def socket_url(self, headers: dict[str, str]) -> str:
        return f"{self.server.ws_url}/ws/events/{self.event['id']}/?token={headers['Authorization'].split()[1]}"


@contextlib.asynccontextmanager
async def stage(settings: Settings, **event_fields: Any) -> AsyncIterator[Stage]:
    with live_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            api = Api(client=client, settings=settings, clock=None)
            _, organizer = await make_organizer(api, "org@example.com")
            event = await published_event(api, organizer, **event_fields)
            _, ann = await api.user("ann@example.com")
            _, bob = await api.user("bob@example.com")
            yield Stage(server, client, organizer, event, ann, bob)


async def test_metrics_socket_follows_every_step_of_a_reservation(database_url: str) -> None:
    async with stage(settings_for(database_url), capacity=1) as st:
        client, event_id = st.client, st.event["id"]
        async with websockets.connect(st.socket_url(st.organizer)) as ws:
            snapshot = json.loads(await _recv(ws))
            assert snapshot["event_id"] == event_id
            assert _counts(snapshot) == (0, 0, 0, 0, 1)

            first = (await client.post(f"/api/events/{event_id}/reservations/", headers=st.ann)).json()
            assert await _next_counts(ws) == (1, 0, 0, 0, 0)
            await client.post(f"/api/events/{event_id}/reservations/", headers=st.bob)
            assert await _next_counts(ws) == (1, 0, 1, 0, 0)

            await client.delete(f"/api/reservations/{first['id']}/", headers=st.ann)
            assert await _next_counts(ws) == (1, 0, 0, 0, 0)  # bob promoted at once

            [promoted] = (await client.get("/api/reservations/", headers=st.bob)).json()["results"]
            checked = await client.post(
                "/api/check-in/", json={"secret": promoted["ticket_secret"]}, headers=st.organizer
            )
            assert checked.status_code == 200
            assert await _next_counts(ws) == (1, 0, 0, 1, 0)

            await ws.send(json.dumps({"action": "ping"}))
            assert json.loads(await _recv(ws)) == {"type": "pong"}
            await ws.send(json.dumps({"action": "dance"}))
            assert json.loads(await _recv(ws))["code"] == "unknown_frame"


async def test_metrics_socket_refuses_missing_tokens_and_hidden_events(sqlite_url: str) -> None:
    await truncate_all(sqlite_url)
    settings = settings_for(sqlite_url)
    with live_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            api = Api(client=client, settings=settings, clock=None)
            _, organizer = await make_organizer(api, "org@example.com")
            draft = await client.post(
                "/api/events/",
                json={"title": "Secret", "starts_at": "2099-01-01T10:00:00Z", "capacity": 3},
                headers=organizer,
            )
            _, ann = await api.user("ann@example.com")
            token = ann["Authorization"].split()[1]

            async with websockets.connect(f"{server.ws_url}/ws/events/{draft.json()['id']}/") as ws:
                with pytest.raises(ConnectionClosed) as closed:
                    await _recv(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

            async with websockets.connect(f"{server.ws_url}/ws/events/{draft.json()['id']}/?token={token}") as ws:
                assert json.loads(await _recv(ws))["code"] == "event_not_found"
                with pytest.raises(ConnectionClosed) as closed:
                    await _recv(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


@pytest.mark.postgres
@pytest.mark.redis
async def test_metrics_reach_a_socket_on_another_server_process(postgres_url: str, redis_url: str) -> None:
    await truncate_all(postgres_url)
    settings = settings_for(postgres_url, redis_url=redis_url)
    with live_server(settings) as first, live_server(settings) as second:
        async with httpx.AsyncClient(base_url=second.base_url, timeout=10) as client:
            api = Api(client=client, settings=settings, clock=None)
            _, event, ann, token = await event_watch(api, capacity=2)

            async with websockets.connect(f"{first.ws_url}/ws/events/{event['id']}/?token={token}") as ws:
                assert _counts(json.loads(await _recv(ws))) == (0, 0, 0, 0, 2)
                reserved = await client.post(f"/api/events/{event['id']}/reservations/", headers=ann)
                assert reserved.status_code == 201
                assert _counts(json.loads(await _recv(ws))) == (1, 0, 0, 0, 1)


async def test_metrics_socket_follows_decisions_and_the_event_cancellation(sqlite_url: str) -> None:
    await truncate_all(sqlite_url)
    async with stage(settings_for(sqlite_url), capacity=1, requires_approval=True) as st:
        client, event_id, organizer = st.client, st.event["id"], st.organizer
        async with websockets.connect(st.socket_url(st.ann)) as ws:  # any signed-in user may watch
            assert await _next_counts(ws) == (0, 0, 0, 0, 1)
            first = (await client.post(f"/api/events/{event_id}/reservations/", headers=st.ann)).json()
            assert await _next_counts(ws) == (0, 1, 0, 0, 1)
            second = (await client.post(f"/api/events/{event_id}/reservations/", headers=st.bob)).json()
            assert await _next_counts(ws) == (0, 2, 0, 0, 1)
            await client.post(f"/api/reservations/{first['id']}/confirm/", headers=organizer)
            assert await _next_counts(ws) == (1, 1, 0, 0, 0)
            await client.post(f"/api/reservations/{second['id']}/reject/", headers=organizer)
            assert await _next_counts(ws) == (1, 0, 0, 0, 0)
            await client.post(f"/api/events/{event_id}/cancel/", headers=organizer)
            assert await _next_counts(ws) == (0, 0, 0, 0, 1)
            await ws.send(json.dumps({"action": "refresh"}))
            assert await _next_counts(ws) == (0, 0, 0, 0, 1)
