"""Fakes of the chat ports: chats, lists, messages, read state, the change log and the presence tracker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from app.adapters.memory.presence_ledger import PresenceLedger
from app.core.chat.changes import ChatChange
from app.core.chat.errors import AlreadyMemberError as AlreadyChatMemberError
from app.core.chat.errors import PrivateChatExistsError, RoomNameTakenError
from app.core.chat.model import Chat, ChatKind, ChatMember, ChatSummary, Message, RoomSummary
from app.core.shared.errors import DuplicateKeyError, MissingReferenceError, UnstorableValueError
from app.core.shared.paging import Page, PageRequest
from tests.fakes.store import Store


class ChatStoreView:
    """Reads the chat part of the fake store as the SQL repositories do (messages carry their sender's name)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _name(self, user_id: int) -> str:
        user = self._store.users.get(user_id)
        return (user.username or user.name) if user else ""

    def _message(self, message: Message) -> Message:
        return replace(message, sender_name=self._name(message.sender_id))


class InMemoryChatRepository(ChatStoreView):
    """Chats and seats in the fake store, with the SQL repository's rules."""

    async def add_chat(self, chat: Chat) -> Chat:
        for other in self._store.chats.values():
            if chat.pair_key and other.pair_key == chat.pair_key:
                raise PrivateChatExistsError()
            if chat.room_key and other.room_key == chat.room_key:
                raise RoomNameTakenError()
        stored = replace(chat, id=next(self._store.ids))
        self._store.chats[stored.id] = stored
        return replace(stored)

    async def get_chat(self, chat_id: int) -> Chat | None:
        chat = self._store.chats.get(chat_id)
        return replace(chat) if chat else None

    async def get_private(self, pair_key: str) -> Chat | None:
        return next((replace(c) for c in self._store.chats.values() if c.pair_key == pair_key), None)

    async def get_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        chat = await self.get_chat(chat_id)
        return chat, await self.get_member(chat_id, user_id) if chat else None

    async def add_member(self, member: ChatMember) -> None:
        key = (member.chat_id, member.user_id)
        if key in self._store.chat_members:
            raise AlreadyChatMemberError()
        self._store.chat_members[key] = replace(member)

    async def get_member(self, chat_id: int, user_id: int) -> ChatMember | None:
        member = self._store.chat_members.get((chat_id, user_id))
        return replace(member, display_name=self._name(user_id)) if member else None

    async def list_members(self, chat_id: int) -> list[ChatMember]:
        members = [m for (c, _), m in self._store.chat_members.items() if c == chat_id]
        members.sort(key=lambda m: (m.joined_at is None, m.joined_at, m.user_id))
        return [replace(m, display_name=self._name(m.user_id)) for m in members]

    async def member_ids(self, chat_id: int) -> list[int]:
        return [u for (c, u) in self._store.chat_members if c == chat_id]

    async def remove_member(self, chat_id: int, user_id: int) -> None:
        self._store.chat_members.pop((chat_id, user_id), None)

    async def set_admin(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        self._store.chat_members[(chat_id, user_id)].is_admin = is_admin


class InMemoryChatListing(ChatStoreView):
    """A user's chats and the listed rooms."""

    async def chat_ids_of(self, user_id: int) -> list[int]:
        return [c for (c, u) in self._store.chat_members if u == user_id]

    async def summaries_of(self, user_id: int) -> list[ChatSummary]:
        summaries = []
        for chat_id in await self.chat_ids_of(user_id):
            seat = self._store.chat_members[(chat_id, user_id)]
            in_chat = [m for m in self._store.messages.values() if m.chat_id == chat_id]
            last = max(in_chat, key=lambda m: m.id, default=None)
            summaries.append(
                ChatSummary(
                    chat=replace(self._store.chats[chat_id]),
                    unread_count=await InMemoryReadStateRepository(self._store).unread_count(
                        chat_id, user_id, seat.last_read_message_id
                    ),
                    last_message=self._message(last) if last else None,
                    last_read_message_id=seat.last_read_message_id,
                )
            )
        summaries.sort(key=lambda s: (s.last_message.id if s.last_message else 0, s.chat.id), reverse=True)
        return summaries

    async def list_rooms(self, *, user_id: int, search: str | None, page: PageRequest) -> Page[RoomSummary]:
        rooms = sorted(
            (c for c in self._store.chats.values() if c.kind is ChatKind.ROOM), key=lambda c: c.room_key or ""
        )
        if search:
            rooms = [c for c in rooms if search.strip().casefold() in (c.room_key or "")]
        window = rooms[page.offset : page.offset + page.limit]
        items = [
            RoomSummary(
                chat=replace(c),
                member_count=sum(1 for (chat_id, _) in self._store.chat_members if chat_id == c.id),
                is_member=(c.id, user_id) in self._store.chat_members,
            )
            for c in window
        ]
        return Page(items=items, total=len(rooms), request=page)


class InMemoryMessageRepository(ChatStoreView):
    """Messages in the fake store, refusing what the SQL tables refuse."""

    async def add_messages(self, messages: list[Message], *, read_by_senders: bool = False) -> list[Message]:
        """Refuses what the SQL tables refuse: a sender who is gone, a taken client_id (and the texts a
        test declared unstorable)."""
        added = []
        for message in messages:
            if message.text in self._store.unstorable_texts:
                raise UnstorableValueError()
            if message.sender_id not in self._store.users:
                raise MissingReferenceError()
            if message.client_id is not None and await self.messages_by_client_id(
                message.chat_id, [(message.sender_id, message.client_id)]
            ):
                raise DuplicateKeyError()
            stored = replace(message, id=next(self._store.ids))
            self._store.messages[stored.id] = stored
            added.append(replace(stored))
        for message in added if read_by_senders else []:
            await InMemoryReadStateRepository(self._store).advance_read(message.chat_id, message.sender_id, message.id)
        return added

    async def messages_by_client_id(self, chat_id: int, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Message]:
        return {
            key: self._message(m)
            for m in self._store.messages.values()
            if m.chat_id == chat_id and m.client_id is not None and (key := (m.sender_id, m.client_id)) in keys
        }

    async def get_message(self, message_id: int) -> Message | None:
        message = self._store.messages.get(message_id)
        return self._message(message) if message else None

    async def get_message_for_update(self, message_id: int) -> Message | None:
        return await self.get_message(message_id)

    async def update_message(self, message: Message) -> None:
        self._store.messages[message.id] = replace(message)

    async def history(self, chat_id: int, *, before: int | None, limit: int) -> list[Message]:
        found = [m for m in self._store.messages.values() if m.chat_id == chat_id and (before is None or m.id < before)]
        return [self._message(m) for m in sorted(found, key=lambda m: m.id, reverse=True)[:limit]]

    async def pinned(self, chat_id: int) -> list[Message]:
        found = [m for m in self._store.messages.values() if m.chat_id == chat_id and m.pinned_at is not None]
        return [self._message(m) for m in sorted(found, key=lambda m: (m.pinned_at, m.id), reverse=True)]

    async def search(self, *, user_id: int, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        words = [w.lower() for w in re.findall(r"\w+", query)]
        mine = set(await InMemoryChatListing(self._store).chat_ids_of(user_id))
        found = [
            m
            for m in sorted(self._store.messages.values(), key=lambda m: m.id, reverse=True)
            if words
            and m.chat_id in mine
            and (chat_id is None or m.chat_id == chat_id)
            and not m.deleted
            and all(w in (m.text or "").lower() for w in words)
        ]
        window = found[page.offset : page.offset + page.limit]
        return Page(items=[self._message(m) for m in window], total=len(found), request=page)


class InMemoryReadStateRepository(ChatStoreView):
    """Read and delivery markers on the seats."""

    async def advance_read(self, chat_id: int, user_id: int, message_id: int) -> bool:
        seat = self._store.chat_members.get((chat_id, user_id))
        if seat is None or seat.last_read_message_id >= message_id:
            return False
        seat.last_read_message_id = message_id
        return True

    async def advance_delivered(self, chat_id: int, user_id: int, message_id: int) -> bool:
        seat = self._store.chat_members.get((chat_id, user_id))
        if seat is None or seat.last_delivered_message_id >= message_id:
            return False
        seat.last_delivered_message_id = message_id
        return True

    async def unread_count(self, chat_id: int, user_id: int, after: int) -> int:
        return sum(
            1
            for m in self._store.messages.values()
            if m.chat_id == chat_id and m.id > after and m.sender_id != user_id and not m.deleted
        )


class InMemoryChatChangeLog:
    """Each chat's change log in the fake store, numbered from 1 like the SQL counter."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def record(self, chat_id: int, changes: Sequence[ChatChange]) -> int:
        log = self._store.chat_changes.setdefault(chat_id, [])
        log += [replace(change, seq=len(log) + index + 1) for index, change in enumerate(changes)]
        return len(log)

    async def position(self, chat_id: int) -> int:
        return len(self._store.chat_changes.get(chat_id, []))

    async def lock_with_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        return await InMemoryChatRepository(self._store).get_seat(chat_id, user_id)  # one writer: no lock

    async def since(
        self, chat_id: int, after: int, *, up_to: int | None, limit: int
    ) -> list[tuple[ChatChange, Message]]:
        log = [
            c for c in self._store.chat_changes.get(chat_id, []) if c.seq > after and (up_to is None or c.seq <= up_to)
        ]
        messages, found = InMemoryMessageRepository(self._store), []
        for change in log[:limit]:
            if (message := await messages.get_message(change.message_id)) is not None:
                found.append((change, message))
        return found


class FakePresenceTracker:
    """The presence ledger on a hand-moved clock; ``now`` is in seconds."""

    def __init__(self, ttl_s: float = 30.0) -> None:
        self.ledger = PresenceLedger(ttl_s=ttl_s)
        self.now = 0.0
        self.local: dict[str, int] = {}

    async def connect(self, user_id: int, connection_id: str) -> bool:
        self.local[connection_id] = user_id
        return self.ledger.connect(user_id, connection_id, self.now)

    async def disconnect(self, user_id: int, connection_id: str) -> bool:
        self.local.pop(connection_id, None)
        return self.ledger.disconnect(user_id, connection_id, self.now)

    async def heartbeat(self) -> list[int]:
        return [
            user_id
            for connection_id, user_id in self.local.items()
            if self.ledger.renew(user_id, connection_id, self.now)
        ]

    async def sweep(self) -> list[int]:
        return self.ledger.sweep(self.now)

    async def online(self, user_ids: list[int]) -> set[int]:
        return self.ledger.online(user_ids, self.now)
