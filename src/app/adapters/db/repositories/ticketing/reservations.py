"""SQL storage of single reservations; the partial unique index keeps one live reservation per user
and event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.errors import translate_refusal
from app.adapters.db.models.ticketing import ReservationModel
from app.adapters.db.paging import window
from app.adapters.db.repositories.ticketing.rows import (
    LIVE,
    RESERVATION_CONSTRAINTS,
    RESERVATION_FIELDS,
    copy_fields,
    reservation_from_row,
)
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.reservations import Reservation, ReservationStatus


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
            copy_fields(row, reservation, RESERVATION_FIELDS)
            rows.append(row)
        self._session.add_all(rows)
        try:
            await self._session.flush()
        except DBAPIError as error:
            translate_refusal(error, RESERVATION_CONSTRAINTS)
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
                ReservationModel.status.in_(LIVE),
            )
        )
        return set(found)

    async def update(self, reservation: Reservation) -> Reservation:
        row = await self._session.get_one(ReservationModel, reservation.id)
        copy_fields(row, reservation, RESERVATION_FIELDS)
        await self._session.flush()
        return reservation_from_row(row)

    async def list_for_event(
        self, event_id: int, status: ReservationStatus | None, page: PageRequest
    ) -> Page[Reservation]:
        query = select(ReservationModel).where(ReservationModel.event_id == event_id)
        if status is not None:
            query = query.where(ReservationModel.status == status.value)
        rows, counted = await window(self._session, query.order_by(ReservationModel.id), page)
        return Page.counted([reservation_from_row(row) for (row,) in rows], counted, page)

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Reservation]:
        query = select(ReservationModel).where(ReservationModel.user_id == user_id)
        rows, counted = await window(self._session, query.order_by(ReservationModel.id.desc()), page)
        return Page.counted([reservation_from_row(row) for (row,) in rows], counted, page)
