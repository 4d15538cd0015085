"""The wire form of chat events: each event's frame, the chat channel that hears it, and the
position (``seq``) that stored message changes carry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.chat.domain_events import (
    ChatCreated,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageDelivered,
    MessageEdited,
    MessagePinned,
    MessagePosted,
    MessagesRead,
    PresenceChanged,
    UserStatusChanged,
    UserTyping,
)
from app.core.chat.model import Message
from app.ws.channels import user_channel
from app.ws.frames import Outbound, Outbounds


def chat_channel(chat_id: int) -> str:
    """Every socket of a chat hears its events here."""
    return f"chat:{chat_id}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def message_frame(message: Message) -> dict[str, Any]:
    """A message as sockets see it (in history, and, with its ``seq``, when posted)."""
    return {
        "type": "message",
        "message_id": message.id,
        "chat_id": message.chat_id,
        "text": message.text,
        "sender": message.sender_name,
        "sender_id": message.sender_id,
        "created_at": _iso(message.created_at),
        "reply_to": message.reply_to_id,
        "forwarded_from": message.forwarded_from_id,
        "edited_at": _iso(message.edited_at),
        "deleted": message.deleted,
        "client_id": message.client_id,
    }


def presence_frame(chat_id: int, online_user_ids: list[int]) -> dict[str, Any]:
    """Who of the chat's other members is online, in one frame (sent on connect)."""
    return {"type": "presence", "chat_id": chat_id, "online": online_user_ids, "online_count": len(online_user_ids)}


def _change(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, **fields}


def _in_chat(chat_id_of: Any) -> Any:
    return lambda e: [chat_channel(chat_id_of(e))]


_of_message = _in_chat(lambda e: e.message.chat_id)
_of_chat = _in_chat(lambda e: e.chat_id)


def _message_change(kind: str, fields: Callable[[Any], dict[str, Any]]) -> Outbound[Any]:
    """A change of a stored message: its position, the message and chat ids, and ``fields``."""
    return Outbound[Any](
        frame=lambda e: (
            {"seq": e.seq, "type": kind, "message_id": e.message.id, "chat_id": e.message.chat_id} | fields(e)
        ),
        channels=_of_message,
        scope="chat_id",
        item="message_id",
    )


OUTBOUNDS: Outbounds = {
    # Changes of messages carry their chat position ``seq`` (numbered by the chat's change log).
    MessagePosted: Outbound[MessagePosted](
        frame=lambda e: {"seq": e.seq, **message_frame(e.message)},
        channels=_of_message,
        scope="chat_id",
        subject="sender_id",
        item="message_id",
    ),
    MessageEdited: _message_change(
        "message_edited", lambda e: {"text": e.message.text, "edited_at": _iso(e.message.edited_at)}
    ),
    MessageDeleted: _message_change("message_deleted", lambda e: {"deleted_by": e.deleted_by}),
    MessagePinned: _message_change("message_pinned", lambda e: {"pinned": e.pinned, "by": e.by}),
    # Receipts, typing, presence and membership are live only: no position, not replayed.
    MessagesRead: Outbound[MessagesRead](
        frame=lambda e: _change(
            "read", chat_id=e.chat_id, user_id=e.user_id, last_read_message_id=e.last_read_message_id
        ),
        channels=_of_chat,
        scope="chat_id",
        subject="user_id",
    ),
    MessageDelivered: Outbound[MessageDelivered](
        frame=lambda e: _change("delivered", chat_id=e.chat_id, user_id=e.user_id, message_id=e.message_id),
        channels=_of_chat,
        scope="chat_id",
        subject="user_id",
    ),
    UserTyping: Outbound[UserTyping](
        frame=lambda e: _change("typing", chat_id=e.chat_id, user_id=e.user_id, is_typing=e.is_typing),
        channels=_of_chat,
        scope="chat_id",
        subject="user_id",
    ),
    UserStatusChanged: Outbound[UserStatusChanged](
        frame=lambda e: _change("user_status", user_id=e.user_id, is_online=e.is_online),
        channels=lambda e: [chat_channel(chat_id) for chat_id in e.chat_ids],
        subject="user_id",
    ),
    PresenceChanged: Outbound[PresenceChanged](
        frame=lambda e: _change("presence_changed", chat_id=e.chat_id, online=e.online, offline=e.offline),
        channels=_of_chat,
        scope="chat_id",
    ),
    # A member's own channel hears of their new chats too, so their chat list follows (``/ws/chats/``).
    ChatCreated: Outbound[ChatCreated](
        frame=lambda e: _change("chat_added", chat_id=e.chat_id),
        channels=lambda e: [user_channel(user_id) for user_id in e.member_ids],
        scope="chat_id",
    ),
    MemberJoined: Outbound[MemberJoined](
        frame=lambda e: _change("member_joined", chat_id=e.chat_id, user_id=e.user_id),
        channels=lambda e: [chat_channel(e.chat_id), user_channel(e.user_id)],
        scope="chat_id",
        subject="user_id",
    ),
    MemberLeft: Outbound[MemberLeft](
        frame=lambda e: _change("member_left", chat_id=e.chat_id, user_id=e.user_id),
        channels=_of_chat,
        scope="chat_id",
        subject="user_id",
    ),
}
