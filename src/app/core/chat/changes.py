"""The chat's change log: every stored change of its messages, numbered in commit order.

Posting, editing, deleting and pinning a message each record one change in the same transaction,
numbered ``seq`` within the chat; the change's domain event carries that number. A socket that
reconnects names the last ``seq`` it saw and gets the events of the changes after it, rebuilt
from the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from app.core.chat.domain_events import MessageDeleted, MessageEdited, MessagePinned, MessagePosted
from app.core.chat.model import Message

ChangeEvent = MessagePosted | MessageEdited | MessageDeleted | MessagePinned
C = TypeVar("C", MessagePosted, MessageEdited, MessageDeleted, MessagePinned)

# A socket further behind than this many changes is told to refetch over HTTP instead.
MAX_REPLAY = 1000


class ChangeKind(StrEnum):
    POSTED = "posted"
    EDITED = "edited"
    DELETED = "deleted"
    PINNED = "pinned"
    UNPINNED = "unpinned"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatChange:
    """One change of a message: who made it, when, and the text an edit set."""

    chat_id: int
    kind: ChangeKind
    message_id: int
    actor_id: int
    at: datetime
    text: str | None = None
    seq: int = 0


def change_of(event: ChangeEvent, *, at: datetime) -> ChatChange:
    """The change an event records."""
    message = event.message
    match event:
        case MessagePosted():
            kind, actor = ChangeKind.POSTED, message.sender_id
        case MessageEdited():
            kind, actor = ChangeKind.EDITED, message.sender_id
        case MessageDeleted():
            kind, actor = ChangeKind.DELETED, event.deleted_by
        case MessagePinned():
            kind, actor = (ChangeKind.PINNED if event.pinned else ChangeKind.UNPINNED), event.by
    text = message.text if kind is ChangeKind.EDITED else None
    return ChatChange(chat_id=message.chat_id, kind=kind, message_id=message.id, actor_id=actor, at=at, text=text)


def numbered(events: Sequence[C], last_seq: int) -> list[C]:
    """The events at the positions the log gave them, ``last_seq`` being the last one's."""
    first = last_seq - len(events) + 1
    return [replace(event, seq=first + index) for index, event in enumerate(events)]


def event_of(change: ChatChange, message: Message) -> ChangeEvent:
    """The event of a logged change, as it was published (the message as it stands now, with the
    text an edit set)."""
    match change.kind:
        case ChangeKind.POSTED:
            return MessagePosted(message=message, seq=change.seq)
        case ChangeKind.EDITED:
            edited = replace(message, text=change.text, edited_at=change.at)
            return MessageEdited(message=edited, seq=change.seq)
        case ChangeKind.DELETED:
            return MessageDeleted(message=message, deleted_by=change.actor_id, seq=change.seq)
        case ChangeKind.PINNED | ChangeKind.UNPINNED:
            return MessagePinned(
                message=message, pinned=change.kind is ChangeKind.PINNED, by=change.actor_id, seq=change.seq
            )
