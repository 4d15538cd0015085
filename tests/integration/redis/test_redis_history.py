"""The Redis Streams history, shared by every process: the same answers as the in-memory ring."""

from __future__ import annotations

import json
import uuid

import pytest
from redis.asyncio import Redis

from app.adapters.realtime.history import RedisEventHistory
from app.ports.notifier import Envelope

pytestmark = pytest.mark.redis


async def test_redis_history_numbers_caps_and_replays_across_processes(redis_url: str) -> None:
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    stream = f"s-{uuid.uuid4().hex}"
    try:
        a, b = RedisEventHistory(first, size=3), RedisEventHistory(second, size=3)
        start = await b.position(stream)
        kept = [
            await (a, b)[n % 2].append(stream, Envelope(kind="e", frame=b'{"n":%d}' % n, scope_id=n)) for n in range(5)
        ]
        assert [e.seq for e in kept] == [start + n for n in range(1, 6)]  # one numbering for both processes
        assert await first.xlen(f"history:{stream}") == 3  # XADD MAXLEN
        replayed = await b.since(stream, start + 2)
        assert replayed is not None
        assert [(e.seq, e.scope_id, json.loads(e.frame)) for e in replayed] == [
            (start + n + 1, n, {"seq": start + n + 1, "n": n}) for n in (2, 3, 4)
        ]
        assert [e.seq for e in await a.since(stream, start + 3, up_to=start + 4) or []] == [start + 4]
        assert await a.since(stream, start + 5) == []
        assert await a.since(stream, start + 1) is None  # trimmed
        assert await a.since(stream, start + 6) is None  # never given
    finally:
        await first.aclose()
        await second.aclose()


async def test_after_redis_lost_the_history_an_old_position_reads_as_not_recoverable(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    stream = f"s-{uuid.uuid4().hex}"
    try:
        history = RedisEventHistory(client)
        old = await history.append(stream, Envelope(kind="e", frame=b"{}"))
        await client.delete(f"history:{stream}", f"history:{stream}:seq")  # as after a restart without persistence
        assert await history.since(stream, old.seq) is None
        assert await history.position(stream) > old.seq  # new positions start above every old one
    finally:
        await client.aclose()
