"""The statements of a message posted alone. PostgreSQL: three, the sender's seat taking the chat's
row lock (no lock statement of its own), the insert moving the sender's read marker in the same
statement, and the numbered change log, each compiled once, then found in SQLAlchemy's compiled
cache. SQLite, with no row locks and no data-modifying CTEs: the seat, the insert, the read marker
and the change log, run below SQLAlchemy, in four trips to the database's thread with the commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.ext.asyncio import AsyncEngine

from app.bootstrap import Services, build_services
from tests.conftest import settings_for, truncate_all
from tests.integration.db.test_chat_races import _chat, _people


@asynccontextmanager
async def services_on(url: str) -> AsyncIterator[Services]:
    await truncate_all(url)
    built = build_services(settings_for(url))
    try:
        yield built
    finally:
        await built.aclose()


@contextmanager
def executed(engine: AsyncEngine) -> Iterator[list[tuple[str, CacheStats]]]:
    """The statements sent, each with whether its compiled form came from the cache."""
    seen: list[tuple[str, CacheStats]] = []

    def note(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        seen.append((statement, context.cache_hit))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def test_a_lone_message_takes_the_seat_with_the_chats_lock_then_two_writes_on_postgres(postgres_url: str) -> None:
    async with services_on(postgres_url) as services:
        await _lone_message_on_postgres(services)


async def _lone_message_on_postgres(services: Services) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    await chat.post_message(actor=ann, chat_id=private.id, text="first")
    with executed(services.engine) as seen:
        await chat.post_message(actor=ann, chat_id=private.id, text="hello")
    assert [hit for _, hit in seen] == [CacheStats.CACHE_HIT] * len(seen)
    seat, insert, change_log = [statement for statement, _ in seen]
    assert insert.startswith("WITH stored AS") and "UPDATE chat_members" in insert
    assert seat.startswith("SELECT chats.id") and change_log.startswith("INSERT INTO chat_changes")
    assert "FOR NO KEY UPDATE" in seat and "FOR NO KEY UPDATE" not in insert + change_log
    [summary] = await chat.list_chats(actor=ann)
    assert summary.last_message is not None and summary.last_read_message_id == summary.last_message.id


async def test_a_lone_message_on_sqlite_is_four_trips_to_its_thread_and_none_through_sqlalchemy(
    sqlite_url: str, trips: Callable[[], int]
) -> None:
    async with services_on(sqlite_url) as services:
        await _lone_message_on_sqlite(services, trips)


async def _lone_message_on_sqlite(services: Services, trips: Callable[[], int]) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    await chat.post_message(actor=ann, chat_id=private.id, text="first")
    async with services.engine.connect() as connection:  # the pool's one connection
        raw: Any = (await connection.get_raw_connection()).driver_connection
    sent: list[str] = []
    raw._conn.set_trace_callback(sent.append)
    trips()
    with executed(services.engine) as through_sqlalchemy:
        await chat.post_message(actor=ann, chat_id=private.id, text="hello")
    raw._conn.set_trace_callback(None)

    assert through_sqlalchemy == []
    # the seat; the insert with the read marker; the change log; the commit
    assert trips() == 4
    seat, begin, insert, read_marker, change_log, commit = sent
    assert seat.startswith("SELECT chats.id") and begin.startswith("BEGIN")
    assert insert.startswith("INSERT INTO messages") and read_marker.startswith("UPDATE chat_members")
    assert change_log.startswith("INSERT INTO chat_changes") and commit == "COMMIT"
    [summary] = await chat.list_chats(actor=ann)
    assert summary.last_message is not None and summary.last_message.text == "hello"
    assert summary.last_read_message_id == summary.last_message.id
