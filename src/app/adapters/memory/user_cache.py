"""An in-process user cache with a TTL and a size bound (the embedded default: one process)."""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from dataclasses import replace

from app.core.accounts.model import User


class MemoryUserCache:
    """Least-recently-used entries go first once ``max_entries`` is reached."""

    def __init__(self, *, ttl_s: float = 60.0, max_entries: int = 10_000) -> None:
        self._ttl, self._max = ttl_s, max_entries
        self._entries: OrderedDict[int, tuple[float, User]] = OrderedDict()

    async def get(self, user_id: int) -> User | None:
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        expires, user = entry
        if expires < time.monotonic():
            del self._entries[user_id]
            return None
        self._entries.move_to_end(user_id)
        return copy.copy(user)

    async def put(self, user: User) -> None:
        self._entries[user.id] = (time.monotonic() + self._ttl, replace(user, password_hash=""))
        self._entries.move_to_end(user.id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def invalidate(self, user_id: int) -> None:
        self._entries.pop(user_id, None)
