"""The fake database: what committed fake units of work left behind."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from app.core.accounts.model import RefreshToken, User
from app.core.chat.changes import ChatChange
from app.core.chat.model import Chat, ChatMember, Message
from app.core.expeditions.model import Expedition
from app.core.organizations.model import Organization
from app.core.ticketing.model import Event
from app.core.ticketing.reservations import Reservation


@dataclass
class Store:
    """The fake database: what committed units of work left behind."""

    users: dict[int, User] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    expeditions: dict[int, Expedition] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    chat_members: dict[tuple[int, int], ChatMember] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    chat_changes: dict[int, list[ChatChange]] = field(default_factory=dict)  # chat id → its log, oldest first
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    events: dict[int, Event] = field(default_factory=dict)
    reservations: dict[int, Reservation] = field(default_factory=dict)
    organizations: dict[int, Organization] = field(default_factory=dict)
    event_organizations: dict[int, frozenset[int]] = field(default_factory=dict)
    # Message texts this fake database refuses to store, as PostgreSQL refuses U+0000 (tests set it).
    unstorable_texts: set[str] = field(default_factory=set)
