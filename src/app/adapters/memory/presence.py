"""Presence inside one process: the embedded default (one server process, no Redis)."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.adapters.memory.presence_ledger import PresenceLedger


class MemoryPresenceTracker:
    """The presence ledger on a monotonic clock. Connections of this process are renewed by ``heartbeat``."""

    def __init__(self, *, ttl_s: float = 30.0, now: Callable[[], float] = time.monotonic) -> None:
        self._ledger = PresenceLedger(ttl_s=ttl_s)
        self._now = now
        self._local: dict[str, int] = {}

    async def connect(self, user_id: int, connection_id: str) -> bool:
        self._local[connection_id] = user_id
        return self._ledger.connect(user_id, connection_id, self._now())

    async def disconnect(self, user_id: int, connection_id: str) -> bool:
        self._local.pop(connection_id, None)
        return self._ledger.disconnect(user_id, connection_id, self._now())

    async def heartbeat(self) -> list[int]:
        now = self._now()
        return [
            user_id for connection_id, user_id in self._local.items() if self._ledger.renew(user_id, connection_id, now)
        ]

    async def sweep(self) -> list[int]:
        return self._ledger.sweep(self._now())

    async def online(self, user_ids: list[int]) -> set[int]:
        return self._ledger.online(user_ids, self._now())
