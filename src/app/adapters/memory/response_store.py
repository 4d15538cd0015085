"""A Litestar store in this process's memory, bounded in size and in time: for cached responses."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta

from litestar.stores.base import Store


class BoundedMemoryStore(Store):
    """At most ``max_entries`` values, each kept ``ttl_s`` seconds at most (less when the caller asks).

    Litestar's own ``MemoryStore`` keeps every key until it is read after its expiry, so a client
    sending ever new query strings to a cached route would grow it without end; here the oldest
    entry makes room for a new one. A ``ttl_s`` of 0 keeps nothing.
    """

    __slots__ = ("_clock", "_entries", "_max_entries", "_ttl_s")

    def __init__(self, *, ttl_s: float, max_entries: int = 512, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s, self._max_entries, self._clock = ttl_s, max_entries, clock
        self._entries: dict[str, tuple[float, bytes]] = {}  # in insertion order: oldest first out

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        ttl_s = self._ttl_s if expires_in is None else min(self._ttl_s, _seconds(expires_in))
        if ttl_s <= 0:
            return
        self._entries.pop(key, None)
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (self._clock() + ttl_s, value.encode() if isinstance(value, str) else value)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._clock()
        if entry[0] <= now:
            del self._entries[key]
            return None
        if renew_for is not None:
            self._entries[key] = (now + min(self._ttl_s, _seconds(renew_for)), entry[1])
        return entry[1]

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def delete_all(self) -> None:
        self._entries.clear()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return math.ceil(entry[0] - self._clock())


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
