"""The rules of chat membership and message text. Pure functions over the model; they raise or return.

A message's own rules (edit, delete, pin) are methods of ``Message``."""

from __future__ import annotations

from app.core.chat.errors import ChatNotFoundError, EmptyMessageError, MessageTooLongError, NotAMemberError
from app.core.chat.model import Chat, ChatKind, ChatMember

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


def clean_text(text: str) -> str:
    """Message text without surrounding whitespace; refuse empty or overlong text."""
    cleaned = text.strip()
    if not cleaned:
        raise EmptyMessageError()
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise MessageTooLongError(f"Messages are limited to {MAX_MESSAGE_LENGTH} characters.")
    return cleaned


def successor_admin(members: list[ChatMember], leaving_user_id: int) -> ChatMember | None:
    """When the last admin leaves, the longest-standing remaining member becomes admin."""
    remaining = [m for m in members if m.user_id != leaving_user_id]
    if not remaining or any(m.is_admin for m in remaining):
        return None
    return min(remaining, key=lambda m: (m.joined_at is None, m.joined_at, m.user_id))
