"""Resuming every socket against real server processes: a client away while events happen comes
back with its last ``seq`` and gets exactly what it missed, in order, no duplicate, then live
events; a position the history no longer reaches gets ``"recovered": false``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection

from tests.conftest import Api, LiveServer, live_server, run_async, settings_for, truncate_all
from tests.e2e.ticketing_flow import make_organizer, published_event
from tests.e2e.ws.test_chat_socket import Client, next_frame, private_chat, sign_up
from tests.e2e.ws.test_expeditions_socket import PAST, Person, _person

pytestmark = pytest.mark.slow

HISTORY_SIZE = 5
Frame = dict[str, Any]


@pytest.fixture(scope="module")
def server(sqlite_url: str) -> Iterator[LiveServer]:
    """One server on the embedded default (in-memory history), keeping the last 5 events per stream."""
    run_async(truncate_all(sqlite_url))
    with live_server(settings_for(sqlite_url), env={"EVENT_HISTORY_SIZE": str(HISTORY_SIZE)}) as running:
        yield running


async def _frames_until_resume(ws: ClientConnection, within: float = 5) -> tuple[list[Frame], Frame]:
    """The frames before the ``resume`` frame, and the ``resume`` frame."""
    frames: list[Frame] = []
    async with asyncio.timeout(within):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "resume":
                return frames, frame
            frames.append(frame)


async def _quiet(ws: ClientConnection, wait: float = 0.4) -> list[Frame]:
    """Every frame that arrives within ``wait`` seconds."""
    frames: list[Frame] = []
    try:
        async with asyncio.timeout(wait):
            while True:
                frames.append(json.loads(await ws.recv()))
    except TimeoutError:
        return frames


# -- chat --------------------------------------------------------------------------------------


def _chat_url(client: Client, chat_id: int, since: int | None = None) -> str:
    query = f"&since={since}" if since is not None else ""
    return f"{client.server.ws_url}/ws/chat/{chat_id}/?token={client.token}{query}"


async def test_a_chat_client_away_gets_exactly_the_changes_it_missed_then_live_ones(server: LiveServer) -> None:
    ann, bob = await sign_up(server, "ann.chat"), await sign_up(server, "bob.chat")
    chat_id = await private_chat(ann, bob)
    post = f"/api/chats/{chat_id}/messages/"
    async with websockets.connect(_chat_url(bob, chat_id)) as ws:
        history = await next_frame(ws, "history")
        await ann.call("POST", post, json={"text": "before"})
        seen = await next_frame(ws, "message")
        assert seen["seq"] == history["seq"] + 1
    # Bob is away: three messages, an edit, a pin and a delete happen.
    ids = [(await ann.call("POST", post, json={"text": f"m{n}"})).json()["id"] for n in range(3)]
    await ann.call("PATCH", f"/api/messages/{ids[0]}/", json={"text": "m0, edited"})
    await ann.call("POST", f"/api/messages/{ids[1]}/pin/")
    await ann.call("DELETE", f"/api/messages/{ids[2]}/")

    async with websockets.connect(_chat_url(bob, chat_id, since=seen["seq"])) as ws:
        missed, resume = await _frames_until_resume(ws)
        assert [(f["type"], f["message_id"]) for f in missed] == [
            ("message", ids[0]),
            ("message", ids[1]),
            ("message", ids[2]),
            ("message_edited", ids[0]),
            ("message_pinned", ids[1]),
            ("message_deleted", ids[2]),
        ]
        assert [f["seq"] for f in missed] == list(range(seen["seq"] + 1, seen["seq"] + 7))  # in order, no gap
        assert missed[3]["text"] == "m0, edited"
        assert resume == {
            "type": "resume",
            "recovered": True,
            "since": seen["seq"],
            "seq": seen["seq"] + 6,
            "replayed": 6,
        }
        await ann.call("POST", post, json={"text": "live"})
        after = [f for f in await _quiet(ws, 1.5) if "seq" in f]
        assert [(f["type"], f["text"], f["seq"]) for f in after] == [("message", "live", seen["seq"] + 7)]

        # A resume frame on an open socket replays up to where its live events began, nothing twice.
        await ws.send(json.dumps({"type": "resume", "since": seen["seq"] + 4}))
        again, resume = await _frames_until_resume(ws)
        assert [f["seq"] for f in again] == [seen["seq"] + 5, seen["seq"] + 6]
        assert resume["recovered"] is True


async def test_a_chat_position_the_server_never_gave_is_not_recovered_and_history_follows(server: LiveServer) -> None:
    ann, bob = await sign_up(server, "ann.far"), await sign_up(server, "bob.far")
    chat_id = await private_chat(ann, bob)
    await ann.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "hello"})
    async with websockets.connect(_chat_url(bob, chat_id, since=99)) as ws:
        assert json.loads(await ws.recv()) == {"type": "resume", "recovered": False, "since": 99}
        history = await next_frame(ws, "history")
        assert [m["text"] for m in history["messages"]] == ["hello"] and history["seq"] == 1
    async with websockets.connect(_chat_url(bob, chat_id) + "&since=-3") as ws:
        assert (await next_frame(ws, "error"))["code"] == "invalid_frame"  # then served as without a position
        assert (await next_frame(ws, "history"))["seq"] == 1


# -- expeditions -------------------------------------------------------------------------------


def _expeditions_url(server: LiveServer, person: Person, since: int | None = None) -> str:
    query = f"&since={since}" if since is not None else ""
    return f"{server.ws_url}/ws/expeditions/?token={person.token}{query}"


async def _expedition(http: httpx.AsyncClient, chief: Person) -> int:
    created = await http.post(
        "/api/expeditions/", json={"title": "Ridge", "start_at": PAST, "capacity": 9}, headers=chief.headers
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def test_an_expedition_client_away_gets_the_events_of_its_expeditions_it_missed(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
        bob, cat = await _person(http, "bob@example.com"), await _person(http, "cat@example.com")
        expedition_id = await _expedition(http, chief)
        async with websockets.connect(_expeditions_url(server, ann)) as ws:
            hello = await next_frame(ws, "hello")
            await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": ann.id}, headers=chief.headers
            )
            invited = await next_frame(ws, "member_invited")
            assert invited["seq"] > hello["seq"]
        # Ann is away: bob is invited and confirms, and an expedition she is not in has news too.
        await http.post(f"/api/expeditions/{expedition_id}/invite/", json={"user_id": bob.id}, headers=chief.headers)
        await http.post(f"/api/expeditions/{expedition_id}/confirm/", headers=bob.headers)
        elsewhere = await _expedition(http, chief)
        await http.post(f"/api/expeditions/{elsewhere}/invite/", json={"user_id": cat.id}, headers=chief.headers)

        async with websockets.connect(_expeditions_url(server, ann, since=invited["seq"])) as ws:
            missed, resume = await _frames_until_resume(ws)
            assert [(f["type"], f["user"]["id"]) for f in missed] == [
                ("member_invited", bob.id),
                ("member_confirmed", bob.id),
            ]
            # The position covers the events of other expeditions read past, too.
            assert missed[0]["seq"] < missed[1]["seq"] < resume["seq"] and resume["recovered"] is True
            hello = await next_frame(ws, "hello")
            assert hello["seq"] == resume["seq"]
            await http.post(f"/api/expeditions/{expedition_id}/confirm/", headers=ann.headers)
            live = await next_frame(ws, "member_confirmed")
            assert live["user"]["id"] == ann.id and live["seq"] > resume["seq"]
            assert not [f for f in await _quiet(ws) if f.get("type") == "member_invited"]  # nothing twice


async def test_an_expedition_position_that_fell_out_of_the_history_is_not_recovered(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
        expedition_id = await _expedition(http, chief)
        await http.post(f"/api/expeditions/{expedition_id}/invite/", json={"user_id": ann.id}, headers=chief.headers)
        async with websockets.connect(_expeditions_url(server, ann)) as ws:
            position = (await next_frame(ws, "hello"))["seq"]
        for n in range(HISTORY_SIZE + 1):
            guest = await _person(http, f"guest{n}@example.com")
            await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": guest.id}, headers=chief.headers
            )
        async with websockets.connect(_expeditions_url(server, ann, since=position)) as ws:
            assert json.loads(await ws.recv()) == {"type": "resume", "recovered": False, "since": position}
            assert (await next_frame(ws, "hello"))["expedition_ids"] == [expedition_id]


# -- event metrics -----------------------------------------------------------------------------


async def test_a_metrics_client_away_gets_the_snapshots_it_missed_or_is_told_to_refetch(
    server: LiveServer, sqlite_url: str
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        api = Api(client=http, settings=settings_for(sqlite_url), clock=None)
        _, organizer = await make_organizer(api, "org@example.com")
        event = await published_event(api, organizer, capacity=1)
        guests = [(await api.user(f"guest.m{n}@example.com"))[1] for n in range(HISTORY_SIZE + 2)]
        url = f"{server.ws_url}/ws/events/{event['id']}/?token={organizer['Authorization'].split()[1]}"
        reservations = f"/api/events/{event['id']}/reservations/"
        async with websockets.connect(url) as ws:
            snapshot = await next_frame(ws, "metrics")
            await http.post(reservations, headers=guests[0])
            seen = await next_frame(ws, "metrics")
            assert (seen["seq"], seen["confirmed_count"]) == (snapshot["seq"] + 1, 1)
        await http.post(reservations, headers=guests[1])  # waitlisted
        await http.post(reservations, headers=guests[2])  # waitlisted

        async with websockets.connect(f"{url}&since={seen['seq']}") as ws:
            missed, resume = await _frames_until_resume(ws)
            assert [(f["seq"], f["waitlist_count"]) for f in missed] == [(seen["seq"] + 1, 1), (seen["seq"] + 2, 2)]
            assert resume["recovered"] is True and resume["seq"] == seen["seq"] + 2
            await http.post(reservations, headers=guests[3])
            live = await next_frame(ws, "metrics")
            assert (live["seq"], live["waitlist_count"]) == (seen["seq"] + 3, 3)
            assert await _quiet(ws) == []

        for guest in guests[4:]:
            await http.post(reservations, headers=guest)
        async with websockets.connect(f"{url}&since={seen['seq']}") as ws:  # 6 snapshots since: 5 are kept
            assert json.loads(await ws.recv()) == {"type": "resume", "recovered": False, "since": seen["seq"]}
            fresh = await next_frame(ws, "metrics")
            assert fresh["waitlist_count"] == HISTORY_SIZE + 1 and fresh["seq"] == seen["seq"] + HISTORY_SIZE + 1


# -- two processes sharing Redis ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
async def test_events_published_on_another_process_are_recovered_through_redis(
    postgres_url: str, redis_url: str
) -> None:
    await truncate_all(postgres_url)
    redis = Redis.from_url(redis_url)
    await redis.flushdb()  # ids start again at 1: no user cached by an earlier test may answer for them
    await redis.aclose()
    settings = settings_for(postgres_url, redis_url=redis_url)
    with live_server(settings) as first, live_server(settings) as second:
        async with httpx.AsyncClient(base_url=first.base_url, timeout=10) as http:
            chief, ann = await _person(http, "chief@example.com", "chief"), await _person(http, "ann@example.com")
            bob = await _person(http, "bob@example.com")
            expedition_id = await _expedition(http, chief)
            await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": ann.id}, headers=chief.headers
            )
            async with websockets.connect(_expeditions_url(second, ann)) as ws:
                position = (await next_frame(ws, "hello"))["seq"]
            # Published by the first process while Ann is away; she comes back on the second.
            await http.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": bob.id}, headers=chief.headers
            )
            await http.post(
                f"/api/expeditions/{expedition_id}/status/", json={"status": "ready"}, headers=chief.headers
            )
            async with websockets.connect(_expeditions_url(second, ann, since=position)) as ws:
                missed, resume = await _frames_until_resume(ws)
                assert [f["type"] for f in missed] == ["member_invited", "expedition_status"]
                assert missed[0]["seq"] < missed[1]["seq"] == resume["seq"]
