"""Every socket path of a real server on PostgreSQL, fed malformed, oversized, deeply nested,
out-of-range and control-character frames (a fixed corpus, then derandomized generated frames):
each bad frame gets an ``error`` frame with a ``code``, and the socket stays open (a valid frame
right after it is answered)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import websockets
from hypothesis import Phase, given
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection

from tests.conftest import run_async, settings_for, truncate_all
from tests.e2e.fuzz.examples import bounded
from tests.e2e.fuzz.world import World, populated_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

Frame = dict[str, Any]
HUGE_IDS = (2**63, 2**64, -1, 0, -(2**63) - 1, 10**40)
DEEP = "[" * 5000 + "]" * 5000
JUST_TOO_DEEP = "[" * 33 + "]" * 33
COMMON_BAD: list[str | bytes] = [
    "not json",
    '{"type":',
    "[]",
    "42",
    '"text"',
    "null",
    b"\xff\xfe\x00garbage",
    "x" * (64 * 1024 + 1),
    DEEP,
    '{"type": "message", "text": ' + DEEP + "}",
    '{"action": "ping", "x": ' + JUST_TOO_DEEP + "}",
    '{"type": "no-such-frame"}',
    '{"action": "no-such-action"}',
]


def _chat_bad(message_id: int) -> list[str | bytes]:
    frames: list[Frame] = [
        {"type": "message", "text": "a\u0000b"},
        {"type": "message", "text": "bell\u0007"},
        {"message": "escape\u001b[31m"},
        {"type": "message", "text": ""},
        {"type": "message", "text": "x" * 4001},
        {"type": "message", "text": 5},
        {"type": "message"},
        {"type": "edit", "message_id": message_id, "text": "nul\u0000"},
        {"type": "typing", "is_typing": "yes"},
        {"type": "read", "last_read_message_id": "x"},
        {"type": "message", "text": "hi", "unknown": 1},
    ]
    for huge in HUGE_IDS:
        frames += [
            {"type": "message", "text": "hi", "reply_to": huge},
            {"type": "read", "last_read_message_id": huge},
            {"type": "forward", "message_id": huge, "target_chat_id": 1},
            {"type": "forward", "message_id": message_id, "target_chat_id": huge},
            {"type": "edit", "message_id": huge, "text": "x"},
            {"type": "delete", "message_id": huge},
            {"type": "pin", "message_id": huge},
        ]
    return [*COMMON_BAD, *(json.dumps(frame) for frame in frames)]


def _expeditions_bad() -> list[str | bytes]:
    actions = ("subscribe", "unsubscribe")
    frames: list[Frame] = [{"action": action, "expedition_id": huge} for action in actions for huge in HUGE_IDS]
    frames += [{"action": action, "expedition_id": value} for action in actions for value in ("1", None, True, 1.5)]
    frames += [{"action": "\u0000ping"}, {"type": "ping\u0000"}]
    return [*COMMON_BAD, *(json.dumps(frame) for frame in frames)]


@pytest.fixture(scope="module")
def world(postgres_url: str) -> Iterator[World]:
    run_async(truncate_all(postgres_url))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHAT_FRAME_RATE", "1000")
        patch.setenv("CHAT_FRAME_BURST", "1000")
        with populated_server(settings_for(postgres_url)) as populated:
            yield populated


async def _next(ws: ClientConnection, kinds: set[str], within: float = 5) -> Frame:
    """The next frame whose type is one of ``kinds``, skipping live events."""
    async with asyncio.timeout(within):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") in kinds:
                return dict(frame)


class Probe:
    """One open socket, the frame that proves it still answers, and the answer's type."""

    def __init__(self, ws: ClientConnection, check: str, answer: str, pace: float) -> None:
        self.ws, self.check, self.answer, self.pace = ws, check, answer, pace

    async def still_open(self, *, after_error: bool = False) -> None:
        """Send the valid frame and see its answer; ``after_error``: the frame before may have been
        refused, so its error frame (with a code, never ``internal_error``) may come first."""
        await asyncio.sleep(self.pace)
        await self.ws.send(self.check)
        reply = await _next(self.ws, {self.answer, "error"})
        if after_error and reply["type"] == "error":
            assert reply.get("code") and reply["code"] != "internal_error", reply
            reply = await _next(self.ws, {self.answer, "error"})
        assert reply["type"] == self.answer, reply

    async def refused(self, frame: str | bytes) -> Frame:
        await asyncio.sleep(self.pace)
        await self.ws.send(frame)
        error = await _next(self.ws, {"error"})
        assert isinstance(error.get("code"), str) and error["code"], error
        assert error["code"] != "internal_error", (frame[:200], error)
        await self.still_open()
        return error


@asynccontextmanager
async def socket_probe(world: World, path: str) -> AsyncIterator[Probe]:
    url = f"{world.server.ws_url}{path}?token={world.tokens['member']}"
    async with websockets.connect(url, max_size=2**22) as ws:
        if path.startswith("/ws/chat/"):
            await _next(ws, {"history"})
            last = world.ids["room_message" if path == f"/ws/chat/{world.ids['room']}/" else "message"]
            yield Probe(ws, json.dumps({"type": "read", "last_read_message_id": last}), "unread", 0)
        elif path.startswith("/ws/events/"):
            await _next(ws, {"metrics"})
            yield Probe(ws, '{"action": "ping"}', "pong", 0.06)  # the socket's own pace: 20 frames a second
        else:
            await _next(ws, {"hello"})
            yield Probe(ws, '{"action": "ping"}', "pong", 0.06)


def _paths(world: World) -> dict[str, list[str | bytes]]:
    return {
        f"/ws/chat/{world.ids['group']}/": _chat_bad(world.ids["message"]),
        f"/ws/chat/{world.ids['room']}/": _chat_bad(world.ids["message"]),
        "/ws/expeditions/": _expeditions_bad(),
        f"/ws/events/{world.ids['event']}/": [*COMMON_BAD, '{"action": "\\u0000ping"}', '{"type": "ping\\u0007"}'],
    }


@pytest.mark.parametrize("kind", ["chat-group", "chat-room", "expeditions", "event-metrics"])
async def test_every_bad_frame_gets_an_error_frame_and_the_socket_stays_open_on(kind: str, world: World) -> None:
    path, corpus = list(_paths(world).items())[["chat-group", "chat-room", "expeditions", "event-metrics"].index(kind)]
    codes: set[str] = set()
    async with socket_probe(world, path) as probe:
        for frame in corpus:
            codes.add((await probe.refused(frame))["code"])
    assert {"invalid_frame", "frame_too_large", "json_too_deep"} <= codes
    if kind.startswith("chat"):
        assert "invalid_text" in codes


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "type",
        "action",
        "text",
        "message",
        "reply_to",
        "message_id",
        "target_chat_id",
        "last_read_message_id",
        "is_typing",
        "pinned",
        "expedition_id",
    ]
)
_kinds = st.sampled_from(
    ["message", "typing", "read", "forward", "edit", "delete", "pin", "ping", "subscribe", "unsubscribe", "refresh"]
)
_frames = st.builds(
    lambda kind, fields, as_action: {("action" if as_action else "type"): kind, **fields},
    _kinds,
    st.dictionaries(_keys, _json | st.sampled_from(HUGE_IDS), max_size=4),
    st.booleans(),
)


@pytest.mark.parametrize("kind", ["chat-group", "expeditions", "event-metrics"])
def test_generated_frames_never_close_the_socket_on(kind: str, world: World) -> None:
    path = list(_paths(world))[["chat-group", "chat-room", "expeditions", "event-metrics"].index(kind)]
    frames: list[Frame] = []

    @bounded(60, phases=[Phase.generate])
    @given(frame=_frames)
    def collect(frame: Frame) -> None:
        frames.append(frame)

    collect()

    async def replay() -> None:
        async with socket_probe(world, path) as probe:
            for frame in frames:
                await asyncio.sleep(probe.pace)
                await probe.ws.send(json.dumps(frame))
                await probe.still_open(after_error=True)

    asyncio.run(replay())


@pytest.mark.parametrize("path", ["/ws/chat/{}/", "/ws/events/{}/"])
async def test_socket_paths_with_ids_beyond_64_bits_close_as_not_found(path: str, world: World) -> None:
    url = f"{world.server.ws_url}{path.format(2**63)}?token={world.tokens['member']}"
    async with websockets.connect(url) as ws:
        await asyncio.wait_for(ws.wait_closed(), 5)
    assert ws.close_code == 4404
