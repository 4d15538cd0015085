"""What the public event list shows, as a version this process moves on every commit that changes it.

A commit that writes a row of ``events`` or ``event_organizations``, or deletes a ``users`` row
(which takes its events with it), moves the version once it is committed; a rolled-back change
does not. The HTTP layer keeps rendered pages under the version current when their request began
(``app.api.response_cache``), so a page read while a change was being committed is never served
again, and the next request after a commit reads the list afresh.

The sessions of a factory built with ``tracked_session_factory`` report their commits to it.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

WATCHED_TABLES = frozenset({"events", "event_organizations"})
WATCHED_DELETES = frozenset({"users"})  # events and their links go with their owner (ON DELETE CASCADE)
_VERSION = "event_list_version"
_TOUCHED = "event_list_touched"


class EventListVersion:
    """A number that only grows: moved by every committed change to what the event list shows."""

    def __init__(self) -> None:
        self.current = 0

    def moved(self) -> None:
        """Something the list shows has changed (committed)."""
        self.current += 1


def tracked_session_factory(engine: AsyncEngine, version: EventListVersion) -> async_sessionmaker[AsyncSession]:
    """A session factory whose sessions move ``version`` when they commit a watched change."""
    session_class = type("TrackedSession", (Session,), {})
    event.listen(session_class, "after_flush", _note_flush)
    event.listen(session_class, "do_orm_execute", _note_statement)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_rollback", _forget)
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=session_class, info={_VERSION: version}
    )


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
        version = session.info.get(_VERSION)
        if isinstance(version, EventListVersion):
            version.moved()


def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def _table_name(instance: object) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return getattr(table, "name", None)
