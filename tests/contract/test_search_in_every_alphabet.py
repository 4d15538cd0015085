"""Searches ignore letter case in every alphabet, on the fake, on SQLite and on PostgreSQL alike:
lowercase Cyrillic and Polish find titles, names and messages written in capitals (SQLite's own
``lower()`` and ``LIKE`` fold ASCII letters only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from app.core.accounts.model import User
from app.core.chat.model import Chat, ChatKind, ChatMember, Message, room_key
from app.core.event_directory.listing import EventQuery
from app.core.organizations.model import Organization
from app.core.shared.paging import PageRequest
from app.core.ticketing.model import Event, EventStatus
from tests.contract import test_accounts_repository as accounts_contract
from tests.contract.test_accounts_repository import Factory

uow = accounts_contract.uow  # the same fixture: the fake, SQLite and PostgreSQL
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
TITLES = ["СЛЁТ ТУРИСТОВ", "ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "Слёт Туристов — Zażółć gęślą jaźń", "Plain ASCII"]
SEARCHES = {
    "слёт туристов": {0, 2},
    "туристов": {0, 2},
    "zażółć gęślą": {1, 2},
    "jaźń": {1, 2},
    "ŁĆ": {1, 2},
    "plain": {3},
    "ё": {0, 2},
    "ż%": set(),
}
# Message search matches words (PostgreSQL full-text search with prefixes), not any part of a word.
WORD_SEARCHES = {"слёт туристов": {0, 2}, "туристов": {0, 2}, "zażółć gęślą": {1, 2}, "jaźń": {1, 2}, "gęś": {1, 2}}


@asynccontextmanager
async def unit(uow: Factory) -> AsyncIterator[Any]:
    async with uow() as u:
        yield u
        await u.commit()


async def _owner(uow: Factory) -> int:
    async with unit(uow) as u:
        user = await u.users.add(User(email="o@example.com", name="O", username="o", password_hash="h", created_at=NOW))
    return int(user.id)


def _found(ids: list[int], created: list[int]) -> set[int]:
    return {created.index(i) for i in ids}


@pytest.mark.parametrize(("search", "want"), list(SEARCHES.items()))
async def test_organizations(uow: Factory, search: str, want: set[int]) -> None:
    owner = await _owner(uow)
    async with unit(uow) as u:
        created = [(await u.organizations.add(Organization(title=t, member_ids=frozenset({owner})))).id for t in TITLES]
    async with uow() as u:
        page = await u.organizations.list_cards(search=search, page=PageRequest(limit=10))
    assert _found([c.organization.id for c in page.items], created) == want
    assert page.total == len(want)


@pytest.mark.parametrize(("search", "want"), list(SEARCHES.items()))
async def test_events(uow: Factory, search: str, want: set[int]) -> None:
    owner = await _owner(uow)
    async with unit(uow) as u:
        created = [
            (
                await u.events.add(
                    Event(owner_id=owner, title=t, starts_at=NOW, capacity=5, status=EventStatus.PUBLISHED)
                )
            ).id
            for t in TITLES
        ]
    async with uow() as u:
        page = await u.event_directory.list_published(EventQuery(search=search), PageRequest(limit=10))
    assert _found([e.id for e in page.items], created) == want
    assert page.total == len(want)


@pytest.mark.parametrize(("search", "want"), list(SEARCHES.items()))
async def test_rooms(uow: Factory, search: str, want: set[int]) -> None:
    owner = await _owner(uow)
    async with unit(uow) as u:
        created = []
        for title in TITLES:
            room = await u.chats.add_chat(
                Chat(kind=ChatKind.ROOM, created_by=owner, created_at=NOW, title=title, room_key=room_key(title))
            )
            created.append(room.id)
    async with uow() as u:
        page = await u.chat_lists.list_rooms(user_id=owner, search=search, page=PageRequest(limit=10))
    assert _found([r.chat.id for r in page.items], created) == want
    assert page.total == len(want)


@pytest.mark.parametrize(("search", "want"), list(WORD_SEARCHES.items()))
async def test_messages(uow: Factory, search: str, want: set[int]) -> None:
    owner = await _owner(uow)
    async with unit(uow) as u:
        chat = await u.chats.add_chat(Chat(kind=ChatKind.GROUP, created_by=owner, created_at=NOW, title="Chat"))
        await u.chats.add_member(ChatMember(chat_id=chat.id, user_id=owner, joined_at=NOW))
        stored = await u.messages.add_messages(
            [Message(chat_id=chat.id, sender_id=owner, text=t, created_at=NOW) for t in TITLES]
        )
        created = [message.id for message in stored]
    async with uow() as u:
        page = await u.messages.search(user_id=owner, query=search, chat_id=None, page=PageRequest(limit=10))
    assert _found([m.id for m in page.items], created) == want
    assert page.total == len(want)
