"""Messages posted to one chat at the same time are stored together (group commit), in order."""

from __future__ import annotations

import asyncio

import pytest

from app.core.chat.domain_events import MessagePosted
from app.core.chat.errors import InvalidReplyError, NotAMemberError
from app.core.chat.model import Message
from app.core.chat.service import ChatService
from app.core.shared.domain_events import DomainEvent
from app.core.shared.principal import Principal
from tests.builders import World, a_user
from tests.fakes import InMemoryMessageRepository


async def _room_of(chat: ChatService, owner: Principal, *members: Principal) -> int:
    room = await chat.create_room(actor=owner, name="Fan-out", password=None)
    for member in members:
        await chat.join_room(actor=member, chat_id=room.id, password=None)
    return room.id


def _posted(world: World) -> list[Message]:
    return [event.message for event in world.notifier.published if isinstance(event, MessagePosted)]


async def test_concurrent_posts_are_stored_in_one_transaction_in_posting_order_when_they_arrive_together(
    world: World, chat: ChatService
) -> None:
    ann, bob = a_user(world, "ann"), a_user(world, "bob")
    room_id = await _room_of(chat, ann, bob)
    commits_before = world.uow.commits
    stored_when_published: list[bool] = []
    record = world.notifier.publish

    async def publish(*events: DomainEvent) -> None:  # what a socket is told exists is already stored
        stored_when_published.extend(
            e.message.id in world.uow.store.messages for e in events if isinstance(e, MessagePosted)
        )
        await record(*events)

    world.notifier.publish = publish  # type: ignore[method-assign]

    senders = [ann, bob] * 10
    sent = await asyncio.gather(
        *(chat.post_message(actor=who, chat_id=room_id, text=f"m{n}") for n, who in enumerate(senders))
    )

    assert world.uow.commits == commits_before + 1
    assert [m.text for m in sent] == [f"m{n}" for n in range(20)]
    assert [m.id for m in sent] == sorted(m.id for m in sent)
    assert [m.id for m in _posted(world)] == [m.id for m in sent]
    assert stored_when_published == [True] * 20
    for who in (ann, bob):  # each sender has read up to their own last message
        last = max(m.id for m in sent if m.sender_id == who.user_id)
        assert world.uow.store.chat_members[(room_id, who.user_id)].last_read_message_id == last


async def test_a_refused_message_fails_alone_when_its_batch_holds_valid_ones(world: World, chat: ChatService) -> None:
    ann, bob, cat = a_user(world, "ann"), a_user(world, "bob"), a_user(world, "cat")
    room_id = await _room_of(chat, ann, bob)

    results = await asyncio.gather(
        chat.post_message(actor=ann, chat_id=room_id, text="first"),
        chat.post_message(actor=cat, chat_id=room_id, text="not a member"),
        chat.post_message(actor=bob, chat_id=room_id, text="bad reply", reply_to=10**9),
        chat.post_message(actor=cat, chat_id=room_id, text="still not a member"),
        chat.post_message(actor=bob, chat_id=room_id, text="last"),
        return_exceptions=True,
    )

    assert isinstance(results[1], NotAMemberError) and isinstance(results[3], NotAMemberError)
    assert isinstance(results[2], InvalidReplyError)
    assert [r.text for r in (results[0], results[4]) if isinstance(r, Message)] == ["first", "last"]
    assert [m.text for m in _posted(world)] == ["first", "last"]
    assert sorted(m.text or "" for m in world.uow.store.messages.values()) == ["first", "last"]


async def test_a_failing_batch_fails_only_its_own_messages_when_the_next_batch_waits_behind_it(
    world: World, chat: ChatService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = a_user(world, "ann")
    room_id = await _room_of(chat, ann)
    gate = asyncio.Event()
    store_messages = InMemoryMessageRepository.add_messages

    async def flaky(
        self: InMemoryMessageRepository, messages: list[Message], *, read_by_senders: bool
    ) -> list[Message]:
        if any(m.text == "boom" for m in messages):
            await gate.wait()
            raise OSError("disk full")
        return await store_messages(self, messages, read_by_senders=read_by_senders)

    monkeypatch.setattr(InMemoryMessageRepository, "add_messages", flaky)
    doomed = asyncio.create_task(chat.post_message(actor=ann, chat_id=room_id, text="boom"))
    await asyncio.sleep(0)  # its batch is now being stored
    later = [asyncio.create_task(chat.post_message(actor=ann, chat_id=room_id, text=t)) for t in ("a", "b")]
    await asyncio.sleep(0)
    gate.set()

    with pytest.raises(OSError, match="disk full"):
        await doomed
    assert [m.text for m in await asyncio.gather(*later)] == ["a", "b"]
    assert [m.text for m in _posted(world)] == ["a", "b"]
    assert sorted(m.text or "" for m in world.uow.store.messages.values()) == ["a", "b"]
