"""Hand-written fakes of the ports: in memory, recording what happened."""

from __future__ import annotations

import copy
import itertools
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from app.core.accounts.errors import (
    EmailTakenError,
    TokenExpiredError,
    TokenInvalidError,
    TokenWrongKindError,
    UsernameTakenError,
)
from app.core.accounts.model import RefreshToken, TokenClaims, TokenKind, User
from app.core.images.model import InspectedImage, NotAnImageError
from app.core.jobs.model import Job, JobStatus
from app.core.organizations.errors import AlreadyMemberError
from app.core.organizations.model import MemberCard, Organization, OrganizationCard
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
    organizations: dict[int, Organization] = field(default_factory=dict)


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
        self.organizations = InMemoryOrganizationRepository(self._working)
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


class InMemoryOrganizationRepository:
    """Organizations in the fake store; cards show the store's active users."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, organization: Organization) -> Organization:
        stored = replace(organization, id=next(self._store.ids))
        self._store.organizations[stored.id] = stored
        return replace(stored)

    async def get(self, organization_id: int) -> Organization | None:
        organization = self._store.organizations.get(organization_id)
        return replace(organization) if organization else None

    get_for_update = get

    async def add_member(self, organization_id: int, user_id: int) -> None:
        organization = self._store.organizations[organization_id]
        if user_id in organization.member_ids:
            raise AlreadyMemberError()
        organization.member_ids = organization.member_ids | {user_id}

    async def remove_member(self, organization_id: int, user_id: int) -> bool:
        organization = self._store.organizations[organization_id]
        if user_id not in organization.member_ids:
            return False
        organization.member_ids = organization.member_ids - {user_id}
        return True

    async def cards(self, organization_ids: list[int]) -> list[OrganizationCard]:
        cards = []
        for organization_id in dict.fromkeys(organization_ids):
            organization = self._store.organizations.get(organization_id)
            if organization is None:
                continue
            users = [self._store.users[i] for i in sorted(organization.member_ids) if i in self._store.users]
            members = [MemberCard(id=u.id, name=u.name, email=u.email) for u in users if u.is_active]
            cards.append(OrganizationCard(organization=replace(organization), members=members))
        return cards

    async def list_cards(self, *, search: str | None, page: PageRequest) -> Page[OrganizationCard]:
        matching = [
            o.id
            for o in sorted(self._store.organizations.values(), key=lambda o: o.id)
            if not search or search.lower() in o.title.lower()
        ]
        window = matching[page.offset : page.offset + page.limit]
        return Page(items=await self.cards(window), total=len(matching), request=page)


class InMemoryJobQueue:
    """Records enqueued jobs; ``run_all`` runs the due ones through the given handlers, once each."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)

    async def enqueue(self, kind: str, payload: Any, *, created_by: int | None = None, delay_s: float = 0) -> Job:
        job = Job(
            id=next(self._ids),
            kind=kind,
            payload=dict(payload),
            created_by=created_by,
            run_at=self._clock.now() + timedelta(seconds=delay_s),
            created_at=self._clock.now(),
        )
        self.jobs[job.id] = job
        return replace(job)

    async def get(self, job_id: int) -> Job | None:
        job = self.jobs.get(job_id)
        return replace(job) if job else None

    async def run_all(self, handlers: dict[str, Any]) -> None:
        for job in self.jobs.values():
            if job.status is JobStatus.QUEUED and job.run_at is not None and job.run_at <= self._clock.now():
                job.attempts += 1
                job.result = dict(await handlers[job.kind](job.payload) or {})
                job.status = JobStatus.DONE


class InMemoryFileStorage:
    """Keeps saved files in a dict; URLs are ``/media/<key>``."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, key: str, data: bytes) -> None:
        self.files[key] = data

    async def delete(self, key: str) -> None:
        self.files.pop(key, None)

    def url(self, key: str) -> str:
        return f"/media/{key}"


class FakeImageInspector:
    """Accepts bytes starting with ``IMG`` as a 640x480 PNG; refuses anything else."""

    def __init__(self) -> None:
        self.inspected = 0

    async def inspect(self, data: bytes) -> InspectedImage:
        self.inspected += 1
        if not data.startswith(b"IMG"):
            raise NotAnImageError()
        return InspectedImage(extension="png", width=640, height=480, thumbnail=b"THUMB", thumbnail_extension="jpg")
