"""Chat use cases of sockets and presence: who is online, who is typing."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from app.core.chat.domain_events import PresenceChanged, UserTyping
from app.core.chat.model import Chat, ChatMember, Message
from app.core.chat.presence import PresenceDigest, presence_events
from app.core.chat.services.access import seat_of
from app.core.shared.principal import Principal
from app.ports.chat import ChatUnitOfWorkFactory
from app.ports.notifier import Notifier
from app.ports.presence import PresenceTracker

HISTORY_ON_CONNECT = 30

CROWD_BACKOFF = 16

logger = logging.getLogger("app.chat")


@dataclass(frozen=True, slots=True, kw_only=True)
class SocketWelcome:
    """What a socket gets on connect: the chat, its last messages (oldest first) and who is online."""

    chat: Chat
    me: ChatMember
    messages: list[Message]
    online_user_ids: list[int]
    position: int = 0  # the chat's change position when the messages were read


class PresenceService:
    """Sockets opening and closing, presence kept across processes, and typing.

    Status changes are announced at most once per ``interval_s``: the first at once, those that
    follow within the interval together at its end (``presence_events``: one event per chat). With
    ``interval_s`` 0 each change is announced before the call that caused it returns.
    """

    def __init__(
        self, *, uow: ChatUnitOfWorkFactory, notifier: Notifier, presence: PresenceTracker, interval_s: float = 0.0
    ) -> None:
        self._uow, self._notifier, self._presence = uow, notifier, presence
        self._interval_s = interval_s
        self._digest = PresenceDigest()
        self._announcer: asyncio.Task[None] | None = None

    async def open_socket(self, *, actor: Principal, chat_id: int, connection_id: str) -> SocketWelcome:
        """A member's socket connects: the last messages, which other members are online, and the
        caller comes online (announced to their chats when this is their first socket)."""
        async with self._uow() as uow:
            chat, me = await seat_of(uow, actor, chat_id)
            position = await uow.chat_changes.position(chat_id)  # first: the messages are at least this new
            recent = await uow.messages.history(chat_id, before=None, limit=HISTORY_ON_CONNECT)
            member_ids = await uow.chats.member_ids(chat_id)
        if await self._presence.connect(actor.user_id, connection_id):
            await self._announce(actor.user_id, is_online=True)
        online = await self._presence.online([m for m in member_ids if m != actor.user_id])
        return SocketWelcome(chat=chat, me=me, messages=recent[::-1], online_user_ids=sorted(online), position=position)

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

    async def set_typing(self, *, actor: Principal, chat_id: int, is_typing: bool) -> None:
        """Tell the chat the caller is (or stopped) typing; nothing is stored."""
        async with self._uow() as uow:
            await seat_of(uow, actor, chat_id)
        await self._notifier.publish(UserTyping(chat_id=chat_id, user_id=actor.user_id, is_typing=is_typing))

    async def announce_presence(self) -> bool:
        """Announce the status changes recorded so far, one event per chat they concern; whether
        some chat heard a crowd (a ``PresenceChanged``)."""
        changes = self._digest.take()
        if not changes:
            return False
        async with self._uow() as uow:
            chats_of = {user_id: await uow.chat_lists.chat_ids_of(user_id) for user_id in changes}
        events = presence_events(changes, chats_of)
        await self._notifier.publish(*events)
        return any(isinstance(event, PresenceChanged) for event in events)

    async def _announce(self, user_id: int, *, is_online: bool) -> None:
        self._digest.record(user_id, is_online=is_online)
        if self._interval_s <= 0:
            await self.announce_presence()
        elif self._announcer is None:
            self._announcer = asyncio.create_task(self._announce_each_interval())

    async def _announce_each_interval(self) -> None:
        """Announce now, then once more at the end of each interval that gathered changes. While
        crowds keep coming (a room filling up) each interval is twice the last, up to
        ``CROWD_BACKOFF`` times the first, so a member hears a handful of frames however long it lasts."""
        delay = self._interval_s
        try:
            while self._digest:
                crowded = False
                try:
                    crowded = await self.announce_presence()
                except Exception:  # presence is live only: a lost announcement is corrected by the next
                    logger.exception("could not announce presence changes")
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._interval_s * CROWD_BACKOFF) if crowded else self._interval_s
        finally:
            self._announcer = None
