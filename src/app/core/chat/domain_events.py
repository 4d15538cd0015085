"""Facts of the chat context, published after their transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.shared.domain_events import DomainEvent

if TYPE_CHECKING:  # the model's changes return these events
    from app.core.chat.model import Message


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(DomainEvent):
    message: Message
    seq: int = 0  # the change's position in its chat


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited(DomainEvent):
    message: Message
    seq: int = 0  # the change's position in its chat


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDeleted(DomainEvent):
    message: Message
    deleted_by: int
    seq: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePinned(DomainEvent):
    """A message was pinned (``pinned``) or unpinned."""

    message: Message
    pinned: bool
    by: int
    seq: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagesRead(DomainEvent):
    chat_id: int
    user_id: int
    last_read_message_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDelivered(DomainEvent):
    """Every message up to ``message_id`` reached a socket of ``user_id`` (receipts are kept for
    private chats and groups)."""

    chat_id: int
    user_id: int
    message_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class UserTyping(DomainEvent):
    chat_id: int
    user_id: int
    is_typing: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class UserStatusChanged(DomainEvent):
    """The user came online (first socket) or went offline (last socket closed or expired)."""

    user_id: int
    is_online: bool
    chat_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PresenceChanged(DomainEvent):
    """Several members of a chat came online (``online``) or went offline within one presence interval."""

    chat_id: int
    online: tuple[int, ...]
    offline: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(DomainEvent):
    chat_id: int
    user_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(DomainEvent):
    chat_id: int
    user_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatCreated(DomainEvent):
    """A private chat, group or room was made; ``member_ids`` are in it from the start."""

    chat_id: int
    member_ids: tuple[int, ...]
