"""A message posted alone is stored in four statements on either backend: the sender's seat (with
the chat's row lock on PostgreSQL, no lock statement of its own), the insert, the sender's read
marker and the numbered change log."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.bootstrap import Services, build_services
from tests.conftest import settings_for
from tests.integration.db.test_chat_races import _chat, _people
from tests.integration.db.test_organization_query_count import counting_statements


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    built = build_services(settings_for(database_url))
    yield built
    await built.aclose()


async def test_a_lone_message_takes_four_statements_the_seat_taking_the_chats_lock(
    services: Services, database_url: str
) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    with counting_statements(services.engine) as statements:
        await chat.post_message(actor=ann, chat_id=private.id, text="hello")
    seat, insert, read_marker, change_log = statements
    assert seat.startswith("SELECT chats.id") and insert.startswith("INSERT INTO messages")
    assert read_marker.startswith("UPDATE chat_members") and change_log.startswith("INSERT INTO chat_changes")
    locks = [statement for statement in statements if "FOR NO KEY UPDATE" in statement]
    assert locks == ([] if database_url.startswith("sqlite") else [seat])
