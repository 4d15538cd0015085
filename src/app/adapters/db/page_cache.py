"""Pages of the public event list kept in memory between requests, so a popular page costs no SQL.

A page is dropped the moment this process commits a change to what the list shows (a row of
``events`` or ``event_organizations`` written, or a ``users`` row deleted, which takes its events
with it), and lives at most ``ttl_s`` seconds, which bounds how long a change committed by another
process stays unseen. A page read while a change was being committed is never kept: each page is
stored under the generation current when its query began, and served only while that generation is.

The sessions of a factory built with ``tracked_session_factory`` report their commits to the cache;
``page_cache_of(session)`` finds it from a repository.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

WATCHED_TABLES = frozenset({"events", "event_organizations"})
WATCHED_DELETES = frozenset({"users"})  # events and their links go with their owner (ON DELETE CASCADE)
_CACHE = "page_cache"
_TOUCHED = "page_cache_touched"


class PageCache:
    """Up to ``max_entries`` pages, each kept ``ttl_s`` seconds at most, all dropped on ``invalidate``."""

    def __init__(self, *, ttl_s: float, max_entries: int = 512, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s, self._max_entries, self._clock = ttl_s, max_entries, clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self.generation = 0

    def get(self, key: Hashable) -> Any | None:
        """The page stored under ``key`` if it is still fresh, else None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Hashable, generation: int, value: Any) -> None:
        """Keep ``value``, read by a query that began at ``generation``: only if nothing changed since."""
        if generation != self.generation or self._ttl_s <= 0:
            return
        if len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest
        self._entries[key] = (self._clock() + self._ttl_s, value)

    def invalidate(self) -> None:
        """Forget every page: something they show has changed."""
        self.generation += 1
        self._entries.clear()


def tracked_session_factory(engine: AsyncEngine, cache: PageCache) -> async_sessionmaker[AsyncSession]:
    """A session factory whose sessions invalidate ``cache`` when they commit a watched change."""
    session_class = type("PageCacheSession", (Session,), {})
    event.listen(session_class, "after_flush", _note_flush)
    event.listen(session_class, "do_orm_execute", _note_statement)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_rollback", _forget)
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=session_class, info={_CACHE: cache}
    )


def page_cache_of(session: AsyncSession) -> PageCache | None:
    """The cache this session reports to, if its factory has one."""
    cache = session.info.get(_CACHE)
    return cache if isinstance(cache, PageCache) else None


def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    if session.info.get(_TOUCHED):
        return
    for instance in (*session.new, *session.dirty):
        if _table_name(instance) in WATCHED_TABLES:
            session.info[_TOUCHED] = True
            return
    for instance in session.deleted:
        if _table_name(instance) in WATCHED_TABLES | WATCHED_DELETES:
            session.info[_TOUCHED] = True
            return


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_select or state.session.info.get(_TOUCHED):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in WATCHED_TABLES or (state.is_delete and table in WATCHED_DELETES):
        state.session.info[_TOUCHED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_TOUCHED, False):
        cache = session.info.get(_CACHE)
        if isinstance(cache, PageCache):
            cache.invalidate()


def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def _table_name(instance: object) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return getattr(table, "name", None)
