"""Statements run below SQLAlchemy on SQLite: the values SQLAlchemy's own types would store and read,
in the session's transaction, failures raised as SQLAlchemy raises them, and a statement that needs
values computed at execution refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.repositories.chat_rows import MEMBERS
from app.adapters.db.sqlite_trips import Compiled, compiled, on_thread

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String(20), nullable=False, unique=True),
    Column("at", DateTimeUTC(timezone=True), nullable=False),
)
ADD = insert(notes).values(body=bindparam("body"), at=bindparam("at", type_=notes.c.at.type)).returning(*notes.c)
LATEST = select(notes.c.id, notes.c.body, notes.c.at).order_by(notes.c.id.desc()).limit(1)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def test_values_are_stored_and_read_as_sqlalchemy_stores_and_reads_them(
    engine: AsyncEngine, trips: Callable[[], int]
) -> None:
    sessions = create_session_factory(engine)
    add, latest = compiled(ADD, engine.dialect), compiled(LATEST, engine.dialect)
    at = datetime(2026, 12, 1, 23, 30, 5, 123456, tzinfo=timezone(timedelta(hours=2)))
    async with sessions() as session:
        trips()
        added, read = await on_thread(
            session, lambda trip: (trip.rows(add, {"body": "hello", "at": at}), trip.rows(latest, {}))
        )
        assert trips() == 1  # both statements, one trip
        await session.commit()
    [row] = added
    assert (row.body, row.at) == ("hello", at.astimezone(UTC))
    assert read == added
    async with engine.connect() as connection:  # what SQLAlchemy reads of what was stored
        stored = (await connection.execute(select(notes))).one()
        await connection.execute(insert(notes).values(body="second", at=at))
        await connection.commit()
    assert (stored.id, stored.body, stored.at) == (row.id, "hello", at.astimezone(UTC))
    async with sessions() as session:  # and what it reads of what SQLAlchemy stored
        [second] = await on_thread(session, lambda trip: trip.rows(latest, {}))
    assert (second.body, second.at) == ("second", at.astimezone(UTC))


async def test_a_refused_statement_raises_as_sqlalchemy_does_and_the_transaction_rolls_back(
    engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(engine)
    add = compiled(ADD, engine.dialect)
    now = datetime.now(UTC)
    async with sessions() as session:
        await on_thread(session, lambda trip: trip.rows(add, {"body": "one", "at": now}))
        with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: notes\.body"):
            await on_thread(session, lambda trip: trip.rows(add, {"body": "one", "at": now}))
        await session.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(select(notes.c.body))).all() == []


def test_a_statement_needing_values_computed_at_execution_is_refused(engine: AsyncEngine) -> None:
    # chat_members.updated_at has a Python-side onupdate: SQLAlchemy would compute it at execution
    with pytest.raises(ValueError, match="must name every value"):
        Compiled(update(MEMBERS).values(last_read_message_id=bindparam("marker")), engine.dialect)
    Compiled(update(MEMBERS).values(last_read_message_id=1, updated_at=bindparam("at")), engine.dialect)
