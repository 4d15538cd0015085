"""Hand-written fakes of the ports: in memory, recording what happened."""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
import secrets
from collections.abc import Sequence
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
from app.core.chat.changes import ChatChange
from app.core.chat.errors import AlreadyMemberError as AlreadyChatMemberError
from app.core.chat.errors import PrivateChatExistsError, RoomNameTakenError
from app.core.chat.model import Chat, ChatKind, ChatMember, ChatSummary, Message, RoomSummary
from app.core.chat.presence import PresenceLedger
from app.core.expeditions.errors import AlreadyInvitedError
from app.core.expeditions.model import Expedition, ExpeditionStatus
from app.core.images.model import InspectedImage, NotAnImageError
from app.core.jobs.model import Job, JobStatus
from app.core.organizations.errors import AlreadyMemberError
from app.core.organizations.model import MemberCard, Organization, OrganizationCard
from app.core.shared.domain_events import DomainEvent
from app.core.shared.errors import DuplicateKeyError, MissingReferenceError, UnstorableValueError
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Role
from app.core.ticketing.errors import AlreadyReservedError, InvalidTicketError
from app.core.ticketing.listing import EventOrdering, EventQuery
from app.core.ticketing.model import Event, EventFilter, EventStatus
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

    async def get_for_update(self, user_id: int) -> User | None:
        return await self.get(user_id)

    async def lock_active_admin_ids(self) -> list[int]:
        return sorted(u.id for u in self._store.users.values() if u.is_active_admin)

    async def delete(self, user_id: int) -> None:
        self._store.users.pop(user_id, None)
        for jti in [jti for jti, token in self._store.refresh_tokens.items() if token.user_id == user_id]:
            del self._store.refresh_tokens[jti]

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

    async def revoke_all_of_user(self, user_id: int, at: datetime) -> None:
        for token in self._store.refresh_tokens.values():
            if token.user_id == user_id and token.revoked_at is None:
                token.revoked_at = at

    async def families_revoked_since(self, user_id: int, since: datetime) -> frozenset[str]:
        return frozenset(
            token.family
            for token in self._store.refresh_tokens.values()
            if token.user_id == user_id and token.revoked_at is not None and token.revoked_at >= since
        )


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
        self.chats = InMemoryChatRepository(self._working)
        self.chat_changes = InMemoryChatChangeLog(self._working)
        self.expeditions = InMemoryExpeditionRepository(self._working)
        self.events = InMemoryEventRepository(self._working)
        self.reservations = InMemoryReservationRepository(self._working)
        self.organizations = InMemoryOrganizationRepository(self._working)
        self.event_directory = InMemoryEventDirectoryRepository(self._working)
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

    async def undo(self, key: str) -> None:
        if self.hits.get(key, 0) > 0:
            self.hits[key] -= 1


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
        """Refuses what the SQL tables refuse: a holder who is gone, a second live reservation, a taken key."""
        added = []
        for reservation in reservations:
            if reservation.user_id not in self._store.users:
                raise MissingReferenceError()
            if reservation.is_live and await self.live_holders(reservation.event_id, [reservation.user_id]):
                raise AlreadyReservedError()
            key = reservation.idempotency_key
            if key is not None and await self.by_idempotency_key(reservation.event_id, [(reservation.user_id, key)]):
                raise DuplicateKeyError()
            stored = replace(reservation, id=next(self._store.ids), ticket_secret=None)
            self._store.reservations[stored.id] = stored
            added.append(replace(stored))
        return added

    async def get(self, reservation_id: int) -> Reservation | None:
        reservation = self._store.reservations.get(reservation_id)
        return replace(reservation) if reservation else None

    get_for_update = get

    async def by_idempotency_key(
        self, event_id: int, keys: list[tuple[int, str]]
    ) -> dict[tuple[int, str], Reservation]:
        return {
            key: replace(r)
            for r in self._of_event(event_id)
            if r.idempotency_key is not None and (key := (r.user_id, r.idempotency_key)) in keys
        }

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
    """Accepts bytes starting with ``IMG`` as a 640x480 image, re-encoded as ``COPY`` + the bytes; refuses
    anything else."""

    def __init__(self) -> None:
        self.inspected = 0

    async def inspect(self, data: bytes) -> InspectedImage:
        self.inspected += 1
        if not data.startswith(b"IMG"):
            raise NotAnImageError()
        return InspectedImage(
            image=b"COPY" + data, extension="png", width=640, height=480, thumbnail=b"THUMB", thumbnail_extension="jpg"
        )


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
            raise AlreadyChatMemberError()
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
        return (await self.add_messages([message]))[0]

    async def add_messages(self, messages: list[Message]) -> list[Message]:
        """Refuses what the SQL tables refuse: a sender who is gone, a taken client_id (and the texts a
        test declared unstorable)."""
        added = []
        for message in messages:
            if message.text in self._store.unstorable_texts:
                raise UnstorableValueError()
            if message.sender_id not in self._store.users:
                raise MissingReferenceError()
            if message.client_id is not None and await self.messages_by_client_id(
                message.chat_id, [(message.sender_id, message.client_id)]
            ):
                raise DuplicateKeyError()
            stored = replace(message, id=next(self._store.ids))
            self._store.messages[stored.id] = stored
            added.append(replace(stored))
        return added

    async def messages_by_client_id(self, chat_id: int, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Message]:
        return {
            key: self._message(m)
            for m in self._store.messages.values()
            if m.chat_id == chat_id and m.client_id is not None and (key := (m.sender_id, m.client_id)) in keys
        }

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


class InMemoryChatChangeLog:
    """Each chat's change log in the fake store, numbered from 1 like the SQL counter."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def record(self, chat_id: int, changes: Sequence[ChatChange]) -> int:
        log = self._store.chat_changes.setdefault(chat_id, [])
        log += [replace(change, seq=len(log) + index + 1) for index, change in enumerate(changes)]
        return len(log)

    async def position(self, chat_id: int) -> int:
        return len(self._store.chat_changes.get(chat_id, []))

    async def since(
        self, chat_id: int, after: int, *, up_to: int | None, limit: int
    ) -> list[tuple[ChatChange, Message]]:
        log = [
            c for c in self._store.chat_changes.get(chat_id, []) if c.seq > after and (up_to is None or c.seq <= up_to)
        ]
        messages, found = InMemoryChatRepository(self._store), []
        for change in log[:limit]:
            if (message := await messages.get_message(change.message_id)) is not None:
                found.append((change, message))
        return found


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

    async def heartbeat(self) -> list[int]:
        return [
            user_id
            for connection_id, user_id in self.local.items()
            if self.ledger.renew(user_id, connection_id, self.now)
        ]

    async def sweep(self) -> list[int]:
        return self.ledger.sweep(self.now)

    async def online(self, user_ids: list[int]) -> set[int]:
        return self.ledger.online(user_ids, self.now)


class InMemoryEventDirectoryRepository:
    """Published events by query and event → organization links, in the fake store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def list_published(self, query: EventQuery, page: PageRequest) -> Page[Event]:
        events = [
            e
            for e in self._store.events.values()
            if e.status is EventStatus.PUBLISHED
            and query.matches(
                title=e.title,
                starts_at=e.starts_at,
                organization_ids=self._store.event_organizations.get(e.id, frozenset()),
            )
        ]
        events.sort(key=lambda e: (e.starts_at, e.id), reverse=query.ordering is EventOrdering.LATEST)
        window = events[page.offset : page.offset + page.limit]
        return Page(items=[replace(e) for e in window], total=len(events), request=page)

    async def organization_ids(self, event_id: int) -> list[int]:
        return sorted(self._store.event_organizations.get(event_id, frozenset()))

    async def set_organizations(self, event_id: int, organization_ids: Sequence[int]) -> None:
        self._store.event_organizations[event_id] = frozenset(organization_ids)

    async def known_organization_ids(self, organization_ids: Sequence[int]) -> set[int]:
        return {i for i in organization_ids if i in self._store.organizations}

    async def event_id_for_creation_key(self, creation_key: str) -> int | None:
        return next((e.id for e in self._store.events.values() if e.creation_key == creation_key), None)
