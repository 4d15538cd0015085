"""Chat use cases. One public method, one transaction; events are published after the commit."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from app.core.chat.changes import MAX_REPLAY, C, ChangeEvent, change_of, event_of, numbered
from app.core.chat.domain_events import (
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageDelivered,
    MessageEdited,
    MessagePinned,
    MessagePosted,
    MessagesRead,
    UserStatusChanged,
    UserTyping,
)
from app.core.chat.errors import (
    AlreadyMemberError,
    CannotLeavePrivateChatError,
    ChatNotFoundError,
    ChatUserNotFoundError,
    ChatWithSelfError,
    InvalidChatError,
    InvalidReadMarkerError,
    InvalidReplyError,
    MessageNotFoundError,
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
    HistoryPage,
    Message,
    ReadState,
    RoomSummary,
    pair_key,
    room_key,
)
from app.core.chat.rules import (
    MAX_TITLE_LENGTH,
    clean_text,
    ensure_admin,
    ensure_can_delete,
    ensure_can_edit,
    ensure_can_pin,
    ensure_member,
    ensure_not_deleted,
    successor_admin,
)
from app.core.shared.batching import KeyedBatcher, Pending, Repeats
from app.core.shared.domain_events import DomainEvent
from app.core.shared.errors import DomainError
from app.core.shared.idempotency import check_key
from app.core.shared.paging import Page, PageRequest
from app.core.shared.people import ensure_users_exist
from app.core.shared.principal import Principal
from app.ports.chat import ChatRepository, ChatUnitOfWork, ChatUnitOfWorkFactory
from app.ports.clock import Clock
from app.ports.notifier import Notifier
from app.ports.presence import PresenceTracker
from app.ports.security import PasswordHasher

HISTORY_ON_CONNECT = 30
MAX_HISTORY_PAGE = 100
MAX_GROUP_MEMBERS = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class SocketWelcome:
    """What a socket gets on connect: the chat, its last messages (oldest first) and who is online."""

    chat: Chat
    me: ChatMember
    messages: list[Message]
    online_user_ids: list[int]
    position: int = 0  # the chat's change position when the messages were read


@dataclass(frozen=True, slots=True)
class _Post:
    """One message waiting for the next batch of its chat (text and key already checked)."""

    actor: Principal
    text: str
    reply_to: int | None
    client_id: str | None

    @property
    def key(self) -> tuple[int, str] | None:
        return (self.actor.user_id, self.client_id) if self.client_id is not None else None


class ChatService:
    """Chat use cases: chats, membership, messages, receipts, search and presence."""

    def __init__(
        self,
        *,
        uow: ChatUnitOfWorkFactory,
        notifier: Notifier,
        clock: Clock,
        hasher: PasswordHasher,
        presence: PresenceTracker,
    ) -> None:
        self._uow, self._notifier, self._clock = uow, notifier, clock
        self._hasher, self._presence = hasher, presence
        self._posts: KeyedBatcher[_Post, Message] = KeyedBatcher(self._post_batch)

    # -- chats and membership -------------------------------------------------------------------

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
                for member_id in sorted({actor.user_id, user_id}):
                    await uow.chats.add_member(self._seat(chat.id, member_id))
                await uow.commit()
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
        return chat

    async def list_chats(self, *, actor: Principal) -> list[ChatSummary]:
        """The caller's chats with unread counters and last messages."""
        async with self._uow() as uow:
            return await uow.chats.summaries_of(actor.user_id)

    async def get_chat(self, *, actor: Principal, chat_id: int) -> ChatDetail:
        """A chat the caller is a member of, with its members."""
        async with self._uow() as uow:
            chat, me = await self._seat_of(uow, actor, chat_id)
            members = await uow.chats.list_members(chat_id)
        return ChatDetail(chat=chat, members=members, me=me)

    async def add_member(self, *, actor: Principal, chat_id: int, user_id: int) -> ChatMember:
        """A group admin adds a user to the group."""
        async with self._uow() as uow:
            chat, me = await self._seat_of(uow, actor, chat_id)
            if not chat.is_group:
                raise NotAGroupError()
            ensure_admin(chat, me)
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
            chat, me = await self._seat_of(uow, actor, chat_id)
            if chat.kind is ChatKind.PRIVATE:
                raise CannotLeavePrivateChatError()
            if user_id != actor.user_id:
                if not chat.is_group:
                    raise NotAGroupError("Only group admins remove other members.")
                ensure_admin(chat, me)
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
            return await uow.chats.list_rooms(user_id=actor.user_id, search=search or None, page=page)

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

    # -- messages -------------------------------------------------------------------------------

    async def history(self, *, actor: Principal, chat_id: int, before: int | None, limit: int) -> HistoryPage:
        """Messages newest first, ``limit`` at a time, older than the ``before`` cursor."""
        limit = max(1, min(limit, MAX_HISTORY_PAGE))
        async with self._uow() as uow:
            await self._seat_of(uow, actor, chat_id)
            rows = await uow.chats.history(chat_id, before=before, limit=limit + 1)
        page = rows[:limit]
        return HistoryPage(messages=page, next_before=page[-1].id if len(rows) > limit else None)

    async def post_message(
        self,
        *,
        actor: Principal,
        chat_id: int,
        text: str,
        reply_to: int | None = None,
        client_id: str | None = None,
    ) -> Message:
        """Members post; a reply answers a message of the same chat. Stored before it is broadcast.

        ``client_id`` is the sender's idempotency key: a repeat by the same sender in the same chat
        returns the first message (a unique key, so concurrent repeats store one). Messages posted to
        one chat while a batch of it is being stored are stored together by the next batch (group
        commit), in the order they were posted; each is answered as if it had been alone.
        """
        post = _Post(actor=actor, text=clean_text(text), reply_to=reply_to, client_id=check_key(client_id))
        return await self._posts.submit(chat_id, post)

    async def _post_batch(self, key: Hashable, batch: list[Pending[_Post, Message]]) -> None:
        """Store a batch of messages of one chat in one transaction, then broadcast them in order.

        A message refused by the rules (not a member, bad reply) fails alone; a repeated ``client_id``
        gets the message stored first. Storage refusing an item raises, and the batcher isolates it.
        """
        chat_id = int(key)  # type: ignore[call-overload]
        keys = [p.request.key for p in batch if p.request.key is not None]
        async with self._uow() as uow:
            earlier = await uow.chats.messages_by_client_id(chat_id, keys) if keys else {}
            repeats: Repeats[tuple[int, str], _Post, Message] = Repeats(earlier)
            seats: dict[int, ChatMember | DomainError] = {}
            accepted: list[tuple[list[Pending[_Post, Message]], Message]] = []
            for pending in batch:
                post = pending.request
                try:
                    me = await self._sender_seat(uow, seats, post.actor, chat_id)
                    if repeats.answered(post.key, pending):
                        continue
                    if post.reply_to is not None:
                        original = await uow.chats.get_message(post.reply_to)
                        if original is None or original.chat_id != chat_id:
                            raise InvalidReplyError()
                except DomainError as error:
                    pending.fail(error)
                    continue
                message = Message(
                    chat_id=chat_id,
                    sender_id=post.actor.user_id,
                    text=post.text,
                    reply_to_id=post.reply_to,
                    created_at=self._clock.now(),
                    sender_name=me.display_name,
                    client_id=post.client_id,
                )
                accepted.append((repeats.place(post.key, pending), message))
            if not accepted:
                return
            stored = await uow.chats.add_messages([message for _, message in accepted])
            last_of_sender = {message.sender_id: message.id for message in stored}
            for user_id, message_id in last_of_sender.items():
                await uow.chats.advance_read(chat_id, user_id, message_id)
            posted = await self._logged(uow, chat_id, [MessagePosted(message=message) for message in stored])
            await uow.commit()
        await self._notifier.publish(*posted)
        for (pendings, _), message in zip(accepted, stored, strict=True):
            for pending in pendings:
                pending.resolve(message)

    async def _sender_seat(
        self, uow: ChatUnitOfWork, seats: dict[int, ChatMember | DomainError], actor: Principal, chat_id: int
    ) -> ChatMember:
        """The sender's seat, looked up once per batch (or the error refusing them, once too)."""
        if actor.user_id not in seats:
            try:
                seats[actor.user_id] = (await self._seat_of(uow, actor, chat_id))[1]
            except DomainError as error:
                seats[actor.user_id] = error
        seat = seats[actor.user_id]
        if isinstance(seat, DomainError):
            raise seat
        return seat

    async def edit_message(self, *, actor: Principal, message_id: int, text: str) -> Message:
        """Only the author edits a live message; ``edited_at`` records when."""
        text = clean_text(text)
        async with self._uow() as uow:
            message, _, _ = await self._message_of(uow, actor, message_id, lock=True)
            ensure_can_edit(message, actor.user_id)
            message.text, message.edited_at = text, self._clock.now()
            await uow.chats.update_message(message)
            edited = await self._logged(uow, message.chat_id, [MessageEdited(message=message)])
            await uow.commit()
        await self._notifier.publish(*edited)
        return message

    async def delete_message(self, *, actor: Principal, message_id: int) -> Message:
        """The author, an admin of the group or room, or a site admin (moderation, also in chats
        they are not in) deletes a message; a tombstone stays.

        Deleting a tombstone again changes nothing.
        """
        async with self._uow() as uow:
            if actor.is_admin:
                message = await self._moderated_message(uow, message_id)
            else:
                message, chat, me = await self._message_of(uow, actor, message_id, lock=True)
                ensure_can_delete(chat, me, message)
            if message.deleted:
                return message
            message.text, message.deleted_at = None, self._clock.now()
            message.pinned_at = message.pinned_by = None
            await uow.chats.update_message(message)
            deleted = await self._logged(
                uow, message.chat_id, [MessageDeleted(message=message, deleted_by=actor.user_id)]
            )
            await uow.commit()
        await self._notifier.publish(*deleted)
        return message

    async def forward_message(self, *, actor: Principal, message_id: int, target_chat_id: int) -> Message:
        """Copy a message into another chat; the caller must be a member of both. The copy names its origin."""
        async with self._uow() as uow:
            original, _, _ = await self._message_of(uow, actor, message_id)
            ensure_not_deleted(original)
            _, me = await self._seat_of(uow, actor, target_chat_id)
            copy = await uow.chats.add_message(
                Message(
                    chat_id=target_chat_id,
                    sender_id=actor.user_id,
                    text=original.text,
                    forwarded_from_id=original.forwarded_from_id or original.id,
                    created_at=self._clock.now(),
                    sender_name=me.display_name,
                )
            )
            await uow.chats.advance_read(target_chat_id, actor.user_id, copy.id)
            posted = await self._logged(uow, target_chat_id, [MessagePosted(message=copy)])
            await uow.commit()
        await self._notifier.publish(*posted)
        return copy

    async def pin_message(self, *, actor: Principal, message_id: int, pinned: bool) -> Message:
        """Pin or unpin: either user of a private chat, an admin of a group or room."""
        async with self._uow() as uow:
            message, chat, me = await self._message_of(uow, actor, message_id, lock=True)
            if pinned:
                ensure_can_pin(chat, me, message)
            elif chat.has_admins:
                ensure_admin(chat, me)
            if message.pinned == pinned:
                return message
            message.pinned_at, message.pinned_by = (self._clock.now(), actor.user_id) if pinned else (None, None)
            await uow.chats.update_message(message)
            changed = [MessagePinned(message=message, pinned=pinned, by=actor.user_id)]
            pinned_events = await self._logged(uow, message.chat_id, changed)
            await uow.commit()
        await self._notifier.publish(*pinned_events)
        return message

    async def pins(self, *, actor: Principal, chat_id: int) -> list[Message]:
        """Pinned messages of a chat, last pinned first."""
        async with self._uow() as uow:
            await self._seat_of(uow, actor, chat_id)
            return await uow.chats.pinned(chat_id)

    async def mark_read(self, *, actor: Principal, chat_id: int, last_read_message_id: int) -> ReadState:
        """Move the caller's read marker forward (never back) to a message of this chat."""
        events: list[DomainEvent] = []
        async with self._uow() as uow:
            _, me = await self._seat_of(uow, actor, chat_id)
            message = await uow.chats.get_message(last_read_message_id)
            if message is None or message.chat_id != chat_id:
                raise InvalidReadMarkerError()
            if await uow.chats.advance_read(chat_id, actor.user_id, last_read_message_id):
                events.append(
                    MessagesRead(chat_id=chat_id, user_id=actor.user_id, last_read_message_id=last_read_message_id)
                )
            marker = max(me.last_read_message_id, last_read_message_id)
            unread = await uow.chats.unread_count(chat_id, actor.user_id, marker)
            await uow.commit()
        await self._notifier.publish(*events)
        return ReadState(chat_id=chat_id, user_id=actor.user_id, last_read_message_id=marker, unread_count=unread)

    async def mark_delivered(self, *, user_id: int, chat_id: int, message_id: int) -> None:
        """Record that every message up to ``message_id`` reached a socket of ``user_id``; announced
        when the marker moves (sockets debounce these through ``DeliveryReceipts``)."""
        async with self._uow() as uow:
            advanced = await uow.chats.advance_delivered(chat_id, user_id, message_id)
            await uow.commit()
        if advanced:
            await self._notifier.publish(MessageDelivered(chat_id=chat_id, user_id=user_id, message_id=message_id))

    async def set_typing(self, *, actor: Principal, chat_id: int, is_typing: bool) -> None:
        """Tell the chat the caller is (or stopped) typing; nothing is stored."""
        async with self._uow() as uow:
            await self._seat_of(uow, actor, chat_id)
        await self._notifier.publish(UserTyping(chat_id=chat_id, user_id=actor.user_id, is_typing=is_typing))

    async def search(self, *, actor: Principal, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        """Messages containing ``query``, only in the caller's chats (one of them with ``chat_id``)."""
        async with self._uow() as uow:
            if chat_id is not None:
                await self._seat_of(uow, actor, chat_id)
            return await uow.chats.search(user_id=actor.user_id, query=query.strip(), chat_id=chat_id, page=page)

    # -- sockets and presence -------------------------------------------------------------------

    async def open_socket(self, *, actor: Principal, chat_id: int, connection_id: str) -> SocketWelcome:
        """A member's socket connects: the last messages, which other members are online, and the
        caller comes online (announced to their chats when this is their first socket)."""
        async with self._uow() as uow:
            chat, me = await self._seat_of(uow, actor, chat_id)
            position = await uow.chat_changes.position(chat_id)  # first: the messages are at least this new
            recent = await uow.chats.history(chat_id, before=None, limit=HISTORY_ON_CONNECT)
            member_ids = await uow.chats.member_ids(chat_id)
        if await self._presence.connect(actor.user_id, connection_id):
            await self._announce(actor.user_id, is_online=True)
        online = await self._presence.online([m for m in member_ids if m != actor.user_id])
        return SocketWelcome(chat=chat, me=me, messages=recent[::-1], online_user_ids=sorted(online), position=position)

    async def missed(
        self, *, actor: Principal, chat_id: int, since: int, up_to: int | None = None
    ) -> list[ChangeEvent] | None:
        """The events of the chat's changes after position ``since`` (and at most ``up_to``), oldest
        first; None when ``since`` is not a position of this chat or more than ``MAX_REPLAY`` changes
        were missed (the client refetches over HTTP)."""
        async with self._uow() as uow:
            await self._seat_of(uow, actor, chat_id)
            if since > await uow.chat_changes.position(chat_id):
                return None
            rows = await uow.chat_changes.since(chat_id, since, up_to=up_to, limit=MAX_REPLAY + 1)
        if len(rows) > MAX_REPLAY:
            return None
        return [event_of(change, message) for change, message in rows]

    async def close_socket(self, *, user_id: int, connection_id: str) -> None:
        """A socket closed; the user goes offline when it was their last one."""
        if await self._presence.disconnect(user_id, connection_id):
            await self._announce(user_id, is_online=False)

    async def keep_presence(self) -> list[int]:
        """Renew this process's connections and announce users whose sockets died with their process;
        users of this process's open sockets that the store had lost (Redis restarted) are announced
        online again. Returns the users who went offline."""
        for user_id in await self._presence.heartbeat():
            await self._announce(user_id, is_online=True)
        gone = await self._presence.sweep()
        for user_id in gone:
            await self._announce(user_id, is_online=False)
        return gone

    async def check_member(self, *, actor: Principal, chat_id: int) -> Chat:
        """The chat, when the caller is a member (``chat_not_found`` / ``not_a_member`` otherwise)."""
        async with self._uow() as uow:
            chat, _ = await self._seat_of(uow, actor, chat_id)
        return chat

    # -- helpers --------------------------------------------------------------------------------

    async def _logged(self, uow: ChatUnitOfWork, chat_id: int, events: Sequence[C]) -> list[C]:
        """Record the changes in the chat's log (in this transaction); the events at their positions."""
        now = self._clock.now()
        last = await uow.chat_changes.record(chat_id, [change_of(event, at=now) for event in events])
        return numbered(events, last)

    async def _announce(self, user_id: int, *, is_online: bool) -> None:
        async with self._uow() as uow:
            chat_ids = await uow.chats.chat_ids_of(user_id)
        await self._notifier.publish(UserStatusChanged(user_id=user_id, is_online=is_online, chat_ids=tuple(chat_ids)))

    async def _seat_of(self, uow: ChatUnitOfWork, actor: Principal, chat_id: int) -> tuple[Chat, ChatMember]:
        chats: ChatRepository = uow.chats
        return ensure_member(*await chats.get_seat(chat_id, actor.user_id))

    async def _message_of(
        self, uow: ChatUnitOfWork, actor: Principal, message_id: int, *, lock: bool = False
    ) -> tuple[Message, Chat, ChatMember]:
        load = uow.chats.get_message_for_update if lock else uow.chats.get_message
        message = await load(message_id)
        if message is None:
            raise MessageNotFoundError()
        try:
            chat, me = await self._seat_of(uow, actor, message.chat_id)
        except ChatNotFoundError as error:
            raise MessageNotFoundError() from error
        return message, chat, me

    @staticmethod
    async def _moderated_message(uow: ChatUnitOfWork, message_id: int) -> Message:
        """A message locked for a site admin, who needs no seat in its chat."""
        message = await uow.chats.get_message_for_update(message_id)
        if message is None:
            raise MessageNotFoundError()
        return message

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
