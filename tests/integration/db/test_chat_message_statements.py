"""The statements of a message posted alone. PostgreSQL: three, the sender's seat taking the chat's
row lock (no lock statement of its own), the insert moving the sender's read marker in the same
statement, and the numbered change log. SQLite, with no row locks and no data-modifying CTEs: the
seat, the insert, the read marker and the change log. Each compiled once, then found in
SQLAlchemy's compiled cache."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.ext.asyncio import AsyncEngine

from app.bootstrap import Services, build_services
from tests.conftest import settings_for
from tests.integration.db.test_chat_races import _chat, _people


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    built = build_services(settings_for(database_url))
    yield built
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


async def test_a_lone_message_takes_the_seat_with_the_chats_lock_then_two_or_three_writes(
    services: Services, database_url: str
) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    await chat.post_message(actor=ann, chat_id=private.id, text="first")
    with executed(services.engine) as seen:
        await chat.post_message(actor=ann, chat_id=private.id, text="hello")
    assert [hit for _, hit in seen] == [CacheStats.CACHE_HIT] * len(seen)
    statements = [statement for statement, _ in seen]
    if database_url.startswith("sqlite"):
        seat, insert, read_marker, change_log = statements
        assert insert.startswith("INSERT INTO messages") and read_marker.startswith("UPDATE chat_members")
    else:
        seat, insert, change_log = statements
        assert insert.startswith("WITH stored AS") and "UPDATE chat_members" in insert
    assert seat.startswith("SELECT chats.id") and change_log.startswith("INSERT INTO chat_changes")
    locks = [statement for statement in statements if "FOR NO KEY UPDATE" in statement]
    assert locks == ([] if database_url.startswith("sqlite") else [seat])
    [summary] = await chat.list_chats(actor=ann)
    assert summary.last_message is not None and summary.last_read_message_id == summary.last_message.id
