"""What every chat use case checks first and records last: the caller's seat, the message they act
on, and the chat's change log."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.chat.changes import C, change_of, numbered
from app.core.chat.errors import ChatNotFoundError, MessageNotFoundError
from app.core.chat.model import Chat, ChatMember, Message
from app.core.chat.rules import ensure_member
from app.core.shared.principal import Principal
from app.ports.chat import ChatUnitOfWork
from app.ports.clock import Clock


async def seat_of(
    uow: ChatUnitOfWork, actor: Principal, chat_id: int, *, lock: bool = False
) -> tuple[Chat, ChatMember]:
    """The chat and the caller's seat in it (``chat_not_found`` / ``not_a_member`` otherwise). With
    ``lock``, the chat's change counter is taken with it (for a use case that records changes: the
    lock comes first, before anything of the chat is written)."""
    load = uow.chat_changes.lock_with_seat if lock else uow.chats.get_seat
    return ensure_member(*await load(chat_id, actor.user_id))


async def message_of(
    uow: ChatUnitOfWork, actor: Principal, message_id: int, *, lock: bool = False
) -> tuple[Message, Chat, ChatMember]:
    """A message of one of the caller's chats (locked until the unit of work ends with ``lock``)."""
    load = uow.messages.get_message_for_update if lock else uow.messages.get_message
    message = await load(message_id)
    if message is None:
        raise MessageNotFoundError()
    try:
        chat, me = await seat_of(uow, actor, message.chat_id)
    except ChatNotFoundError as error:
        raise MessageNotFoundError() from error
    return message, chat, me


async def logged(uow: ChatUnitOfWork, clock: Clock, chat_id: int, events: Sequence[C]) -> list[C]:
    """Record the changes in the chat's log (in this transaction); the events at their positions."""
    now = clock.now()
    last = await uow.chat_changes.record(chat_id, [change_of(event, at=now) for event in events])
    return numbered(events, last)
