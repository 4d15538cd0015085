"""An in-process user cache with a TTL and a size bound (the embedded default: one process)."""

from __future__ import annotations

import time
from dataclasses import replace

from app.core.accounts.model import User


class MemoryUserCache:
    """Least-recently-used entries go first once ``max_entries`` is reached. A plain dict keeps them in
    the order of use (a read moves its entry to the end), about 50 bytes an entry less than an
    OrderedDict.

    As in the Redis cache, ``invalidate`` holds the entry for ``hold_s`` and ``put`` only fills
    an absent entry, so a reader that loaded the user before a change cannot cache the old state.
    """

    def __init__(self, *, ttl_s: float = 60.0, hold_s: float = 2.0, max_entries: int = 10_000) -> None:
        self._ttl, self._hold, self._max = ttl_s, hold_s, max_entries
        self._entries: dict[int, tuple[float, User | None]] = {}

    async def get(self, user_id: int) -> User | None:
        entry = self._live(user_id)
        if entry is None or entry[1] is None:
            return None
        self._entries[user_id] = self._entries.pop(user_id)  # now the most recently used
        return replace(entry[1])  # a copy: callers may change what they get

    async def put(self, user: User) -> None:
        if self._live(user.id) is not None:
            return
        self._store(user.id, self._ttl, replace(user, password_hash=""))

    async def invalidate(self, user_id: int) -> None:
        self._store(user_id, self._hold, None)

    def _live(self, user_id: int) -> tuple[float, User | None] | None:
        entry = self._entries.get(user_id)
        if entry is not None and entry[0] < time.monotonic():
            del self._entries[user_id]
            return None
        return entry

    def _store(self, user_id: int, ttl: float, user: User | None) -> None:
        self._entries.pop(user_id, None)
        self._entries[user_id] = (time.monotonic() + ttl, user)
        while len(self._entries) > self._max:
            del self._entries[next(iter(self._entries))]
