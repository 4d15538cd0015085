"""Chat use cases of conversations: private chats, groups and rooms, and who is in them."""

from __future__ import annotations

from dataclasses import replace

from app.core.chat.domain_events import ChatCreated, MemberJoined, MemberLeft
from app.core.chat.errors import (
    AlreadyMemberError,
    CannotLeavePrivateChatError,
    ChatNotFoundError,
    ChatUserNotFoundError,
    ChatWithSelfError,
    InvalidChatError,
    NotAGroupError,
    NotARoomError,
    PrivateChatExistsError,
    WrongPasswordError,
)
from app.core.chat.model import (
    Chat,
    ChatDetail,
    ChatKind,
    ChatMember,
    ChatSummary,
    RoomSummary,
    pair_key,
    pair_peer,
    room_key,
)
from app.core.chat.rules import MAX_TITLE_LENGTH, successor_admin
from app.core.chat.services.access import seat_of
from app.core.shared.paging import Page, PageRequest
from app.core.shared.people import ensure_users_exist
from app.core.shared.principal import Principal
from app.ports.chat import ChatUnitOfWork, ChatUnitOfWorkFactory
from app.ports.clock import Clock
from app.ports.notifier import Notifier
from app.ports.security import PasswordHasher

MAX_GROUP_MEMBERS = 500


class ConversationService:
    """Open, create, list and join chats; add and remove their members. One method, one transaction."""

    def __init__(self, *, uow: ChatUnitOfWorkFactory, notifier: Notifier, clock: Clock, hasher: PasswordHasher) -> None:
        self._uow, self._notifier, self._clock, self._hasher = uow, notifier, clock, hasher

    async def open_private(self, *, actor: Principal, user_id: int) -> tuple[Chat, bool]:
        """The private chat of the caller and ``user_id``, created when missing (True when created).

        Rules: not with oneself; the other user must exist; one chat per pair (a unique key on the
        ordered pair, so two concurrent requests still make one chat).
        """
        if user_id == actor.user_id:
            raise ChatWithSelfError()
        key = pair_key(actor.user_id, user_id)
        async with self._uow() as uow:
            existing = await uow.chats.get_private(key)
            if existing is not None:
                return existing, False
            await self._ensure_users_exist(uow, [user_id])
            chat = Chat(kind=ChatKind.PRIVATE, created_by=actor.user_id, created_at=self._clock.now(), pair_key=key)
            try:
                chat = await uow.chats.add_chat(chat)
            except PrivateChatExistsError:
                pass  # a concurrent request made it first: return that one below
            else:
                members = tuple(sorted({actor.user_id, user_id}))
                for member_id in members:
                    await uow.chats.add_member(self._seat(chat.id, member_id))
                await uow.commit()
                await self._notifier.publish(ChatCreated(chat_id=chat.id, member_ids=members))
                return chat, True
        async with self._uow() as uow:
            existing = await uow.chats.get_private(key)
        if existing is None:  # pragma: no cover - the constraint fired, so the row exists
            raise ChatNotFoundError()
        return existing, False

    async def create_group(self, *, actor: Principal, title: str, member_ids: list[int]) -> Chat:
        """Create a group; the creator is its admin and the listed users its members (who must exist)."""
        title = self._title(title)
        others = sorted(set(member_ids) - {actor.user_id})
        if len(others) > MAX_GROUP_MEMBERS:
            raise InvalidChatError(f"A group has at most {MAX_GROUP_MEMBERS} members.")
        async with self._uow() as uow:
            await self._ensure_users_exist(uow, others)
            chat = await uow.chats.add_chat(
                Chat(kind=ChatKind.GROUP, title=title, created_by=actor.user_id, created_at=self._clock.now())
            )
            await uow.chats.add_member(self._seat(chat.id, actor.user_id, admin=True))
            for user_id in others:
                await uow.chats.add_member(self._seat(chat.id, user_id))
            await uow.commit()
        await self._notifier.publish(ChatCreated(chat_id=chat.id, member_ids=(actor.user_id, *others)))
        return chat

    async def create_room(self, *, actor: Principal, name: str, password: str | None) -> Chat:
        """Create a listed room (names are unique case-insensitively); an optional password is stored hashed."""
        name = self._title(name)
        password_hash = await self._hasher.hash(password) if password else None
        async with self._uow() as uow:
            chat = await uow.chats.add_chat(
                Chat(
                    kind=ChatKind.ROOM,
                    title=name,
                    created_by=actor.user_id,
                    created_at=self._clock.now(),
                    room_key=room_key(name),
                    password_hash=password_hash,
                )
            )
            await uow.chats.add_member(self._seat(chat.id, actor.user_id, admin=True))
            await uow.commit()
        await self._notifier.publish(ChatCreated(chat_id=chat.id, member_ids=(actor.user_id,)))
        return chat

    async def list_chats(self, *, actor: Principal) -> list[ChatSummary]:
        """The caller's chats with unread counters and last messages; a private chat names its other user."""
        async with self._uow() as uow:
            summaries = await uow.chat_lists.summaries_of(actor.user_id)
            peer_ids = {s.chat.id: pair_peer(s.chat.pair_key, actor.user_id) for s in summaries if s.chat.pair_key}
            people = {person.id: person for person in await uow.people.get_many(sorted(set(peer_ids.values())))}
        return [replace(s, peer=people.get(peer_ids.get(s.chat.id, 0))) for s in summaries]

    async def chat_ids(self, *, actor: Principal) -> list[int]:
        """The ids of every chat the caller is a member of."""
        async with self._uow() as uow:
            return await uow.chat_lists.chat_ids_of(actor.user_id)

    async def get_chat(self, *, actor: Principal, chat_id: int) -> ChatDetail:
        """A chat the caller is a member of, with its members."""
        async with self._uow() as uow:
            chat, me = await seat_of(uow, actor, chat_id)
            members = await uow.chats.list_members(chat_id)
        return ChatDetail(chat=chat, members=members, me=me)

    async def add_member(self, *, actor: Principal, chat_id: int, user_id: int) -> ChatMember:
        """A group admin adds a user to the group."""
        async with self._uow() as uow:
            chat, me = await seat_of(uow, actor, chat_id)
            if not chat.is_group:
                raise NotAGroupError()
            me.ensure_admin()
            await self._ensure_users_exist(uow, [user_id])
            if await uow.chats.get_member(chat_id, user_id) is not None:
                raise AlreadyMemberError()
            await uow.chats.add_member(self._seat(chat_id, user_id))
            member = await uow.chats.get_member(chat_id, user_id)
            await uow.commit()
        await self._notifier.publish(MemberJoined(chat_id=chat_id, user_id=user_id))
        assert member is not None
        return member

    async def remove_member(self, *, actor: Principal, chat_id: int, user_id: int) -> None:
        """A member leaves a group or room; a group admin removes anyone from the group.

        When the last admin leaves, the longest-standing remaining member becomes admin.
        """
        async with self._uow() as uow:
            chat, me = await seat_of(uow, actor, chat_id)
            if chat.kind is ChatKind.PRIVATE:
                raise CannotLeavePrivateChatError()
            if user_id != actor.user_id:
                if not chat.is_group:
                    raise NotAGroupError("Only group admins remove other members.")
                me.ensure_admin()
            members = await uow.chats.list_members(chat_id)
            if all(m.user_id != user_id for m in members):
                raise ChatUserNotFoundError("The user is not a member of this chat.")
            await uow.chats.remove_member(chat_id, user_id)
            successor = successor_admin(members, user_id)
            if successor is not None:
                await uow.chats.set_admin(chat_id, successor.user_id, True)
            await uow.commit()
        await self._notifier.publish(MemberLeft(chat_id=chat_id, user_id=user_id))

    async def list_rooms(self, *, actor: Principal, search: str | None, page: PageRequest) -> Page[RoomSummary]:
        """Listed rooms, optionally those whose name contains ``search``."""
        async with self._uow() as uow:
            return await uow.chat_lists.list_rooms(user_id=actor.user_id, search=search or None, page=page)

    async def join_room(self, *, actor: Principal, chat_id: int, password: str | None) -> ChatDetail:
        """Join a room, with its password when it has one (``wrong_password``). Joining twice is harmless."""
        async with self._uow() as uow:
            chat = await uow.chats.get_chat(chat_id)
            me = await uow.chats.get_member(chat_id, actor.user_id) if chat else None
            if chat is None or (chat.kind is not ChatKind.ROOM and me is None):
                raise ChatNotFoundError()
            if chat.kind is not ChatKind.ROOM:
                raise NotARoomError()
            joined = False
            if me is None:
                if chat.password_hash is not None and not (
                    password and await self._hasher.verify(chat.password_hash, password)
                ):
                    raise WrongPasswordError()
                try:
                    await uow.chats.add_member(self._seat(chat_id, actor.user_id))
                    joined = True
                except AlreadyMemberError:
                    pass  # a concurrent join of the same user won
                me = await uow.chats.get_member(chat_id, actor.user_id)
                await uow.commit()
            members = await uow.chats.list_members(chat_id)
        if joined:
            await self._notifier.publish(MemberJoined(chat_id=chat_id, user_id=actor.user_id))
        assert me is not None
        return ChatDetail(chat=chat, members=members, me=me)

    async def check_member(self, *, actor: Principal, chat_id: int) -> Chat:
        """The chat, when the caller is a member (``chat_not_found`` / ``not_a_member`` otherwise)."""
        async with self._uow() as uow:
            chat, _ = await seat_of(uow, actor, chat_id)
        return chat

    async def _ensure_users_exist(self, uow: ChatUnitOfWork, user_ids: list[int]) -> None:
        await ensure_users_exist(uow.people, user_ids, active_only=True, missing=_no_such_users)

    def _seat(self, chat_id: int, user_id: int, *, admin: bool = False) -> ChatMember:
        return ChatMember(chat_id=chat_id, user_id=user_id, is_admin=admin, joined_at=self._clock.now())

    @staticmethod
    def _title(title: str) -> str:
        cleaned = title.strip()
        if not cleaned or len(cleaned) > MAX_TITLE_LENGTH:
            raise InvalidChatError(f"A title or room name needs 1 to {MAX_TITLE_LENGTH} characters.")
        return cleaned


def _no_such_users(user_ids: list[int]) -> ChatUserNotFoundError:
    return ChatUserNotFoundError(f"No such user: {', '.join(map(str, user_ids))}.")
