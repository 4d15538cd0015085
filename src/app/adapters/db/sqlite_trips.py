"""The statements of posting a message, on SQLite, below SQLAlchemy's execution layer.

On SQLite, SQLAlchemy's execution of one small statement (the execution context, the parameters,
the result and its rows, the greenlet hand-offs) costs about three times the statement's own trip to
aiosqlite's thread, and a posted message runs four of them. ``Compiled`` holds a Core statement
compiled once for SQLite, with its columns' own bind and result converters from SQLAlchemy, and
``on_thread`` runs a function of such statements on the session's connection in one trip: in the
session's transaction, which the session then commits or rolls back as usual. A failure arrives as
the ``DBAPIError`` SQLAlchemy would raise, so refusals translate as before.

A statement here names every value it writes: one that needs values computed at execution (a
Python-side default or ``onupdate``) or expanding parameters is refused when compiled.
"""

from __future__ import annotations

import functools
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement

T = TypeVar("T")


class Compiled:
    """A Core statement compiled for SQLite: its SQL, how to bind a mapping of values, and how to
    read its rows (tuples named by the result columns' keys, values converted by their types)."""

    __slots__ = ("_binds", "_readers", "_row", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled: Any = statement.compile(dialect=dialect)
        if compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params:
            raise ValueError("a statement run below SQLAlchemy must name every value it writes")
        self.sql: str = compiled.string
        self._binds = [  # per position: its name, its converter, and the value the statement holds
            (name, bind.type.dialect_impl(dialect).bind_processor(dialect), bind.effective_value)
            for name in compiled.positiontup or ()
            for bind in (compiled.binds[name],)
        ]
        columns: Any = getattr(statement, "selected_columns", None) or getattr(statement, "exported_columns", ())
        self._row: Any = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
        self._readers = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            convert(values.get(name, held)) if convert else values.get(name, held)
            for name, convert, held in self._binds
        )

    def rows(self, raw: Sequence[Sequence[Any]]) -> list[Any]:
        readers, row = self._readers, self._row
        return [row(*(read(v) if read else v for read, v in zip(readers, values, strict=True))) for values in raw]


class Trip:
    """The statements of one trip, run on aiosqlite's thread."""

    __slots__ = ("_connection", "_current")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._current: tuple[str, tuple[Any, ...]] | None = None

    def rows(self, statement: Compiled, values: Mapping[str, Any]) -> list[Any]:
        """The statement's rows (of a SELECT, or an INSERT/UPDATE with RETURNING)."""
        return statement.rows(self._execute(statement, values).fetchall())

    def count(self, statement: Compiled, values: Mapping[str, Any]) -> int:
        """How many rows the statement changed."""
        return int(self._execute(statement, values).rowcount)

    def _execute(self, statement: Compiled, values: Mapping[str, Any]) -> sqlite3.Cursor:
        self._current = (statement.sql, statement.parameters(values))
        return self._connection.execute(*self._current)

    def failure(self, error: sqlite3.Error) -> DBAPIError:
        """``error`` as SQLAlchemy raises it (``IntegrityError``, ``OperationalError``…)."""
        sql, parameters = self._current or ("", ())
        return cast(DBAPIError, DBAPIError.instance(sql, parameters, error, sqlite3.Error))


_HELD = "sqlite_trips.connection"  # the session's transaction and its adapted DBAPI connection


async def on_thread(session: AsyncSession, work: Callable[[Trip], T]) -> T:
    """Run ``work`` on the session's SQLite connection in one trip to its thread, in the session's
    transaction (begun here if it was not)."""
    held = session.info.get(_HELD)
    if held is None or held[0] is not session.sync_session.get_transaction():
        connection = await session.connection()  # begins the transaction, which holds the connection
        raw: Any = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        held = session.info[_HELD] = (session.sync_session.get_transaction(), raw)
    adapted: Any = held[1]
    trip = Trip(adapted._connection._conn)

    def run() -> T | DBAPIError:
        try:
            return work(trip)
        except sqlite3.Error as error:
            return trip.failure(error)

    async with adapted._execute_mutex:
        outcome = await adapted._connection._execute(run)
    if isinstance(outcome, DBAPIError):
        raise outcome
    return outcome  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=256)
def compiled(statement: ClauseElement, dialect: Dialect) -> Compiled:
    """``statement`` compiled for ``dialect`` (an engine's SQLite dialect), once."""
    return Compiled(statement, dialect)


def sqlite_dialect(session: AsyncSession) -> Dialect | None:
    """The session's dialect when it is SQLite's, else None."""
    dialect = session.get_bind().dialect
    return dialect if dialect.name == "sqlite" else None


async def rows_of(
    session: AsyncSession, dialect: Dialect, statement: ClauseElement, values: Mapping[str, Any]
) -> list[Any]:
    """The rows of one statement, run below SQLAlchemy in one trip."""
    run = compiled(statement, dialect)
    return await on_thread(session, lambda trip: trip.rows(run, values))
