"""The rules of who may do what in a chat. Pure functions over the model; they raise or return."""

from __future__ import annotations

from app.core.chat.errors import (
    CannotDeleteMessageError,
    ChatNotFoundError,
    EmptyMessageError,
    MessageDeletedError,
    MessageTooLongError,
    NotAMemberError,
    NotChatAdminError,
    NotMessageAuthorError,
)
from app.core.chat.model import Chat, ChatKind, ChatMember, Message

MAX_MESSAGE_LENGTH = 4000
MAX_TITLE_LENGTH = 150


def ensure_member(chat: Chat | None, member: ChatMember | None) -> tuple[Chat, ChatMember]:
    """The chat and the caller's seat in it.

    Outsiders do not learn that a private chat or group exists (``chat_not_found``); a listed room
    is visible, so its outsiders are told to join it (``not_a_member``).
    """
    if chat is None:
        raise ChatNotFoundError()
    if member is None:
        if chat.kind is ChatKind.ROOM:
            raise NotAMemberError()
        raise ChatNotFoundError()
    return chat, member


def ensure_admin(chat: Chat, member: ChatMember) -> None:
    """Group and room management is for their admins."""
    if not member.is_admin:
        raise NotChatAdminError()


def clean_text(text: str) -> str:
    """Message text without surrounding whitespace; refuse empty or overlong text."""
    cleaned = text.strip()
    if not cleaned:
        raise EmptyMessageError()
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise MessageTooLongError(f"Messages are limited to {MAX_MESSAGE_LENGTH} characters.")
    return cleaned


def ensure_not_deleted(message: Message) -> None:
    if message.deleted:
        raise MessageDeletedError()


def ensure_can_edit(message: Message, user_id: int) -> None:
    """Only the author edits, and only a message that still exists."""
    ensure_not_deleted(message)
    if message.sender_id != user_id:
        raise NotMessageAuthorError()


def ensure_can_delete(chat: Chat, member: ChatMember, message: Message) -> None:
    """The author deletes their own message; an admin of a group or room deletes any."""
    if message.sender_id == member.user_id:
        return
    if not (chat.has_admins and member.is_admin):
        raise CannotDeleteMessageError()


def ensure_can_pin(chat: Chat, member: ChatMember, message: Message) -> None:
    """In a private chat either user pins; in a group or room only admins do. Tombstones are not pinned."""
    ensure_not_deleted(message)
    if chat.has_admins:
        ensure_admin(chat, member)


def successor_admin(members: list[ChatMember], leaving_user_id: int) -> ChatMember | None:
    """When the last admin leaves, the longest-standing remaining member becomes admin."""
    remaining = [m for m in members if m.user_id != leaving_user_id]
    if not remaining or any(m.is_admin for m in remaining):
        return None
    return min(remaining, key=lambda m: (m.joined_at is None, m.joined_at, m.user_id))
