"""The chat change log contract, on the in-memory fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.chat.changes import ChangeKind, ChatChange
from app.core.chat.model import ChatKind
from tests.contract import test_accounts_repository as accounts_contract
from tests.contract.test_chat_repository import NOW, _chat, _say, _users, unit

uow = accounts_contract.uow  # the same fixture: the fake, SQLite and PostgreSQL


def _change(chat_id: int, message_id: int, kind: ChangeKind, actor: int, text: str | None = None) -> ChatChange:
    return ChatChange(chat_id=chat_id, kind=kind, message_id=message_id, actor_id=actor, at=NOW, text=text)


async def test_changes_are_numbered_per_chat_and_read_back_with_their_messages(uow: Any) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    group = await _chat(uow, ChatKind.GROUP, [ann, bob], title="Crew")
    other = await _chat(uow, ChatKind.GROUP, [ann, bob], title="Other")
    first, second = await _say(uow, group.id, ann, "one", "two")
    async with unit(uow) as u:
        assert await u.chat_changes.position(group.id) == 0
        assert await u.chat_changes.record(group.id, [_change(group.id, first.id, ChangeKind.POSTED, ann)]) == 1
        changes = [
            _change(group.id, second.id, ChangeKind.POSTED, ann),
            _change(group.id, first.id, ChangeKind.EDITED, ann, "one!"),
        ]
        assert await u.chat_changes.record(group.id, changes) == 3
        assert await u.chat_changes.record(other.id, [_change(other.id, first.id, ChangeKind.PINNED, bob)]) == 1
    async with unit(uow) as u:
        assert await u.chat_changes.position(group.id) == 3
        rows = await u.chat_changes.since(group.id, 1, up_to=None, limit=10)
        assert [(c.seq, c.kind, c.message_id, c.text, m.text, m.sender_name) for c, m in rows] == [
            (2, ChangeKind.POSTED, second.id, None, "two", "ann"),
            (3, ChangeKind.EDITED, first.id, "one!", "one", "ann"),
        ]
        assert [c.seq for c, _ in await u.chat_changes.since(group.id, 0, up_to=2, limit=10)] == [1, 2]
        assert [c.seq for c, _ in await u.chat_changes.since(group.id, 0, up_to=None, limit=1)] == [1]


async def test_a_change_rolled_back_leaves_no_number_behind(uow: Any) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    group = await _chat(uow, ChatKind.GROUP, [ann, bob], title="Crew")
    [message] = await _say(uow, group.id, ann, "one")
    async with uow() as u:  # left without commit
        await u.chat_changes.record(group.id, [_change(group.id, message.id, ChangeKind.POSTED, ann)])
    async with unit(uow) as u:
        assert await u.chat_changes.record(group.id, [_change(group.id, message.id, ChangeKind.POSTED, ann)]) == 1


async def test_concurrent_changes_of_one_chat_get_every_number_once(uow: Any) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    group = await _chat(uow, ChatKind.GROUP, [ann, bob], title="Crew")
    [message] = await _say(uow, group.id, ann, "one")

    async def change(n: int) -> int:
        async with unit(uow) as u:
            edit = _change(group.id, message.id, ChangeKind.EDITED, ann, f"v{n}")
            return int(await u.chat_changes.record(group.id, [edit]))

    numbers = await asyncio.gather(*(change(n) for n in range(12)))
    assert sorted(numbers) == list(range(1, 13))
    async with unit(uow) as u:
        assert [c.seq for c, _ in await u.chat_changes.since(group.id, 0, up_to=None, limit=50)] == list(range(1, 13))


async def test_a_seat_taken_for_update_reads_as_the_seat_and_the_changes_after_it_are_numbered(uow: Any) -> None:
    ann, bob, cyd = await _users(uow, "ann", "bob", "cyd")
    group = await _chat(uow, ChatKind.GROUP, [ann, bob], title="Crew")
    [message] = await _say(uow, group.id, ann, "one")
    async with unit(uow) as u:
        assert await u.chat_changes.lock_with_seat(group.id, ann) == await u.chats.get_seat(group.id, ann)
        chat, seat = await u.chat_changes.lock_with_seat(group.id, cyd)
        assert chat is not None and chat.id == group.id and seat is None
        assert await u.chat_changes.lock_with_seat(group.id + 1000, ann) == (None, None)
        assert await u.chat_changes.record(group.id, [_change(group.id, message.id, ChangeKind.POSTED, ann)]) == 1
        assert await u.chat_changes.record(group.id, [_change(group.id, message.id, ChangeKind.PINNED, bob)]) == 2
    async with unit(uow) as u:
        await u.chat_changes.lock_with_seat(group.id, bob)
        assert await u.chat_changes.record(group.id, [_change(group.id, message.id, ChangeKind.EDITED, ann, "!")]) == 3
