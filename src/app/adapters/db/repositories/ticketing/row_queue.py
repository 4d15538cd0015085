"""The in-process queue in front of an event's row lock (why: docs/adr/0002-queue-before-the-row-lock.md)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncSession


class LocalQueue:
    """One waiting line per key inside this process, in front of a database row lock.

    Many concurrent requests for one event would otherwise all wait inside PostgreSQL for the same
    row lock, and every release would wake them all. Here they wait in the process instead, one at a
    time reaching the row lock, which still serializes them against every other process.
    """

    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    async def acquire(self, key: object) -> Callable[[], None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._forget(key)
            raise
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                lock.release()
                self._forget(key)

        return release

    def _forget(self, key: object) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)


_QUEUES: weakref.WeakKeyDictionary[Engine, LocalQueue] = weakref.WeakKeyDictionary()


async def queue_for_row(session: AsyncSession, key: object) -> None:
    """Wait for ``key``'s turn in this process until the session's transaction ends.

    A connection is taken first, so a task never holds a turn while waiting for a pooled connection
    (with SQLite's single connection that would deadlock).
    """
    connection = await session.connection()
    queue = _QUEUES.setdefault(connection.sync_engine, LocalQueue())
    release = await queue.acquire(key)

    def on_end(_session: Any, transaction: Any) -> None:
        if transaction.parent is None:
            release()

    event.listen(session.sync_session, "after_transaction_end", on_end)
