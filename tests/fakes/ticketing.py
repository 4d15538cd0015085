"""Fakes of the ticketing ports: events, reservations, an event's spots, ticket signing and rendering."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from app.core.shared.errors import DuplicateKeyError, MissingReferenceError
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.errors import AlreadyReservedError, InvalidTicketError
from app.core.ticketing.model import Event, EventFilter
from app.core.ticketing.reservations import LIVE_STATUSES, Reservation, ReservationStatus, Tally
from app.core.ticketing.tickets import TicketClaim, TicketDocument
from tests.fakes.store import Store


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


class _StoredReservations:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _of_event(self, event_id: int, *statuses: ReservationStatus) -> list[Reservation]:
        found = [r for r in self._store.reservations.values() if r.event_id == event_id]
        return [r for r in found if not statuses or r.status in statuses]


class InMemoryReservationRepository(_StoredReservations):
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


class InMemorySpotRepository(_StoredReservations):
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
