"""Chat use cases of read state: read markers and delivery receipts."""

from __future__ import annotations

from app.core.chat.domain_events import MessageDelivered, MessagesRead
from app.core.chat.errors import InvalidReadMarkerError
from app.core.chat.model import ReadState
from app.core.chat.services.access import seat_of
from app.core.shared.domain_events import DomainEvent
from app.core.shared.principal import Principal
from app.ports.chat import ChatUnitOfWorkFactory
from app.ports.notifier import Notifier


class ReadStateService:
    """How far each member has read and received. One method, one transaction; events after the commit."""

    def __init__(self, *, uow: ChatUnitOfWorkFactory, notifier: Notifier) -> None:
        self._uow, self._notifier = uow, notifier

    async def mark_read(self, *, actor: Principal, chat_id: int, last_read_message_id: int) -> ReadState:
        """Move the caller's read marker forward (never back) to a message of this chat."""
        events: list[DomainEvent] = []
        async with self._uow() as uow:
            _, me = await seat_of(uow, actor, chat_id)
            message = await uow.messages.get_message(last_read_message_id)
            if message is None or message.chat_id != chat_id:
                raise InvalidReadMarkerError()
            if await uow.read_state.advance_read(chat_id, actor.user_id, last_read_message_id):
                events.append(
                    MessagesRead(chat_id=chat_id, user_id=actor.user_id, last_read_message_id=last_read_message_id)
                )
            marker = max(me.last_read_message_id, last_read_message_id)
            unread = await uow.read_state.unread_count(chat_id, actor.user_id, marker)
            await uow.commit()
        await self._notifier.publish(*events)
        return ReadState(chat_id=chat_id, user_id=actor.user_id, last_read_message_id=marker, unread_count=unread)

    async def mark_delivered(self, *, user_id: int, chat_id: int, message_id: int) -> None:
        """Record that every message up to ``message_id`` reached a socket of ``user_id``; announced
        when the marker moves (sockets debounce these through ``DeliveryReceipts``)."""
        async with self._uow() as uow:
            advanced = await uow.read_state.advance_delivered(chat_id, user_id, message_id)
            await uow.commit()
        if advanced:
            await self._notifier.publish(MessageDelivered(chat_id=chat_id, user_id=user_id, message_id=message_id))
