"""The chat repository contract, on the in-memory fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from app.core.accounts.model import User
from app.core.chat.errors import AlreadyMemberError, PrivateChatExistsError, RoomNameTakenError
from app.core.chat.model import Chat, ChatKind, ChatMember, Message
from app.core.shared.errors import DuplicateKeyError, MissingReferenceError
from app.core.shared.paging import PageRequest
from tests.contract import test_accounts_repository as accounts_contract

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
uow = accounts_contract.uow  # the same fixture: the fake, SQLite and PostgreSQL


@asynccontextmanager
async def unit(uow: Callable[[], Any]) -> AsyncIterator[Any]:
    async with uow() as unit:
        yield unit
        await unit.commit()


async def _users(uow: Callable[[], Any], *names: str) -> list[int]:
    async with unit(uow) as u:
        return [
            (
                await u.users.add(User(email=f"{n}@example.com", name=n, username=n, password_hash="x", created_at=NOW))
            ).id
            for n in names
        ]


async def _chat(uow: Callable[[], Any], kind: ChatKind, members: list[int], **fields: Any) -> Chat:
    async with unit(uow) as u:
        chat: Chat = await u.chats.add_chat(Chat(kind=kind, created_by=members[0], created_at=NOW, **fields))
        for user_id in members:
            await u.chats.add_member(ChatMember(chat_id=chat.id, user_id=user_id, joined_at=NOW))
    return chat


async def _say(uow: Callable[[], Any], chat_id: int, sender_id: int, *texts: str) -> list[Message]:
    async with unit(uow) as u:
        stored: list[Message] = await u.messages.add_messages(
            [Message(chat_id=chat_id, sender_id=sender_id, text=t, created_at=NOW) for t in texts]
        )
        return stored


async def test_one_private_chat_per_pair_and_unique_room_names(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    await _chat(uow, ChatKind.PRIVATE, [ann, bob], pair_key=f"{ann}:{bob}")
    with pytest.raises(PrivateChatExistsError):
        await _chat(uow, ChatKind.PRIVATE, [ann, bob], pair_key=f"{ann}:{bob}")
    await _chat(uow, ChatKind.ROOM, [ann], title="Hall", room_key="hall")
    with pytest.raises(RoomNameTakenError):
        await _chat(uow, ChatKind.ROOM, [bob], title="HALL", room_key="hall")
    async with uow() as u:
        found = await u.chats.get_private(f"{ann}:{bob}")
        assert found is not None and found.kind is ChatKind.PRIVATE


async def test_a_seat_is_taken_once(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    chat = await _chat(uow, ChatKind.GROUP, [ann, bob], title="g")
    async with uow() as u:
        with pytest.raises(AlreadyMemberError):
            await u.chats.add_member(ChatMember(chat_id=chat.id, user_id=bob, joined_at=NOW))
        member = await u.chats.get_member(chat.id, bob)
        assert member is not None and member.display_name == "bob"


async def test_history_cursor_edges(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    chat = await _chat(uow, ChatKind.PRIVATE, [ann, bob], pair_key="p")
    other = await _chat(uow, ChatKind.GROUP, [ann], title="o")
    ids = [m.id for m in await _say(uow, chat.id, ann, "a", "b", "c", "d")]
    await _say(uow, other.id, ann, "noise")
    async with uow() as u:
        assert [m.id for m in await u.messages.history(chat.id, before=None, limit=2)] == [ids[3], ids[2]]
        assert [m.id for m in await u.messages.history(chat.id, before=ids[2], limit=5)] == [ids[1], ids[0]]
        assert await u.messages.history(chat.id, before=ids[0], limit=5) == []
        assert (await u.messages.history(chat.id, before=None, limit=1))[0].sender_name == "ann"


async def test_read_marker_only_moves_forward_and_unread_counts_others_live_messages(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    chat = await _chat(uow, ChatKind.PRIVATE, [ann, bob], pair_key="p")
    first, second, third = await _say(uow, chat.id, ann, "1", "2", "3")
    await _say(uow, chat.id, bob, "mine")
    async with unit(uow) as u:
        assert await u.read_state.unread_count(chat.id, bob, 0) == 3
        assert await u.read_state.advance_read(chat.id, bob, second.id) is True
        assert await u.read_state.advance_read(chat.id, bob, first.id) is False
        assert await u.read_state.advance_read(chat.id, bob, second.id) is False
        third.deleted_at, third.text = NOW, None
        await u.messages.update_message(third)
    async with uow() as u:
        [summary] = await u.chat_lists.summaries_of(bob)
        assert (summary.last_read_message_id, summary.unread_count) == (second.id, 0)
        assert summary.last_message is not None and summary.last_message.text == "mine"


async def test_search_is_scoped_to_the_users_chats(uow: Callable[[], Any]) -> None:
    ann, bob, cat = await _users(uow, "ann", "bob", "cat")
    ours = await _chat(uow, ChatKind.PRIVATE, [ann, bob], pair_key="ab")
    theirs = await _chat(uow, ChatKind.PRIVATE, [bob, cat], pair_key="bc")
    [hit] = await _say(uow, ours.id, ann, "Ridge walk tomorrow")
    [secret] = await _say(uow, theirs.id, cat, "ridge walk secret 50%_off")
    async with uow() as u:
        page = PageRequest()
        assert [m.id for m in (await u.messages.search(user_id=ann, query="ridge", chat_id=None, page=page)).items] == [
            hit.id
        ]
        both = await u.messages.search(user_id=bob, query="walk ridge", chat_id=None, page=page)
        assert {m.id for m in both.items} == {hit.id, secret.id} and both.total == 2
        only = await u.messages.search(user_id=bob, query="ridge", chat_id=ours.id, page=page)
        assert [m.id for m in only.items] == [hit.id]
        assert (await u.messages.search(user_id=cat, query="50", chat_id=None, page=page)).total == 1
        assert (await u.messages.search(user_id=ann, query="%_", chat_id=None, page=page)).total == 0


async def test_rooms_list_by_name_with_members(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    await _chat(uow, ChatKind.ROOM, [ann, bob], title="Zeta", room_key="zeta")
    await _chat(uow, ChatKind.ROOM, [ann], title="alpha_1", room_key="alpha_1")
    await _chat(uow, ChatKind.GROUP, [ann], title="not a room")
    async with uow() as u:
        page = await u.chat_lists.list_rooms(user_id=bob, search=None, page=PageRequest(limit=10))
        assert [(r.chat.title, r.member_count, r.is_member) for r in page.items] == [
            ("alpha_1", 1, False),
            ("Zeta", 2, True),
        ]
        assert (await u.chat_lists.list_rooms(user_id=bob, search="A_", page=PageRequest())).total == 1


async def test_messages_stored_together_get_ids_in_list_order(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    room = await _chat(uow, ChatKind.ROOM, [ann, bob], title="Hall", room_key="hall")
    texts = [f"m{n}" for n in range(40)]
    async with unit(uow) as u:
        stored = await u.messages.add_messages(
            [Message(chat_id=room.id, sender_id=(ann, bob)[n % 2], text=t, created_at=NOW) for n, t in enumerate(texts)]
        )
    assert [m.text for m in stored] == texts
    assert [m.id for m in stored] == sorted({m.id for m in stored})
    async with uow() as u:
        history = await u.messages.history(room.id, before=None, limit=100)
    assert [(m.id, m.text, m.sender_id) for m in reversed(history)] == [(m.id, m.text, m.sender_id) for m in stored]


async def test_messages_are_found_by_their_senders_client_ids(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    chat = await _chat(uow, ChatKind.GROUP, [ann, bob], title="g")
    other = await _chat(uow, ChatKind.GROUP, [ann, bob], title="h")
    async with unit(uow) as u:
        stored = await u.messages.add_messages(
            [
                Message(chat_id=chat.id, sender_id=ann, text="a", created_at=NOW, client_id="k1"),
                Message(chat_id=chat.id, sender_id=bob, text="b", created_at=NOW, client_id="k1"),
                Message(chat_id=chat.id, sender_id=ann, text="c", created_at=NOW),
                Message(chat_id=other.id, sender_id=ann, text="d", created_at=NOW, client_id="k2"),
            ]
        )
    assert [m.client_id for m in stored] == ["k1", "k1", None, "k2"]
    async with uow() as u:
        found = await u.messages.messages_by_client_id(chat.id, [(ann, "k1"), (bob, "k1"), (ann, "k2"), (bob, "zz")])
        none = await u.messages.messages_by_client_id(chat.id, [])
        history = await u.messages.history(chat.id, before=None, limit=10)
    assert {key: m.text for key, m in found.items()} == {(ann, "k1"): "a", (bob, "k1"): "b"}
    assert found[(ann, "k1")].sender_name == "ann" and none == {}
    assert [m.client_id for m in history] == [None, "k1", "k1"]


async def test_a_taken_client_id_or_a_sender_who_is_gone_refuses_the_write(uow: Callable[[], Any]) -> None:
    ann, bob = await _users(uow, "ann", "bob")
    chat = await _chat(uow, ChatKind.GROUP, [ann, bob], title="g")
    async with unit(uow) as u:
        await u.messages.add_messages(
            [Message(chat_id=chat.id, sender_id=ann, text="first", created_at=NOW, client_id="k")]
        )
    async with uow() as u:
        with pytest.raises(DuplicateKeyError):
            await u.messages.add_messages(
                [
                    Message(chat_id=chat.id, sender_id=bob, text="fine", created_at=NOW),
                    Message(chat_id=chat.id, sender_id=ann, text="again", created_at=NOW, client_id="k"),
                ]
            )
    async with uow() as u:
        with pytest.raises(MissingReferenceError):
            await u.messages.add_messages([Message(chat_id=chat.id, sender_id=2**40, text="ghost", created_at=NOW)])
    async with uow() as u:  # nothing of the refused writes was kept
        assert [m.text for m in await u.messages.history(chat.id, before=None, limit=10)] == ["first"]


async def test_messages_read_by_their_senders_move_each_senders_read_marker_to_their_last(
    uow: Callable[[], Any],
) -> None:
    ann, bob, cyd = await _users(uow, "ann", "bob", "cyd")
    chat = await _chat(uow, ChatKind.GROUP, [ann, bob, cyd], title="g")
    other = await _chat(uow, ChatKind.GROUP, [ann, bob], title="h")
    async with unit(uow) as u:
        assert await u.read_state.advance_read(chat.id, cyd, 10**9)  # beyond anything stored below
        stored = await u.messages.add_messages(
            [
                Message(chat_id=chat.id, sender_id=sender, text=f"m{n}", created_at=NOW)
                for n, sender in enumerate([ann, bob, ann, cyd])
            ]
            + [Message(chat_id=other.id, sender_id=bob, text="there", created_at=NOW)],
            read_by_senders=True,
        )
        unread = await u.messages.add_messages([Message(chat_id=chat.id, sender_id=bob, text="x", created_at=NOW)])
        [alone] = await u.messages.add_messages(
            [Message(chat_id=other.id, sender_id=ann, text="alone", created_at=NOW)], read_by_senders=True
        )
    assert [m.text for m in stored] == ["m0", "m1", "m2", "m3", "there"] and alone.text == "alone"
    async with uow() as u:
        markers = {(m.chat_id, m.user_id): m.last_read_message_id for m in await u.chats.list_members(chat.id)}
        markers |= {(m.chat_id, m.user_id): m.last_read_message_id for m in await u.chats.list_members(other.id)}
    assert markers == {
        (chat.id, ann): stored[2].id,
        (chat.id, bob): stored[1].id,  # not moved by ``unread``, stored without read_by_senders
        (chat.id, cyd): 10**9,  # never back
        (other.id, ann): alone.id,
        (other.id, bob): stored[4].id,
    }
    assert stored[4].id < unread[0].id < alone.id
