"""Hand-written fakes of the ports: in memory, recording what happened."""

from __future__ import annotations

import copy
import itertools
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from app.core.accounts.errors import (
    EmailTakenError,
    TokenExpiredError,
    TokenInvalidError,
    TokenWrongKindError,
    UsernameTakenError,
)
from app.core.accounts.model import RefreshToken, TokenClaims, TokenKind, User
from app.core.chat.errors import AlreadyMemberError, PrivateChatExistsError, RoomNameTakenError
from app.core.chat.model import Chat, ChatKind, ChatMember, ChatSummary, Message, RoomSummary
from app.core.chat.presence import PresenceLedger
from app.core.shared.domain_events import DomainEvent
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Role
from app.ports.mailer import Mail


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class Store:
    """The fake database: what committed units of work left behind."""

    users: dict[int, User] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    chats: dict[int, Chat] = field(default_factory=dict)
    chat_members: dict[tuple[int, int], ChatMember] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)


class InMemoryUserRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, user: User) -> User:
        for other in self._store.users.values():
            if other.email.lower() == user.email.lower():
                raise EmailTakenError()
            if user.username and other.username == user.username:
                raise UsernameTakenError()
        stored = replace(user, id=next(self._store.ids))
        self._store.users[stored.id] = stored
        return replace(stored)

    async def get(self, user_id: int) -> User | None:
        user = self._store.users.get(user_id)
        return replace(user) if user else None

    async def get_many(self, user_ids: list[int]) -> list[User]:
        return [replace(self._store.users[i]) for i in user_ids if i in self._store.users]

    async def get_by_email(self, email: str) -> User | None:
        return next((replace(u) for u in self._store.users.values() if u.email.lower() == email.lower()), None)

    async def update(self, user: User) -> User:
        for other in self._store.users.values():
            if other.id != user.id and user.username and other.username == user.username:
                raise UsernameTakenError()
        self._store.users[user.id] = replace(user)
        return replace(user)

    async def list(self, *, search: str | None, role: Role | None, page: PageRequest) -> Page[User]:
        users = sorted(self._store.users.values(), key=lambda u: u.id)
        if search:
            users = [u for u in users if search.lower() in u.email.lower() or search.lower() in u.name.lower()]
        if role is not None:
            users = [u for u in users if role in u.roles]
        window = users[page.offset : page.offset + page.limit]
        return Page(items=[replace(u) for u in window], total=len(users), request=page)


class InMemoryRefreshTokenRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, token: RefreshToken) -> None:
        self._store.refresh_tokens[token.jti] = replace(token)

    async def get_for_update(self, jti: str) -> RefreshToken | None:
        token = self._store.refresh_tokens.get(jti)
        return replace(token) if token else None

    async def mark_used(self, jti: str, at: datetime) -> None:
        self._store.refresh_tokens[jti].used_at = at

    async def revoke_family(self, family: str, at: datetime) -> None:
        for token in self._store.refresh_tokens.values():
            if token.family == family and token.revoked_at is None:
                token.revoked_at = at


class FakeUnitOfWork:
    """Works on a copy of the store; ``commit`` makes the copy the store, leaving without it discards it."""

    def __init__(self, store: Store) -> None:
        self._committed_store = store
        self.committed = False

    async def __aenter__(self) -> Self:
        self._working = copy.deepcopy(self._committed_store)
        self._working.ids = self._committed_store.ids
        self.users = InMemoryUserRepository(self._working)
        self.refresh_tokens = InMemoryRefreshTokenRepository(self._working)
        self.chats = InMemoryChatRepository(self._working)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        self._committed_store.__dict__.update(self._working.__dict__)
        self.committed = True

    async def rollback(self) -> None:
        self._working = copy.deepcopy(self._committed_store)


class FakeUnitOfWorkFactory:
    def __init__(self) -> None:
        self.store = Store()
        self.units: list[FakeUnitOfWork] = []

    def __call__(self) -> FakeUnitOfWork:
        unit = FakeUnitOfWork(self.store)
        self.units.append(unit)
        return unit

    @property
    def commits(self) -> int:
        return sum(unit.committed for unit in self.units)


class FakePasswordHasher:
    async def hash(self, password: str) -> str:
        return f"fake${password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith("fake$")


class FakeTokenSigner:
    """Tokens are random handles to claims kept in memory; expiry is read from the given clock."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self.issued: dict[str, TokenClaims] = {}

    def issue(self, claims: TokenClaims) -> str:
        token = f"{claims.kind.value}.{secrets.token_hex(8)}"
        self.issued[token] = claims
        return token

    def verify(self, token: str, *, kind: TokenKind) -> TokenClaims:
        claims = self.issued.get(token)
        if claims is None:
            raise TokenInvalidError()
        if claims.expires_at <= self._clock.now():
            raise TokenExpiredError()
        if claims.kind is not kind:
            raise TokenWrongKindError()
        return claims


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)


class RecordingNotifier:
    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    async def publish(self, *events: DomainEvent) -> None:
        self.published.extend(events)


class InMemoryUserCache:
    """Records what was cached; entries never expire (tests invalidate explicitly)."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}

    async def get(self, user_id: int) -> User | None:
        user = self.users.get(user_id)
        return replace(user) if user else None

    async def put(self, user: User) -> None:
        self.users[user.id] = replace(user, password_hash="")

    async def invalidate(self, user_id: int) -> None:
        self.users.pop(user_id, None)


class FakeRateLimiter:
    """Counts hits per key; no window (tests reset it by building a new one)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def hit(self, key: str, *, limit: int, window_s: int) -> int:
        self.hits[key] = self.hits.get(key, 0) + 1
        return window_s if self.hits[key] > limit else 0


class InMemoryChatRepository:
    """Chats, seats and messages in the fake store, with the SQL repository's rules."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _name(self, user_id: int) -> str:
        user = self._store.users.get(user_id)
        return (user.username or user.name) if user else ""

    def _message(self, message: Message) -> Message:
        return replace(message, sender_name=self._name(message.sender_id))

    async def add_chat(self, chat: Chat) -> Chat:
        for other in self._store.chats.values():
            if chat.pair_key and other.pair_key == chat.pair_key:
                raise PrivateChatExistsError()
            if chat.room_key and other.room_key == chat.room_key:
                raise RoomNameTakenError()
        stored = replace(chat, id=next(self._store.ids))
        self._store.chats[stored.id] = stored
        return replace(stored)

    async def get_chat(self, chat_id: int) -> Chat | None:
        chat = self._store.chats.get(chat_id)
        return replace(chat) if chat else None

    async def get_private(self, pair_key: str) -> Chat | None:
        return next((replace(c) for c in self._store.chats.values() if c.pair_key == pair_key), None)

    async def get_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        chat = await self.get_chat(chat_id)
        return chat, await self.get_member(chat_id, user_id) if chat else None

    async def add_member(self, member: ChatMember) -> None:
        key = (member.chat_id, member.user_id)
        if key in self._store.chat_members:
            raise AlreadyMemberError()
        self._store.chat_members[key] = replace(member)

    async def get_member(self, chat_id: int, user_id: int) -> ChatMember | None:
        member = self._store.chat_members.get((chat_id, user_id))
        return replace(member, display_name=self._name(user_id)) if member else None

    async def list_members(self, chat_id: int) -> list[ChatMember]:
        members = [m for (c, _), m in self._store.chat_members.items() if c == chat_id]
        members.sort(key=lambda m: (m.joined_at is None, m.joined_at, m.user_id))
        return [replace(m, display_name=self._name(m.user_id)) for m in members]

    async def member_ids(self, chat_id: int) -> list[int]:
        return [u for (c, u) in self._store.chat_members if c == chat_id]

    async def remove_member(self, chat_id: int, user_id: int) -> None:
        self._store.chat_members.pop((chat_id, user_id), None)

    async def set_admin(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        self._store.chat_members[(chat_id, user_id)].is_admin = is_admin

    async def chat_ids_of(self, user_id: int) -> list[int]:
        return [c for (c, u) in self._store.chat_members if u == user_id]

    async def summaries_of(self, user_id: int) -> list[ChatSummary]:
        summaries = []
        for chat_id in await self.chat_ids_of(user_id):
            seat = self._store.chat_members[(chat_id, user_id)]
            in_chat = [m for m in self._store.messages.values() if m.chat_id == chat_id]
            last = max(in_chat, key=lambda m: m.id, default=None)
            summaries.append(
                ChatSummary(
                    chat=replace(self._store.chats[chat_id]),
                    unread_count=await self.unread_count(chat_id, user_id, seat.last_read_message_id),
                    last_message=self._message(last) if last else None,
                    last_read_message_id=seat.last_read_message_id,
                )
            )
        summaries.sort(key=lambda s: (s.last_message.id if s.last_message else 0, s.chat.id), reverse=True)
        return summaries

    async def list_rooms(self, *, user_id: int, search: str | None, page: PageRequest) -> Page[RoomSummary]:
        rooms = sorted(
            (c for c in self._store.chats.values() if c.kind is ChatKind.ROOM), key=lambda c: c.room_key or ""
        )
        if search:
            rooms = [c for c in rooms if search.strip().casefold() in (c.room_key or "")]
        window = rooms[page.offset : page.offset + page.limit]
        items = [
            RoomSummary(
                chat=replace(c),
                member_count=sum(1 for (chat_id, _) in self._store.chat_members if chat_id == c.id),
                is_member=(c.id, user_id) in self._store.chat_members,
            )
            for c in window
        ]
        return Page(items=items, total=len(rooms), request=page)

    async def add_message(self, message: Message) -> Message:
        stored = replace(message, id=next(self._store.ids))
        self._store.messages[stored.id] = stored
        return replace(stored)

    async def get_message(self, message_id: int) -> Message | None:
        message = self._store.messages.get(message_id)
        return self._message(message) if message else None

    async def get_message_for_update(self, message_id: int) -> Message | None:
        return await self.get_message(message_id)

    async def update_message(self, message: Message) -> None:
        self._store.messages[message.id] = replace(message)

    async def history(self, chat_id: int, *, before: int | None, limit: int) -> list[Message]:
        found = [m for m in self._store.messages.values() if m.chat_id == chat_id and (before is None or m.id < before)]
        return [self._message(m) for m in sorted(found, key=lambda m: m.id, reverse=True)[:limit]]

    async def pinned(self, chat_id: int) -> list[Message]:
        found = [m for m in self._store.messages.values() if m.chat_id == chat_id and m.pinned_at is not None]
        return [self._message(m) for m in sorted(found, key=lambda m: (m.pinned_at, m.id), reverse=True)]

    async def advance_read(self, chat_id: int, user_id: int, message_id: int) -> bool:
        seat = self._store.chat_members.get((chat_id, user_id))
        if seat is None or seat.last_read_message_id >= message_id:
            return False
        seat.last_read_message_id = message_id
        return True

    async def advance_delivered(self, chat_id: int, user_id: int, message_id: int) -> bool:
        seat = self._store.chat_members.get((chat_id, user_id))
        if seat is None or seat.last_delivered_message_id >= message_id:
            return False
        seat.last_delivered_message_id = message_id
        return True

    async def unread_count(self, chat_id: int, user_id: int, after: int) -> int:
        return sum(
            1
            for m in self._store.messages.values()
            if m.chat_id == chat_id and m.id > after and m.sender_id != user_id and not m.deleted
        )

    async def search(self, *, user_id: int, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        words = [w.lower() for w in re.findall(r"\w+", query)]
        mine = set(await self.chat_ids_of(user_id))
        found = [
            m
            for m in sorted(self._store.messages.values(), key=lambda m: m.id, reverse=True)
            if words
            and m.chat_id in mine
            and (chat_id is None or m.chat_id == chat_id)
            and not m.deleted
            and all(w in (m.text or "").lower() for w in words)
        ]
        window = found[page.offset : page.offset + page.limit]
        return Page(items=[self._message(m) for m in window], total=len(found), request=page)


class FakePresenceTracker:
    """The presence ledger on a hand-moved clock; ``now`` is in seconds."""

    def __init__(self, ttl_s: float = 30.0) -> None:
        self.ledger = PresenceLedger(ttl_s=ttl_s)
        self.now = 0.0
        self.local: dict[str, int] = {}

    async def connect(self, user_id: int, connection_id: str) -> bool:
        self.local[connection_id] = user_id
        return self.ledger.connect(user_id, connection_id, self.now)

    async def disconnect(self, user_id: int, connection_id: str) -> bool:
        self.local.pop(connection_id, None)
        return self.ledger.disconnect(user_id, connection_id, self.now)

    async def heartbeat(self) -> None:
        for connection_id, user_id in self.local.items():
            self.ledger.renew(user_id, connection_id, self.now)

    async def sweep(self) -> list[int]:
        return self.ledger.sweep(self.now)

    async def online(self, user_ids: list[int]) -> set[int]:
        return self.ledger.online(user_ids, self.now)
