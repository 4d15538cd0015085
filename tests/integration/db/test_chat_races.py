"""Chat rules under real concurrency on PostgreSQL: constraints and row locks, never check-then-act."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.adapters.db.engine import create_session_factory
from app.adapters.db.models.chat import ChatMemberModel, ChatModel
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.bootstrap import Services
from app.core.chat.changes import ChangeKind, ChatChange
from app.core.chat.errors import MessageDeletedError
from app.core.chat.service import ChatService
from app.core.shared.principal import Principal, Role
from app.ports.chat import ChatUnitOfWorkFactory
from tests.fakes import FakePasswordHasher, FakePresenceTracker, RecordingNotifier

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


async def _people(services: Services, count: int) -> list[Principal]:
    people = []
    for i in range(count):
        user = await services.accounts.register(email=f"u{i}@example.com", password="s3cret-pass", name=f"u{i}")
        people.append(Principal(user_id=user.id, roles=frozenset({Role.MEMBER})))
    return people


def _chat(services: Services, uow: ChatUnitOfWorkFactory | None = None) -> ChatService:
    """The chat service on PostgreSQL, publishing to a recorder (no live sockets here)."""
    return ChatService(
        uow=uow or SqlUnitOfWorkFactory(create_session_factory(services.engine)),
        notifier=RecordingNotifier(),
        clock=services.clock,
        hasher=FakePasswordHasher(),
        presence=FakePresenceTracker(),
    )


async def _count(services: Services, statement: object) -> int:
    async with services.engine.connect() as connection:
        return int((await connection.execute(statement)).scalar_one())  # type: ignore[call-overload]


async def test_both_users_opening_their_private_chat_at_once_get_one_chat(services: Services) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    results = await asyncio.gather(
        *(chat.open_private(actor=ann, user_id=bob.user_id) for _ in range(6)),
        *(chat.open_private(actor=bob, user_id=ann.user_id) for _ in range(6)),
    )
    assert len({opened.id for opened, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert await _count(services, select(func.count()).select_from(ChatModel)) == 1
    assert await _count(services, select(func.count()).select_from(ChatMemberModel)) == 2


async def test_concurrent_joins_seat_each_user_once(services: Services) -> None:
    people = await _people(services, 6)
    chat = _chat(services)
    room = await chat.create_room(actor=people[0], name="hall", password="pw")
    joins = [chat.join_room(actor=p, chat_id=room.id, password="pw") for p in people[1:] for _ in range(3)]
    await asyncio.gather(*joins)
    members = select(func.count()).select_from(ChatMemberModel).where(ChatMemberModel.chat_id == room.id)
    assert await _count(services, members) == 6


async def test_concurrent_read_markers_end_at_the_furthest(services: Services) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    sent = [await chat.post_message(actor=ann, chat_id=private.id, text=str(i)) for i in range(12)]
    await asyncio.gather(
        *(chat.mark_read(actor=bob, chat_id=private.id, last_read_message_id=m.id) for m in reversed(sent))
    )
    [summary] = await chat.list_chats(actor=bob)
    assert (summary.last_read_message_id, summary.unread_count) == (sent[-1].id, 0)


async def test_concurrent_posts_are_all_stored_in_order_of_their_ids(services: Services) -> None:
    people = await _people(services, 4)
    chat = _chat(services)
    group = await chat.create_group(actor=people[0], title="g", member_ids=[p.user_id for p in people[1:]])
    posted = await asyncio.gather(
        *(chat.post_message(actor=people[i % 3], chat_id=group.id, text=f"m{i}") for i in range(40))
    )
    history = await chat.history(actor=people[3], chat_id=group.id, before=None, limit=100)
    assert sorted(m.id for m in posted) == [m.id for m in reversed(history.messages)]
    [summary] = await chat.list_chats(actor=people[3])
    assert summary.unread_count == 40


async def test_an_edit_racing_a_delete_never_resurrects_the_text(services: Services) -> None:
    ann, bob = await _people(services, 2)
    chat = _chat(services)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    for i in range(10):
        message = await chat.post_message(actor=ann, chat_id=private.id, text=f"v{i}")
        edits = [chat.edit_message(actor=ann, message_id=message.id, text=f"edit {n}") for n in range(3)]
        delete = chat.delete_message(actor=ann, message_id=message.id)
        racers = [*edits[: i % 3], delete, *edits[i % 3 :]]
        outcomes = await asyncio.gather(*racers, return_exceptions=True)
        assert all(not isinstance(o, BaseException) or isinstance(o, MessageDeletedError) for o in outcomes)
        [stored] = (await chat.history(actor=bob, chat_id=private.id, before=message.id + 1, limit=1)).messages
        assert stored.deleted and stored.text is None


async def test_one_sender_posting_through_two_processes_at_once_never_deadlocks(services: Services) -> None:
    """Two services stand for two server processes: their batches of one chat commit side by side,
    each holding a key share on the chat (its messages' foreign key) while numbering the changes."""
    ann, bob = await _people(services, 2)
    one, two = _chat(services), _chat(services)
    private, _ = await one.open_private(actor=ann, user_id=bob.user_id)
    posted = []
    for round_ in range(5):
        posted += await asyncio.gather(
            *(
                (one if i % 2 else two).post_message(actor=ann, chat_id=private.id, text=f"{round_}.{i}")
                for i in range(8)
            )
        )
    changes = await one.missed(actor=bob, chat_id=private.id, since=0)
    assert changes is not None
    assert sorted(change.message.id for change in changes) == sorted(m.id for m in posted) and len(posted) == 40


async def test_a_seat_taken_for_update_holds_the_chats_counter_until_its_commit(services: Services) -> None:
    """The post takes the chat's lock with the sender's seat: a change recorded meanwhile waits for it."""
    ann, bob = await _people(services, 2)
    private, _ = await _chat(services).open_private(actor=ann, user_id=bob.user_id)
    message = await _chat(services).post_message(actor=ann, chat_id=private.id, text="one")
    uow = SqlUnitOfWorkFactory(create_session_factory(services.engine))
    change = ChatChange(chat_id=private.id, kind=ChangeKind.EDITED, message_id=message.id, actor_id=ann.user_id, at=NOW)

    async def record_meanwhile() -> int:
        async with uow() as unit:
            number = await unit.chat_changes.record(private.id, [change])
            await unit.commit()
            return number

    async with uow() as first:
        await first.chat_changes.lock_with_seat(private.id, ann.user_id)
        meanwhile = asyncio.create_task(record_meanwhile())
        await asyncio.sleep(0.3)
        assert not meanwhile.done()
        assert await first.chat_changes.record(private.id, [change]) == 2
        await first.commit()
    assert await meanwhile == 3


async def test_posts_edits_pins_and_read_markers_of_one_chat_from_two_processes_never_deadlock(
    services: Services,
) -> None:
    """Two services stand for two server processes: posts (the chat's lock first, with the seat),
    edits and pins (the message's lock first, the chat's last) and read markers of one chat at once,
    each change numbered once."""
    people = await _people(services, 3)
    one, two = _chat(services), _chat(services)
    group = await one.create_group(actor=people[0], title="g", member_ids=[p.user_id for p in people[1:]])
    mine = [await one.post_message(actor=people[i], chat_id=group.id, text=f"first {i}") for i in range(3)]
    for round_ in range(4):
        side = [one, two]
        await asyncio.gather(
            *(side[i % 2].post_message(actor=people[i % 3], chat_id=group.id, text=f"{round_}.{i}") for i in range(6)),
            *(side[i % 2].edit_message(actor=people[i], message_id=mine[i].id, text=f"{round_}") for i in range(3)),
            side[round_ % 2].pin_message(actor=people[0], message_id=mine[1].id, pinned=round_ % 2 == 0),
            *(
                side[i % 2].mark_read(actor=people[i], chat_id=group.id, last_read_message_id=mine[2].id)
                for i in range(3)
            ),
        )
    changes = await one.missed(actor=people[1], chat_id=group.id, since=0)
    assert changes is not None
    assert [change.seq for change in changes] == list(range(1, 3 + 4 * (6 + 3 + 1) + 1))
