"""Presence on the chat socket against a real server: one snapshot on connect, changes coalesced."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

import pytest
import websockets

from tests.conftest import LiveServer, live_server, settings_for, truncate_all
from tests.e2e.ws.test_chat_socket import Client, Frame, next_frame, no_frame, sign_up

pytestmark = pytest.mark.slow

INTERVAL_S = 1.0


@pytest.fixture(scope="module")
def server(sqlite_url: str) -> Iterator[LiveServer]:
    with live_server(settings_for(sqlite_url, presence_interval_s=INTERVAL_S)) as running:
        yield running


@pytest.fixture
async def room(server: LiveServer, sqlite_url: str) -> tuple[int, list[Client]]:
    """A room of six members: its owner first."""
    await truncate_all(sqlite_url)
    people = [await sign_up(server, f"p{i}") for i in range(6)]
    created = await people[0].call("POST", "/api/chats/", json={"type": "room", "name": "crowd"})
    room_id = int(created.json()["id"])
    for person in people[1:]:
        assert (await person.call("POST", f"/api/chats/{room_id}/join/")).status_code in (200, 201, 204)
    return room_id, people


async def _frames(ws: websockets.ClientConnection, quiet_s: float) -> list[Frame]:
    """Every frame until none comes for ``quiet_s``."""
    frames: list[Frame] = []
    while True:
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), timeout=quiet_s)))
        except TimeoutError:
            return frames


def _presence(frames: list[Frame]) -> list[Frame]:
    return [f for f in frames if f["type"] in ("user_status", "presence_changed")]


async def test_connect_sends_one_presence_frame_listing_who_is_online(room: tuple[int, list[Client]]) -> None:
    room_id, (owner, *others) = room
    async with others[0].socket(room_id), others[1].socket(room_id):
        await asyncio.sleep(INTERVAL_S + 0.3)  # their own arrivals are announced and done
        async with owner.socket(room_id, welcome=False) as ws:
            assert (await next_frame(ws, "history"))["chat_id"] == room_id
            presence = await next_frame(ws, "presence")
            expected = sorted([others[0].id, others[1].id])
            assert presence == {"type": "presence", "chat_id": room_id, "online": expected, "online_count": 2}
            await no_frame(ws, "user_status", wait=0.5)  # the snapshot replaces one frame per member


async def test_a_crowd_coming_and_going_within_an_interval_costs_a_watcher_one_frame_each_way(
    room: tuple[int, list[Client]],
) -> None:
    room_id, (owner, *others) = room
    async with owner.socket(room_id) as watcher:
        await _frames(watcher, 0.3)
        async with others[0].socket(room_id):
            first = await next_frame(watcher, "user_status", user_id=others[0].id)
            assert first["is_online"] is True  # a change alone is announced at once, as user_status
            sockets = [websockets.connect(f"{p.server.ws_url}/ws/chat/{room_id}/?token={p.token}") for p in others[1:]]
            opened = await asyncio.gather(*sockets)
            try:
                arrived = _presence(await _frames(watcher, 2 * INTERVAL_S + 1.0))  # a crowd doubles the next interval
            finally:
                await opened[0].close()
                left = await next_frame(watcher, "user_status", user_id=others[1].id)  # alone again: at once
                await asyncio.gather(*(ws.close() for ws in opened[1:]))
            assert (
                arrived
                == [  # four arrivals within the interval: one frame at its end
                    {
                        "type": "presence_changed",
                        "chat_id": room_id,
                        "online": sorted(p.id for p in others[1:]),
                        "offline": [],
                    }
                ]
            )
            assert left["is_online"] is False
            gone = _presence(await _frames(watcher, INTERVAL_S + 1.0))
            assert gone == [
                {
                    "type": "presence_changed",
                    "chat_id": room_id,
                    "online": [],
                    "offline": sorted(p.id for p in others[2:]),
                }
            ]


def _statuses_of(user_id: int, frames: list[Frame]) -> list[bool]:
    """What ``frames`` say of one user's presence, in order."""
    said: list[bool] = []
    for frame in _presence(frames):
        if frame["type"] == "user_status" and frame["user_id"] == user_id:
            said.append(frame["is_online"])
        elif frame["type"] == "presence_changed" and user_id in frame["online"] + frame["offline"]:
            said.append(user_id in frame["online"])
    return said


async def test_a_user_who_comes_and_goes_within_an_interval_is_announced_gone_to_those_shown_them_online(
    room: tuple[int, list[Client]],
) -> None:
    """A socket that connected while a user was there was shown them online by its snapshot: the
    interval's announcement tells it they left, though they came and went within the interval."""
    room_id, (owner, first, second, late, *_) = room
    async with owner.socket(room_id) as watcher, first.socket(room_id), contextlib.AsyncExitStack() as keep:
        await next_frame(watcher, "user_status", user_id=first.id, is_online=True)  # opens the interval
        async with second.socket(room_id):
            late_ws = await keep.enter_async_context(late.socket(room_id, welcome=False))
            assert second.id in (await next_frame(late_ws, "presence"))["online"]
        said_to_late = _statuses_of(second.id, await _frames(late_ws, INTERVAL_S + 1.0))
        said_to_watcher = _statuses_of(second.id, await _frames(watcher, 0.5))
    assert said_to_late[-1:] == [False] and len(said_to_late) <= 2
    assert said_to_watcher[-1:] == [False] and len(said_to_watcher) <= 2
