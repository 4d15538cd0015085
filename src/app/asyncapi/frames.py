"""The frames the sockets write as literals (greetings, answers, errors) and the client frames they
read by ``action``, as structs so their schemas come from one place. A test matches them against
every frame literal in ``app/ws``."""

from __future__ import annotations

from typing import Any

import msgspec

from app.ws.frames import Id

# ---- server → client


class HelloFrame(msgspec.Struct, tag="hello", tag_field="type"):
    """Sent once the expeditions socket follows everything of the caller; ``seq`` is the stream position."""

    user_id: int
    expedition_ids: list[int]
    seq: int


class PongFrame(msgspec.Struct, tag="pong", tag_field="type"):
    """The answer to a ``ping``."""


class SubscribedFrame(msgspec.Struct, tag="subscribed", tag_field="type"):
    """The socket now follows this expedition."""

    expedition_id: int


class UnsubscribedFrame(msgspec.Struct, tag="unsubscribed", tag_field="type"):
    """The socket no longer follows this expedition."""

    expedition_id: int


class FieldErrorOut(msgspec.Struct):
    field: str
    message: str


class ErrorFrame(msgspec.Struct, tag="error", tag_field="type"):
    """A refused client frame (the socket stays open): the same ``code``s as HTTP. A refused chat
    ``message`` frame also names ``frame: "message"`` and its ``client_id``."""

    code: str
    detail: str
    errors: list[FieldErrorOut] | msgspec.UnsetType = msgspec.UNSET
    frame: str | msgspec.UnsetType = msgspec.UNSET
    client_id: str | msgspec.UnsetType | None = msgspec.UNSET


class ResumeOutcomeFrame(msgspec.Struct, tag="resume", tag_field="type"):
    """Ends a replay. ``recovered: true``: every event after ``since`` up to ``seq`` was sent
    (``replayed`` of them). ``recovered: false``: the history no longer reaches back to ``since``;
    refetch over HTTP."""

    recovered: bool
    since: int
    seq: int | msgspec.UnsetType = msgspec.UNSET
    replayed: int | msgspec.UnsetType = msgspec.UNSET


class HistoryFrame(msgspec.Struct, tag="history", tag_field="type"):
    """On connect (without ``?since=``): the last messages, oldest first, and the chat's position ``seq``."""

    chat_id: int
    seq: int
    messages: list[dict[str, Any]]


class PresenceFrame(msgspec.Struct, tag="presence", tag_field="type"):
    """On connect: who of the chat is online now (changes follow as ``user_status`` or, for rooms
    with many changes in an interval, ``presence_changed``)."""

    chat_id: int
    online: list[int]
    online_count: int


class ChatsFrame(msgspec.Struct, tag="chats", tag_field="type"):
    """On connect to the chat list socket: the chats it follows."""

    user_id: int
    chat_ids: list[int]


class UnreadFrame(msgspec.Struct, tag="unread", tag_field="type"):
    """The answer to a ``read`` frame: what is left unread."""

    chat_id: int
    unread_count: int


class ForwardedFrame(msgspec.Struct, tag="forwarded", tag_field="type"):
    """The answer to a ``forward`` frame: the copy in the target chat."""

    message_id: int
    target_chat_id: int
    forwarded_from: int


# ---- client → server, by ``action`` (``type`` is read too)


class PingFrame(msgspec.Struct, tag="ping", tag_field="action"):
    """Answered with ``pong``."""


class SubscribeFrame(msgspec.Struct, tag="subscribe", tag_field="action"):
    """Follow an expedition the caller belongs to (else ``error`` with ``code: "forbidden"``)."""

    expedition_id: Id


class UnsubscribeFrame(msgspec.Struct, tag="unsubscribe", tag_field="action"):
    """Stop following an expedition."""

    expedition_id: Id


class RefreshFrame(msgspec.Struct, tag="refresh", tag_field="action"):
    """Answered with a fresh ``metrics`` snapshot."""
