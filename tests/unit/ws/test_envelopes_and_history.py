"""The envelope events travel in, the wire table that makes them, and the in-memory history."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import pytest

from app.adapters.realtime.history import MemoryEventHistory
from app.core.shared.domain_events import DomainEvent
from app.ports.notifier import Envelope
from app.ws.frames import EventWire, Outbound, Outbounds


@dataclass(frozen=True, slots=True, kw_only=True)
class Waved(DomainEvent):
    room: int
    user_id: int


WAVES: Outbounds = {
    Waved: Outbound[Waved](
        frame=lambda e: {"type": "waved", "room": e.room, "user": {"id": e.user_id}},
        channels=lambda e: [f"room:{e.room}"],
        stream=lambda e: f"rooms:{e.room}",
        scope="room",
        subject="user.id",
    )
}


def test_an_envelope_survives_packing_and_carries_its_position_in_the_frame() -> None:
    envelope = Envelope(kind="waved", frame=b'{"type":"waved"}', scope_id=3, subject_id=2**63 - 1, item_id=9)
    assert Envelope.unpack(envelope.pack()) == envelope
    numbered = envelope.at(41)
    assert (numbered.seq, json.loads(numbered.frame)) == (41, {"seq": 41, "type": "waved"})
    assert Envelope.unpack(numbered.pack()) == numbered
    assert json.loads(Envelope(kind="x", frame=b"{}").at(2).frame) == {"seq": 2}
    with pytest.raises(ValueError, match="not an envelope"):
        Envelope.unpack(b'{"type": "raw json"}')


def test_the_wire_fills_the_envelope_from_the_declared_fields_and_refuses_a_type_declared_twice() -> None:
    wire = EventWire(WAVES)
    routed = wire.route(Waved(room=4, user_id=7))
    assert routed is not None
    assert (routed.envelope.kind, routed.envelope.scope_id, routed.envelope.subject_id) == ("waved", 4, 7)
    assert (list(routed.channels), routed.stream) == (["room:4"], "rooms:4")
    assert wire.route(DomainEvent()) is None
    with pytest.raises(ValueError, match="declared twice: Waved"):
        EventWire(WAVES, WAVES)


async def test_memory_history_replays_what_came_after_a_position_and_says_when_it_cannot() -> None:
    history = MemoryEventHistory(size=3)
    start = await history.position("s")
    kept = [await history.append("s", Envelope(kind="e", frame=b'{"n":%d}' % n)) for n in range(5)]
    assert [e.seq for e in kept] == [start + n for n in range(1, 6)]
    assert await history.position("s") == start + 5
    assert [json.loads(e.frame)["n"] for e in await history.since("s", start + 2) or []] == [2, 3, 4]
    assert [e.seq for e in await history.since("s", start + 2, up_to=start + 4) or []] == [start + 3, start + 4]
    assert await history.since("s", start + 5) == []  # up to date
    assert await history.since("s", start + 1) is None  # the ring kept only the last 3
    assert await history.since("s", start + 6) is None  # never given
    assert await history.since("unknown", 0) is None


async def test_positions_of_a_new_history_are_above_those_of_an_old_one() -> None:
    before = MemoryEventHistory()
    old = await before.append("s", Envelope(kind="e", frame=b"{}"))
    await asyncio.sleep(0.002)  # positions start from the clock's milliseconds (times 1000)
    after = MemoryEventHistory()  # the process restarted
    assert await after.position("s") > old.seq
    assert await after.since("s", old.seq) is None
