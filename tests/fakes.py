"""Hand-written fakes of the ports: in memory, recording what happened."""

from __future__ import annotations

import copy
import itertools
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
from app.core.expeditions.errors import AlreadyInvitedError
from app.core.expeditions.model import Expedition, ExpeditionStatus
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
    expeditions: dict[int, Expedition] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


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


class InMemoryExpeditionRepository:
    """Expeditions by id; locks are no-ops because the fake runs one unit of work at a time."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, expedition: Expedition) -> Expedition:
        stored = copy.deepcopy(expedition)
        stored.id = next(self._store.ids)
        self._store.expeditions[stored.id] = stored
        return copy.deepcopy(stored)

    async def get(self, expedition_id: int) -> Expedition | None:
        expedition = self._store.expeditions.get(expedition_id)
        return copy.deepcopy(expedition) if expedition else None

    async def get_for_update(self, expedition_id: int) -> Expedition | None:
        return await self.get(expedition_id)

    async def save(self, expedition: Expedition) -> None:
        user_ids = [m.user_id for m in expedition.members]
        if len(set(user_ids)) != len(user_ids):
            raise AlreadyInvitedError()
        self._store.expeditions[expedition.id] = copy.deepcopy(expedition)

    async def lock_busy_member_ids(self, expedition_id: int) -> set[int]:
        mine = self._store.expeditions[expedition_id].confirmed_ids
        return {
            user_id
            for other in self._store.expeditions.values()
            if other.id != expedition_id and other.status is ExpeditionStatus.ACTIVE
            for user_id in other.confirmed_ids & mine
        }

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Expedition]:
        mine = [e for e in sorted(self._store.expeditions.values(), key=lambda e: -e.id) if e.belongs(user_id)]
        window = mine[page.offset : page.offset + page.limit]
        return Page(items=copy.deepcopy(window), total=len(mine), request=page)

    async def ids_for_user(self, user_id: int) -> list[int]:
        return sorted(e.id for e in self._store.expeditions.values() if e.belongs(user_id))


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
        self.expeditions = InMemoryExpeditionRepository(self._working)
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
