"""Presence changes gathered over an interval and announced once per chat.

A crowd joining a room must not cost every member one frame per arrival: the changes of one
interval are folded per user into the status they end with, and announced per chat: a chat with
few changes hears each user's ``UserStatusChanged``, a chat with more hears one ``PresenceChanged``
listing everyone who came and went there.

A change undone within the interval (offline, then online again) is still announced, with the
status it ended with: a socket that connected in between was told the other status by its
``presence`` snapshot, and must hear the one that holds now. For the others it repeats what they
know, which costs one frame per interval at most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.chat.domain_events import PresenceChanged, UserStatusChanged
from app.core.shared.domain_events import DomainEvent

FEW_CHANGES = 2  # up to this many changes in a chat go out as user_status frames (every private chat's)


class PresenceDigest:
    """Status changes waiting to be announced: per user, the status now."""

    def __init__(self) -> None:
        self._changes: dict[int, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._changes)

    def record(self, user_id: int, *, is_online: bool) -> None:
        self._changes[user_id] = is_online

    def take(self) -> dict[int, bool]:
        """The users whose status changed since the last ``take`` (user → online now), those whose
        change was undone too (see the module)."""
        changes, self._changes = self._changes, {}
        return changes


def presence_events(changes: Mapping[int, bool], chats_of: Mapping[int, Sequence[int]]) -> list[DomainEvent]:
    """One event per chat for ``changes`` (user → online now), given each user's chats."""
    by_chat: dict[int, list[int]] = {}
    for user_id in changes:
        for chat_id in chats_of.get(user_id, ()):
            by_chat.setdefault(chat_id, []).append(user_id)
    alone: dict[int, list[int]] = {}  # user → the chats that hear their own UserStatusChanged
    events: list[DomainEvent] = []
    for chat_id, user_ids in sorted(by_chat.items()):
        if len(user_ids) <= FEW_CHANGES:
            for user_id in user_ids:
                alone.setdefault(user_id, []).append(chat_id)
            continue
        online = tuple(sorted(u for u in user_ids if changes[u]))
        offline = tuple(sorted(u for u in user_ids if not changes[u]))
        events.append(PresenceChanged(chat_id=chat_id, online=online, offline=offline))
    events += [
        UserStatusChanged(user_id=user_id, is_online=changes[user_id], chat_ids=tuple(chat_ids))
        for user_id, chat_ids in alone.items()
    ]
    return events
