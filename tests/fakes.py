"""Hand-written fakes of the ports: in memory, recording what happened."""

from __future__ import annotations

import copy
import hashlib
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
from app.core.shared.domain_events import DomainEvent
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Role
from app.core.ticketing.errors import AlreadyReservedError, InvalidTicketError
from app.core.ticketing.model import Event, EventFilter
from app.core.ticketing.reservations import LIVE_STATUSES, Reservation, ReservationStatus, Tally
from app.core.ticketing.tickets import TicketClaim, TicketDocument
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
    events: dict[int, Event] = field(default_factory=dict)
    reservations: dict[int, Reservation] = field(default_factory=dict)


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
        self.events = InMemoryEventRepository(self._working)
        self.reservations = InMemoryReservationRepository(self._working)
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


class InMemoryEventRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, event: Event) -> Event:
        stored = replace(event, id=next(self._store.ids))
        self._store.events[stored.id] = stored
        return replace(stored)

    async def get(self, event_id: int) -> Event | None:
        event = self._store.events.get(event_id)
        return replace(event) if event else None

    get_for_update = get

    async def update(self, event: Event) -> Event:
        self._store.events[event.id] = replace(event)
        return replace(event)

    async def list(self, event_filter: EventFilter, page: PageRequest) -> Page[Event]:
        events = sorted(self._store.events.values(), key=lambda e: (e.starts_at, e.id))
        if event_filter.statuses is not None:
            events = [e for e in events if e.status in event_filter.statuses]
        if event_filter.owner_id is not None:
            events = [e for e in events if e.owner_id == event_filter.owner_id]
        window = events[page.offset : page.offset + page.limit]
        return Page(items=[replace(e) for e in window], total=len(events), request=page)


class InMemoryReservationRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _of_event(self, event_id: int, *statuses: ReservationStatus) -> list[Reservation]:
        found = [r for r in self._store.reservations.values() if r.event_id == event_id]
        return [r for r in found if not statuses or r.status in statuses]

    async def add_many(self, reservations: list[Reservation]) -> list[Reservation]:
        added = []
        for reservation in reservations:
            if reservation.is_live and await self.live_holders(reservation.event_id, [reservation.user_id]):
                raise AlreadyReservedError()
            stored = replace(reservation, id=next(self._store.ids), ticket_secret=None)
            self._store.reservations[stored.id] = stored
            added.append(replace(stored))
        return added

    async def get(self, reservation_id: int) -> Reservation | None:
        reservation = self._store.reservations.get(reservation_id)
        return replace(reservation) if reservation else None

    get_for_update = get

    async def live_holders(self, event_id: int, user_ids: list[int]) -> set[int]:
        return {r.user_id for r in self._of_event(event_id, *LIVE_STATUSES) if r.user_id in user_ids}

    async def update(self, reservation: Reservation) -> Reservation:
        self._store.reservations[reservation.id] = replace(reservation, ticket_secret=None)
        return replace(reservation)

    async def tally(self, event_id: int) -> Tally:
        live = self._of_event(event_id, *LIVE_STATUSES)
        return Tally(
            confirmed=sum(r.status is ReservationStatus.CONFIRMED for r in live),
            pending=sum(r.status is ReservationStatus.PENDING for r in live),
            waitlisted=sum(r.status is ReservationStatus.WAITLISTED for r in live),
            checked_in=sum(r.checked_in_at is not None for r in live),
        )

    async def tallies(self, event_ids: list[int]) -> dict[int, Tally]:
        return {event_id: await self.tally(event_id) for event_id in event_ids}

    async def waitlist_head(self, event_id: int, count: int) -> list[Reservation]:
        waiting = sorted(self._of_event(event_id, ReservationStatus.WAITLISTED), key=lambda r: r.position or 0)
        return [replace(r) for r in waiting[:count]]

    async def shift_waitlist(self, event_id: int, *, after_position: int, by: int) -> None:
        for reservation in self._of_event(event_id, ReservationStatus.WAITLISTED):
            if reservation.position is not None and reservation.position > after_position:
                reservation.position -= by

    async def cancel_live(self, event_id: int, now: datetime) -> list[Reservation]:
        cancelled = []
        for reservation in self._of_event(event_id, *LIVE_STATUSES):
            reservation.status, reservation.position = ReservationStatus.CANCELLED, None
            reservation.cancelled_at = now
            cancelled.append(replace(reservation))
        return cancelled

    async def list_for_event(
        self, event_id: int, status: ReservationStatus | None, page: PageRequest
    ) -> Page[Reservation]:
        found = sorted(self._of_event(event_id, *([status] if status else [])), key=lambda r: r.id)
        window = found[page.offset : page.offset + page.limit]
        return Page(items=[replace(r) for r in window], total=len(found), request=page)

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Reservation]:
        found = sorted((r for r in self._store.reservations.values() if r.user_id == user_id), key=lambda r: -r.id)
        window = found[page.offset : page.offset + page.limit]
        return Page(items=[replace(r) for r in window], total=len(found), request=page)


class FakeTicketSigner:
    """``fake.<id>.<nonce>.<signature>`` where the signature is a keyed digest only this fake knows."""

    def __init__(self, key: str = "fake-ticket-key") -> None:
        self._key = key

    def sign(self, reservation_id: int, nonce: str) -> str:
        return f"fake.{reservation_id}.{nonce}.{self._digest(reservation_id, nonce)}"

    def verify(self, secret: str) -> TicketClaim:
        parts = secret.split(".")
        if len(parts) != 4 or parts[0] != "fake" or not parts[1].isdigit():
            raise InvalidTicketError()
        if parts[3] != self._digest(int(parts[1]), parts[2]):
            raise InvalidTicketError()
        return TicketClaim(reservation_id=int(parts[1]), nonce=parts[2])

    def _digest(self, reservation_id: int, nonce: str) -> str:
        return hashlib.sha256(f"{self._key}:{reservation_id}:{nonce}".encode()).hexdigest()[:16]


class RecordingTicketRenderer:
    media_type = "application/x-fake-ticket"

    def __init__(self) -> None:
        self.rendered: list[TicketDocument] = []

    async def render(self, ticket: TicketDocument) -> bytes:
        self.rendered.append(ticket)
        return f"ticket {ticket.reservation_id} {ticket.secret}".encode()


class FailingMailer:
    """Every send fails, as an unreachable SMTP server would."""

    def __init__(self) -> None:
        self.attempts = 0

    async def send(self, mail: Mail) -> None:
        self.attempts += 1
        raise OSError("SMTP server unreachable")
