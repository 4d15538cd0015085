"""The chat context: private chats, groups and rooms, with live messages, receipts and presence."""

from app.core.chat.model import Chat, ChatKind, ChatMember, Message

__all__ = ["Chat", "ChatKind", "ChatMember", "Message"]
