"""A message served in a batch is answered as if it had been alone; a repeated ``client_id`` returns
the first message. Through the fakes, which refuse what the tables refuse (a sender gone) and the
texts a test declares unstorable (as PostgreSQL refuses U+0000)."""

from __future__ import annotations

import asyncio

import pytest

from app.core.chat.errors import NotAMemberError
from app.core.chat.model import Message
from app.core.chat.service import ChatService
from app.core.shared.errors import MissingReferenceError, UnstorableValueError
from app.core.shared.idempotency import InvalidIdempotencyKeyError
from tests.builders import World, a_user
from tests.unit.core.chat.test_group_commit import _posted, _room_of


async def test_a_poisoned_message_in_a_burst_fails_alone_and_the_30_others_are_stored(
    world: World, chat: ChatService
) -> None:
    ann, eve = a_user(world, "ann"), a_user(world, "eve")
    room_id = await _room_of(chat, ann, eve)
    world.uow.store.unstorable_texts.add("poison")
    posts = [chat.post_message(actor=ann, chat_id=room_id, text=f"m{n}") for n in range(30)]
    posts.insert(12, chat.post_message(actor=eve, chat_id=room_id, text="poison"))

    results = await asyncio.gather(*posts, return_exceptions=True)

    assert isinstance(results.pop(12), UnstorableValueError)
    assert [r.text for r in results if isinstance(r, Message)] == [f"m{n}" for n in range(30)]
    stored = sorted(world.uow.store.messages.values(), key=lambda m: m.id)
    assert [m.text for m in stored] == [f"m{n}" for n in range(30)]
    assert [m.id for m in _posted(world)] == [m.id for m in stored]  # each broadcast once, in order
    assert world.uow.store.chat_members[(room_id, ann.user_id)].last_read_message_id == stored[-1].id


async def test_a_sender_deleted_while_the_batch_is_stored_fails_alone(world: World, chat: ChatService) -> None:
    ann, gone = a_user(world, "ann"), a_user(world, "gone")
    room_id = await _room_of(chat, ann, gone)
    del world.uow.store.users[gone.user_id]  # the seat is still there: only storing the message fails

    results = await asyncio.gather(
        chat.post_message(actor=ann, chat_id=room_id, text="one"),
        chat.post_message(actor=gone, chat_id=room_id, text="ghost"),
        chat.post_message(actor=ann, chat_id=room_id, text="two"),
        return_exceptions=True,
    )

    assert isinstance(results[1], MissingReferenceError)
    assert [r.text for r in (results[0], results[2]) if isinstance(r, Message)] == ["one", "two"]
    assert sorted(m.text or "" for m in world.uow.store.messages.values()) == ["one", "two"]


async def test_a_rule_refusal_in_a_poisoned_batch_keeps_its_own_error(world: World, chat: ChatService) -> None:
    ann, eve, outsider = a_user(world, "ann"), a_user(world, "eve"), a_user(world, "out")
    room_id = await _room_of(chat, ann, eve)
    world.uow.store.unstorable_texts.add("poison")

    results = await asyncio.gather(
        chat.post_message(actor=ann, chat_id=room_id, text="fine"),
        chat.post_message(actor=outsider, chat_id=room_id, text="let me in"),
        chat.post_message(actor=eve, chat_id=room_id, text="poison"),
        chat.post_message(actor=ann, chat_id=room_id, text="also fine"),
        return_exceptions=True,
    )

    assert isinstance(results[1], NotAMemberError)
    assert isinstance(results[2], UnstorableValueError)
    assert [r.text for r in (results[0], results[3]) if isinstance(r, Message)] == ["fine", "also fine"]


async def test_a_repeated_client_id_returns_the_first_message(world: World, chat: ChatService) -> None:
    ann, bob = a_user(world, "ann"), a_user(world, "bob")
    room_id = await _room_of(chat, ann, bob)

    first = await chat.post_message(actor=ann, chat_id=room_id, text="hello", client_id="c-1")
    again = await chat.post_message(actor=ann, chat_id=room_id, text="hello (retry)", client_id="c-1")
    bobs = await chat.post_message(actor=bob, chat_id=room_id, text="mine", client_id="c-1")  # keys are per sender

    assert again == first and first.client_id == "c-1" and again.text == "hello"
    assert bobs.id != first.id and bobs.client_id == "c-1"
    assert len(world.uow.store.messages) == 2
    assert [m.id for m in _posted(world)] == [first.id, bobs.id]  # the repeat is not broadcast again


async def test_concurrent_repeats_of_one_client_id_store_one_message(world: World, chat: ChatService) -> None:
    ann = a_user(world, "ann")
    room_id = await _room_of(chat, ann)

    results = await asyncio.gather(
        *(chat.post_message(actor=ann, chat_id=room_id, text="once", client_id="k") for _ in range(5)),
        chat.post_message(actor=ann, chat_id=room_id, text="other", client_id="k2"),
    )

    assert len({m.id for m in results[:5]}) == 1
    assert sorted(m.text or "" for m in world.uow.store.messages.values()) == ["once", "other"]
    assert len(_posted(world)) == 2


@pytest.mark.parametrize("key", ["", "x" * 65, "with space", "naïve", "tab\t"])
async def test_a_malformed_client_id_is_refused(world: World, chat: ChatService, key: str) -> None:
    ann = a_user(world, "ann")
    room_id = await _room_of(chat, ann)

    with pytest.raises(InvalidIdempotencyKeyError):
        await chat.post_message(actor=ann, chat_id=room_id, text="hi", client_id=key)
    assert not world.uow.store.messages
