"""Bounded event histories: Redis Streams shared by every process, or a ring in this process.

Both number a stream's events from a base taken from the clock when the stream (re)appears, so a
position handed out before Redis or the process restarted is below everything kept afterwards and
reads as not recoverable, never as someone else's events.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from redis.asyncio import Redis

from app.ports.notifier import Envelope


def _base() -> int:
    """A position below any given before now: milliseconds since the epoch, times 1000."""
    return time.time_ns() // 1_000_000 * 1000


def _recoverable(after: int, last: int, first: int | None) -> bool:
    """Whether every event after ``after`` is still kept, given the last position and the oldest kept one."""
    if after > last:
        return False  # a position this history never gave
    if after == last:
        return True
    return first is not None and after >= first - 1


@dataclass(slots=True)
class _Ring:
    last: int
    events: deque[Envelope] = field(default_factory=deque)


class MemoryEventHistory:
    """The embedded default: the last ``size`` events of each of the last ``streams`` streams."""

    def __init__(self, *, size: int = 1000, streams: int = 10_000) -> None:
        self._size, self._streams = size, streams
        self._rings: OrderedDict[str, _Ring] = OrderedDict()

    def _ring(self, stream: str) -> _Ring:
        ring = self._rings.get(stream)
        if ring is None:
            ring = self._rings[stream] = _Ring(last=_base(), events=deque(maxlen=self._size))
            while len(self._rings) > self._streams:
                self._rings.popitem(last=False)
        self._rings.move_to_end(stream)
        return ring

    async def append(self, stream: str, envelope: Envelope) -> Envelope:
        ring = self._ring(stream)
        ring.last += 1
        kept = envelope.at(ring.last)
        ring.events.append(kept)
        return kept

    async def position(self, stream: str) -> int:
        return self._ring(stream).last

    async def since(self, stream: str, after: int, *, up_to: int | None = None) -> list[Envelope] | None:
        ring = self._rings.get(stream)
        if ring is None or not _recoverable(after, ring.last, ring.events[0].seq if ring.events else None):
            return None
        return [e for e in ring.events if e.seq > after and (up_to is None or e.seq <= up_to)]


# KEYS: stream, counter. ARGV: base, maxlen, ttl ms, packed envelope. Numbers and keeps in one step.
_APPEND = """
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ARGV[1]) end
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], string.format('%d-0', seq), 'e', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return seq
"""
# KEYS: counter. ARGV: base, ttl ms. The stream's position, starting its numbering when new.
_POSITION = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return redis.call('GET', KEYS[1])
"""


class RedisEventHistory:
    """One Redis Stream per stream name, capped at ``size`` entries (``XADD MAXLEN``), entry ids
    ``<seq>-0``; a stream idle for ``ttl_s`` is forgotten."""

    def __init__(self, redis: Redis, *, size: int = 1000, ttl_s: float = 24 * 3600, prefix: str = "history") -> None:
        self._redis, self._size, self._ttl_ms, self._prefix = redis, size, int(ttl_s * 1000), prefix
        self._append = redis.register_script(_APPEND)
        self._position = redis.register_script(_POSITION)

    def _keys(self, stream: str) -> tuple[str, str]:
        key = f"{self._prefix}:{stream}"
        return key, f"{key}:seq"

    async def append(self, stream: str, envelope: Envelope) -> Envelope:
        seq = await self._append(keys=self._keys(stream), args=[_base(), self._size, self._ttl_ms, envelope.pack()])
        return envelope.at(int(seq))

    async def position(self, stream: str) -> int:
        return int(await self._position(keys=[self._keys(stream)[1]], args=[_base(), self._ttl_ms]))

    async def since(self, stream: str, after: int, *, up_to: int | None = None) -> list[Envelope] | None:
        key, counter = self._keys(stream)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(counter)
            pipe.xrange(key, count=1)
            pipe.xrange(key, min=f"({after}-0", max=f"{up_to}-0" if up_to is not None else "+")
            last, oldest, entries = await pipe.execute()
        if last is None:
            return None
        first = _seq(oldest[0][0]) if oldest else None
        if not _recoverable(after, int(last), first):
            return None
        return [Envelope.unpack(fields[b"e"]).at(_seq(entry_id)) for entry_id, fields in entries]


def _seq(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.split("-", 1)[0])
