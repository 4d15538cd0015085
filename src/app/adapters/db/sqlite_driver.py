"""SQLite through aiosqlite with one trip to its thread per statement.

aiosqlite runs every call on a thread of its own: the event loop queues the call, the thread wakes,
takes the GIL, runs it and wakes the loop again. SQLAlchemy's adapter makes four such trips for one
statement (open a cursor, execute, fetch the rows, close the cursor) and one more for each commit
or rollback, also when no transaction is open. Each trip is two thread wake-ups, which cost more CPU
than the SQL of a small statement.

``OneTripSQLite`` is the same DBAPI adapter with a cursor that runs the whole statement (execute,
fetch, close) in one call on the thread, and a connection that skips commit and rollback when
SQLite has no transaction open. Server-side cursors (``stream``) are unchanged. It is passed to the
engine as its DBAPI module (``create_async_engine(..., module=...)``); nothing else changes.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, list[Any] | None, int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """On aiosqlite's thread: the statement, its rows (when it returns any) and its counts."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statement is one call on the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # No aiosqlite cursor (opening one is a trip of its own): each statement opens and closes
        # a sqlite3 cursor on the thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._one_trip(operation, seq_of_parameters, many=True)

    async def _one_trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            raw = self._connection._conn
            outcome: _Outcome = await self._connection._execute(_run, raw, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows or ())

    async def _async_soft_close(self) -> None:
        return None  # nothing is open on the thread between statements

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """Buffered cursors are ``OneTripCursor``; commit and rollback without a transaction are no-ops."""

    __slots__ = ()
    _cursor_cls = OneTripCursor

    def _in_transaction(self) -> bool:
        connection = self._connection._connection
        return connection is not None and connection.in_transaction

    def commit(self) -> None:
        if self._in_transaction():
            super().commit()

    def rollback(self) -> None:
        if self._in_transaction():
            super().rollback()


class OneTripSQLite(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite's DBAPI adapter handing out ``OneTripConnection``s (reading whether a transaction
    is open needs the sqlite3 connection usable from the event loop's thread: ``check_same_thread``
    is turned off, and every call still runs on aiosqlite's thread, one at a time)."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        kw["check_same_thread"] = False
        connection = self.aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's adapter does: the thread never blocks exit
        return OneTripConnection(self, await_(connection))
