"""Chats, their members and messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.chat.domain_events import MessageDeleted, MessageEdited, MessagePinned
from app.core.chat.errors import (
    CannotDeleteMessageError,
    MessageDeletedError,
    NotChatAdminError,
    NotMessageAuthorError,
)
from app.core.shared.people import Person


class ChatKind(StrEnum):
    """``private``: exactly two users; ``group``: members with admins; ``room``: named, listed, joinable."""

    PRIVATE = "private"
    GROUP = "group"
    ROOM = "room"


def pair_key(user_a: int, user_b: int) -> str:
    """The one key of a private chat between two users, whatever the order they are given in."""
    low, high = sorted((user_a, user_b))
    return f"{low}:{high}"


def pair_peer(key: str, user_id: int) -> int:
    """The other user of the private chat with pair key ``key``, seen by ``user_id``."""
    low, _, high = key.partition(":")
    return int(high) if int(low) == user_id else int(low)


def room_key(name: str) -> str:
    """Room names are unique case-insensitively and ignoring surrounding spaces."""
    return name.strip().casefold()


@dataclass(slots=True, kw_only=True)
class Chat:
    """A conversation. ``title`` is the group title or the room name (None for private chats)."""

    id: int = 0
    kind: ChatKind
    title: str | None = None
    created_by: int
    created_at: datetime | None = None
    pair_key: str | None = None
    room_key: str | None = None
    password_hash: str | None = None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def is_group(self) -> bool:
        return self.kind is ChatKind.GROUP

    @property
    def has_admins(self) -> bool:
        """Groups and rooms have admins (their creator first); in a private chat both users are equal."""
        return self.kind is not ChatKind.PRIVATE


@dataclass(slots=True, kw_only=True)
class ChatMember:
    """A user's seat in a chat and how far they have read."""

    chat_id: int
    user_id: int
    is_admin: bool = False
    joined_at: datetime | None = None
    last_read_message_id: int = 0
    last_delivered_message_id: int = 0
    display_name: str = ""

    def ensure_admin(self) -> None:
        """Group and room management is for their admins."""
        if not self.is_admin:
            raise NotChatAdminError()


@dataclass(slots=True, kw_only=True)
class Message:
    """One message. A deleted message stays as a tombstone: no text, ``deleted_at`` set.

    Every change checks the rules and returns the domain event (None when nothing changed).
    """

    id: int = 0
    chat_id: int
    sender_id: int
    text: str | None
    created_at: datetime | None = None
    reply_to_id: int | None = None
    forwarded_from_id: int | None = None
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    pinned_at: datetime | None = None
    pinned_by: int | None = None
    sender_name: str = ""
    client_id: str | None = None  # the sender's idempotency key: a repeat returns this message

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def pinned(self) -> bool:
        return self.pinned_at is not None

    def ensure_live(self) -> None:
        """Tombstones are neither edited, pinned nor forwarded."""
        if self.deleted:
            raise MessageDeletedError()

    def edit(self, text: str, *, by: int, at: datetime) -> MessageEdited:
        """Only the author edits, and only a message that still exists."""
        self.ensure_live()
        if self.sender_id != by:
            raise NotMessageAuthorError()
        self.text, self.edited_at = text, at
        return MessageEdited(message=self)

    def delete(self, *, by: int, at: datetime, seat: tuple[Chat, ChatMember] | None) -> MessageDeleted | None:
        """The author deletes their own message; an admin of a group or room deletes any; a site
        admin moderates (``seat`` None: no seat needed). Deleting a tombstone again changes nothing."""
        if seat is not None and self.sender_id != seat[1].user_id and not (seat[0].has_admins and seat[1].is_admin):
            raise CannotDeleteMessageError()
        if self.deleted:
            return None
        self.text, self.deleted_at = None, at
        self.pinned_at = self.pinned_by = None
        return MessageDeleted(message=self, deleted_by=by)

    def pin(self, pinned: bool, *, chat: Chat, member: ChatMember, at: datetime) -> MessagePinned | None:
        """Pin or unpin: either user of a private chat, an admin of a group or room. Tombstones are
        not pinned; pinning a pinned message (or unpinning an unpinned one) changes nothing."""
        if pinned:
            self.ensure_live()
        if chat.has_admins:
            member.ensure_admin()
        if self.pinned == pinned:
            return None
        self.pinned_at, self.pinned_by = (at, member.user_id) if pinned else (None, None)
        return MessagePinned(message=self, pinned=pinned, by=member.user_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatSummary:
    """A chat in its member's chat list."""

    chat: Chat
    unread_count: int
    last_message: Message | None
    last_read_message_id: int
    peer: Person | None = None  # the other user of a private chat


@dataclass(frozen=True, slots=True, kw_only=True)
class RoomSummary:
    """A listed room."""

    chat: Chat
    member_count: int
    is_member: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatDetail:
    """A chat with its members and the caller's own read state."""

    chat: Chat
    members: list[ChatMember]
    me: ChatMember


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryPage:
    """Messages newest first; ``next_before`` is the cursor of the next (older) page, None at the start."""

    messages: list[Message]
    next_before: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadState:
    """Where a member's read marker stands and what is left unread."""

    chat_id: int
    user_id: int
    last_read_message_id: int
    unread_count: int
