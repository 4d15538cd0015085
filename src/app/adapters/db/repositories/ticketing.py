"""SQL storage of events and reservations. Every reservation change of an event runs under that
event's row lock (``get_for_update``); the partial unique index keeps one live reservation per user."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, event, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.errors import translate_refusal
from app.adapters.db.models.ticketing import EventModel, ReservationModel
from app.core.shared.errors import DuplicateKeyError
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.errors import AlreadyReservedError
from app.core.ticketing.model import Event, EventFilter, EventStatus
from app.core.ticketing.reservations import LIVE_STATUSES, Reservation, ReservationStatus, Tally

_RESERVATION_CONSTRAINTS = {
    "uq_reservations_live_user_event": AlreadyReservedError,
    "uq_reservations_idempotency_key": DuplicateKeyError,
    "reservations.event_id, reservations.user_id, reservations.idempotency_key": DuplicateKeyError,
    "reservations.event_id, reservations.user_id": AlreadyReservedError,
}
_LIVE = [status.value for status in LIVE_STATUSES]
_EVENT_FIELDS = (
    "owner_id",
    "title",
    "description",
    "starts_at",
    "location",
    "capacity",
    "requires_approval",
    "published_at",
    "cancelled_at",
    "image_url",
    "thumbnail_url",
    "creation_key",
)
_RESERVATION_FIELDS = (
    "event_id",
    "user_id",
    "position",
    "ticket_nonce",
    "confirmed_at",
    "cancelled_at",
    "checked_in_at",
    "idempotency_key",
)


def event_from_row(row: EventModel) -> Event:
    return Event(
        id=row.id,
        status=EventStatus(row.status),
        created_at=row.created_at,
        **{name: getattr(row, name) for name in _EVENT_FIELDS},
    )


def reservation_from_row(row: ReservationModel) -> Reservation:
    return Reservation(
        id=row.id,
        status=ReservationStatus(row.status),
        created_at=row.created_at,
        **{name: getattr(row, name) for name in _RESERVATION_FIELDS},
    )


def _copy(row: Any, entity: Any, names: tuple[str, ...]) -> None:
    for name in names:
        setattr(row, name, getattr(entity, name))
    row.status = entity.status.value
    if entity.created_at is not None and row.created_at is None:
        row.created_at = entity.created_at


async def _page(session: AsyncSession, query: Select[Any], page: PageRequest) -> tuple[list[Any], int]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(await session.scalars(query.limit(page.limit).offset(page.offset)))
    return rows, total or 0


class LocalQueue:
    """One waiting line per key inside this process, in front of a database row lock.

    Many concurrent requests for one event would otherwise all wait inside PostgreSQL for the same
    row lock, and every release would wake them all. Here they wait in the process instead, one at a
    time reaching the row lock, which still serializes them against every other process.
    """

    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    async def acquire(self, key: object) -> Callable[[], None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._forget(key)
            raise
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                lock.release()
                self._forget(key)

        return release

    def _forget(self, key: object) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)


_QUEUES: weakref.WeakKeyDictionary[Engine, LocalQueue] = weakref.WeakKeyDictionary()


async def _queue_for_row(session: AsyncSession, key: object) -> None:
    """Wait for ``key``'s turn in this process until the session's transaction ends.

    A connection is taken first, so a task never holds a turn while waiting for a pooled connection
    (with SQLite's single connection that would deadlock).
    """
    connection = await session.connection()
    queue = _QUEUES.setdefault(connection.sync_engine, LocalQueue())
    release = await queue.acquire(key)

    def on_end(_session: Any, transaction: Any) -> None:
        if transaction.parent is None:
            release()

    event.listen(session.sync_session, "after_transaction_end", on_end)


class SqlEventRepository:
    """Events in the ``events`` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: Event) -> Event:
        row = EventModel()
        _copy(row, event, _EVENT_FIELDS)
        self._session.add(row)
        await self._session.flush()
        return event_from_row(row)

    async def get(self, event_id: int) -> Event | None:
        row = await self._session.get(EventModel, event_id)
        return event_from_row(row) if row else None

    async def get_for_update(self, event_id: int) -> Event | None:
        await _queue_for_row(self._session, ("events", event_id))
        row = await self._session.scalar(
            select(EventModel)
            .where(EventModel.id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return event_from_row(row) if row else None

    async def update(self, event: Event) -> Event:
        row = await self._session.get_one(EventModel, event.id)
        _copy(row, event, _EVENT_FIELDS)
        await self._session.flush()
        return event_from_row(row)

    async def list(self, event_filter: EventFilter, page: PageRequest) -> Page[Event]:
        conditions: list[ColumnElement[bool]] = []
        if event_filter.statuses is not None:
            conditions.append(EventModel.status.in_([s.value for s in event_filter.statuses]))
        if event_filter.owner_id is not None:
            conditions.append(EventModel.owner_id == event_filter.owner_id)
        query = select(EventModel).where(*conditions).order_by(EventModel.starts_at, EventModel.id)
        rows, total = await _page(self._session, query, page)
        return Page(items=[event_from_row(row) for row in rows], total=total, request=page)


class SqlReservationRepository:
    """Reservations in the ``reservations`` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, reservations: list[Reservation]) -> list[Reservation]:
        if not reservations:
            return []
        rows = []
        for reservation in reservations:
            row = ReservationModel()
            _copy(row, reservation, _RESERVATION_FIELDS)
            rows.append(row)
        self._session.add_all(rows)
        try:
            await self._session.flush()
        except DBAPIError as error:
            translate_refusal(error, _RESERVATION_CONSTRAINTS)
            raise
        return [reservation_from_row(row) for row in rows]

    async def get(self, reservation_id: int) -> Reservation | None:
        row = await self._session.get(ReservationModel, reservation_id)
        return reservation_from_row(row) if row else None

    async def get_for_update(self, reservation_id: int) -> Reservation | None:
        row = await self._session.scalar(
            select(ReservationModel)
            .where(ReservationModel.id == reservation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return reservation_from_row(row) if row else None

    async def by_idempotency_key(
        self, event_id: int, keys: list[tuple[int, str]]
    ) -> dict[tuple[int, str], Reservation]:
        if not keys:
            return {}
        wanted = set(keys)
        rows = await self._session.scalars(
            select(ReservationModel).where(
                ReservationModel.event_id == event_id,
                ReservationModel.user_id.in_(sorted({user_id for user_id, _ in wanted})),
                ReservationModel.idempotency_key.in_(sorted({key for _, key in wanted})),
            )
        )
        found = (reservation_from_row(row) for row in rows)
        return {key: r for r in found if (key := (r.user_id, r.idempotency_key or "")) in wanted}

    async def live_holders(self, event_id: int, user_ids: list[int]) -> set[int]:
        if not user_ids:
            return set()
        found = await self._session.scalars(
            select(ReservationModel.user_id).where(
                ReservationModel.event_id == event_id,
                ReservationModel.user_id.in_(user_ids),
                ReservationModel.status.in_(_LIVE),
            )
        )
        return set(found)

    async def update(self, reservation: Reservation) -> Reservation:
        row = await self._session.get_one(ReservationModel, reservation.id)
        _copy(row, reservation, _RESERVATION_FIELDS)
        await self._session.flush()
        return reservation_from_row(row)

    async def tally(self, event_id: int) -> Tally:
        return (await self.tallies([event_id])).get(event_id, Tally())

    async def tallies(self, event_ids: list[int]) -> dict[int, Tally]:
        if not event_ids:
            return {}
        rows = await self._session.execute(
            select(
                ReservationModel.event_id,
                ReservationModel.status,
                func.count(),
                func.count(ReservationModel.checked_in_at),
            )
            .where(ReservationModel.event_id.in_(event_ids), ReservationModel.status.in_(_LIVE))
            .group_by(ReservationModel.event_id, ReservationModel.status)
        )
        counts: dict[int, dict[str, int]] = {}
        for event_id, status, count, checked_in in rows:
            entry = counts.setdefault(event_id, {"checked_in": 0})
            entry[status] = count
            entry["checked_in"] += checked_in
        return {
            event_id: Tally(
                confirmed=entry.get("confirmed", 0),
                pending=entry.get("pending", 0),
                waitlisted=entry.get("waitlisted", 0),
                checked_in=entry["checked_in"],
            )
            for event_id, entry in counts.items()
        }

    async def waitlist_head(self, event_id: int, count: int) -> list[Reservation]:
        rows = await self._session.scalars(
            select(ReservationModel)
            .where(ReservationModel.event_id == event_id, ReservationModel.status == ReservationStatus.WAITLISTED)
            .order_by(ReservationModel.position)
            .limit(count)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return [reservation_from_row(row) for row in rows]

    async def shift_waitlist(self, event_id: int, *, after_position: int, by: int) -> None:
        await self._session.execute(
            update(ReservationModel)
            .where(
                ReservationModel.event_id == event_id,
                ReservationModel.status == ReservationStatus.WAITLISTED,
                ReservationModel.position > after_position,
            )
            .values(position=ReservationModel.position - by)
            .execution_options(synchronize_session=False)
        )

    async def cancel_live(self, event_id: int, now: datetime) -> list[Reservation]:
        rows = list(
            await self._session.scalars(
                select(ReservationModel)
                .where(ReservationModel.event_id == event_id, ReservationModel.status.in_(_LIVE))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
        for row in rows:
            row.status, row.position, row.cancelled_at = ReservationStatus.CANCELLED.value, None, now
        await self._session.flush()
        return [reservation_from_row(row) for row in rows]

    async def list_for_event(
        self, event_id: int, status: ReservationStatus | None, page: PageRequest
    ) -> Page[Reservation]:
        query = select(ReservationModel).where(ReservationModel.event_id == event_id)
        if status is not None:
            query = query.where(ReservationModel.status == status.value)
        rows, total = await _page(self._session, query.order_by(ReservationModel.id), page)
        return Page(items=[reservation_from_row(row) for row in rows], total=total, request=page)

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Reservation]:
        query = select(ReservationModel).where(ReservationModel.user_id == user_id)
        rows, total = await _page(self._session, query.order_by(ReservationModel.id.desc()), page)
        return Page(items=[reservation_from_row(row) for row in rows], total=total, request=page)
