"""The SQLite engine's driver: one trip to aiosqlite's thread per statement, the same answers as a
plain DBAPI cursor, and no trip for a commit or rollback with no transaction open."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.engine import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/driver.db")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
    yield engine
    await engine.dispose()


async def test_each_statement_is_one_trip_and_answers_as_a_cursor_would(
    engine: AsyncEngine, trips: Callable[[], int]
) -> None:
    async with engine.connect() as connection:
        trips()
        inserted = await connection.execute(text("INSERT INTO notes (body) VALUES ('a'), ('b') RETURNING id, body"))
        assert [tuple(row) for row in inserted] == [(1, "a"), (2, "b")]
        assert trips() == 1
        plain = await connection.execute(text("INSERT INTO notes (body) VALUES ('c')"))
        assert plain.lastrowid == 3 and trips() == 1
        many = await connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), [{"body": "d"}, {"body": "e"}])
        assert many.rowcount == 2 and trips() == 1
        changed = await connection.execute(text("UPDATE notes SET body = body || '!' WHERE id > 3"))
        assert changed.rowcount == 2 and trips() == 1
        rows = await connection.execute(text("SELECT id, body FROM notes ORDER BY id"))
        assert rows.keys() == ["id", "body"]
        assert [tuple(row) for row in rows] == [(1, "a"), (2, "b"), (3, "c"), (4, "d!"), (5, "e!")]
        assert trips() == 1
        empty = await connection.execute(text("SELECT id FROM notes WHERE id > 99"))
        assert empty.all() == [] and trips() == 1
        await connection.commit()
        assert trips() == 1


async def test_a_commit_or_rollback_with_no_transaction_open_takes_no_trip(
    engine: AsyncEngine, trips: Callable[[], int]
) -> None:
    async with engine.connect() as connection:
        trips()
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar() == 0
        await connection.rollback()  # SQLite opened no transaction for a read
        assert trips() == 1
        await connection.execute(text("INSERT INTO notes (body) VALUES ('kept')"))
        await connection.rollback()
        assert trips() == 2
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar() == 0


async def test_refusals_are_the_drivers_errors_and_the_connection_goes_on(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('once')"))
        with pytest.raises(IntegrityError):
            await connection.execute(text("INSERT INTO notes (body) VALUES ('once')"))
        await connection.rollback()
        await connection.execute(text("INSERT INTO notes (body) VALUES ('twice')"))
        await connection.commit()
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT body FROM notes"))).scalars().all() == ["twice"]


async def test_streamed_results_still_work(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO notes (body) VALUES (:body)"), [{"body": f"n{i}"} for i in range(50)]
        )
    async with engine.connect() as connection:
        streamed = await connection.stream(text("SELECT body FROM notes ORDER BY id"))
        assert [row.body async for row in streamed] == [f"n{i}" for i in range(50)]
