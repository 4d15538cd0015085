"""Chat use cases of messages: post (in batches per chat), edit, delete, forward, pin, read back
and search them, and replay the changes a socket missed."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from app.core.chat.changes import MAX_REPLAY, C, ChangeEvent, event_of
from app.core.chat.domain_events import MessagePosted
from app.core.chat.errors import InvalidReplyError, MessageNotFoundError
from app.core.chat.model import Chat, ChatMember, HistoryPage, Message
from app.core.chat.rules import clean_text
from app.core.chat.services.access import logged, message_of, seat_of
from app.core.shared.batching import KeyedBatcher, Pending, Repeats
from app.core.shared.errors import DomainError
from app.core.shared.idempotency import check_key
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal
from app.ports.chat import ChatUnitOfWork, ChatUnitOfWorkFactory
from app.ports.clock import Clock
from app.ports.notifier import Notifier

MAX_HISTORY_PAGE = 100


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


class MessageService:
    """Messages of the chats the caller is in. One method, one transaction; events after the commit."""

    def __init__(self, *, uow: ChatUnitOfWorkFactory, notifier: Notifier, clock: Clock) -> None:
        self._uow, self._notifier, self._clock = uow, notifier, clock
        self._posts: KeyedBatcher[_Post, Message] = KeyedBatcher(self._post_batch, kind="chat_messages")

    async def history(self, *, actor: Principal, chat_id: int, before: int | None, limit: int) -> HistoryPage:
        """Messages newest first, ``limit`` at a time, older than the ``before`` cursor."""
        limit = max(1, min(limit, MAX_HISTORY_PAGE))
        async with self._uow() as uow:
            await seat_of(uow, actor, chat_id)
            rows = await uow.messages.history(chat_id, before=before, limit=limit + 1)
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
            earlier = await uow.messages.messages_by_client_id(chat_id, keys) if keys else {}
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
                        original = await uow.messages.get_message(post.reply_to)
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
            stored = await uow.messages.add_messages([message for _, message in accepted], read_by_senders=True)
            posted = await logged(uow, self._clock, chat_id, [MessagePosted(message=message) for message in stored])
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
                seats[actor.user_id] = (await seat_of(uow, actor, chat_id, lock=True))[1]
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
            message, _, _ = await message_of(uow, actor, message_id, lock=True)
            changed = await self._stored(uow, message.edit(text, by=actor.user_id, at=self._clock.now()))
        await self._notifier.publish(*changed)
        return message

    async def delete_message(self, *, actor: Principal, message_id: int) -> Message:
        """The author, an admin of the group or room, or a site admin (moderation, also in chats
        they are not in) deletes a message; a tombstone stays.

        Deleting a tombstone again changes nothing.
        """
        async with self._uow() as uow:
            seat: tuple[Chat, ChatMember] | None = None
            if actor.is_admin:
                message = await self._moderated_message(uow, message_id)
            else:
                message, *_ = found = await message_of(uow, actor, message_id, lock=True)
                seat = found[1:]
            changed = await self._stored(uow, message.delete(by=actor.user_id, at=self._clock.now(), seat=seat))
        await self._notifier.publish(*changed)
        return message

    async def forward_message(self, *, actor: Principal, message_id: int, target_chat_id: int) -> Message:
        """Copy a message into another chat; the caller must be a member of both. The copy names its origin."""
        async with self._uow() as uow:
            original, _, _ = await message_of(uow, actor, message_id)
            original.ensure_live()
            _, me = await seat_of(uow, actor, target_chat_id, lock=True)
            [copy] = await uow.messages.add_messages(
                [
                    Message(
                        chat_id=target_chat_id,
                        sender_id=actor.user_id,
                        text=original.text,
                        forwarded_from_id=original.forwarded_from_id or original.id,
                        created_at=self._clock.now(),
                        sender_name=me.display_name,
                    )
                ],
                read_by_senders=True,
            )
            posted = await logged(uow, self._clock, target_chat_id, [MessagePosted(message=copy)])
            await uow.commit()
        await self._notifier.publish(*posted)
        return copy

    async def pin_message(self, *, actor: Principal, message_id: int, pinned: bool) -> Message:
        """Pin or unpin: either user of a private chat, an admin of a group or room."""
        async with self._uow() as uow:
            message, chat, me = await message_of(uow, actor, message_id, lock=True)
            changed = await self._stored(uow, message.pin(pinned, chat=chat, member=me, at=self._clock.now()))
        await self._notifier.publish(*changed)
        return message

    async def _stored(self, uow: ChatUnitOfWork, change: C | None) -> list[C]:
        """Store the changed message, log the change and commit; the event at its position (none
        when nothing changed)."""
        if change is None:
            return []
        await uow.messages.update_message(change.message)
        changed = await logged(uow, self._clock, change.message.chat_id, [change])
        await uow.commit()
        return changed

    async def pins(self, *, actor: Principal, chat_id: int) -> list[Message]:
        """Pinned messages of a chat, last pinned first."""
        async with self._uow() as uow:
            await seat_of(uow, actor, chat_id)
            return await uow.messages.pinned(chat_id)

    async def search(self, *, actor: Principal, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        """Messages containing ``query``, only in the caller's chats (one of them with ``chat_id``)."""
        async with self._uow() as uow:
            if chat_id is not None:
                await seat_of(uow, actor, chat_id)
            return await uow.messages.search(user_id=actor.user_id, query=query.strip(), chat_id=chat_id, page=page)

    async def missed(
        self, *, actor: Principal, chat_id: int, since: int, up_to: int | None = None
    ) -> list[ChangeEvent] | None:
        """The events of the chat's changes after position ``since`` (and at most ``up_to``), oldest
        first; None when ``since`` is not a position of this chat or more than ``MAX_REPLAY`` changes
        were missed (the client refetches over HTTP)."""
        async with self._uow() as uow:
            await seat_of(uow, actor, chat_id)
            if since > await uow.chat_changes.position(chat_id):
                return None
            rows = await uow.chat_changes.since(chat_id, since, up_to=up_to, limit=MAX_REPLAY + 1)
        if len(rows) > MAX_REPLAY:
            return None
        return [event_of(change, message) for change, message in rows]

    @staticmethod
    async def _moderated_message(uow: ChatUnitOfWork, message_id: int) -> Message:
        """A message locked for a site admin, who needs no seat in its chat."""
        message = await uow.messages.get_message_for_update(message_id)
        if message is None:
            raise MessageNotFoundError()
        return message
