"""SQL storage of an event's spots as a whole: counts by status, the waiting list, cancelling every
live reservation. Called under the event's row lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.models.ticketing import ReservationModel
from app.adapters.db.repositories.ticketing.rows import LIVE, reservation_from_row
from app.core.ticketing.reservations import Reservation, ReservationStatus, Tally


class SqlSpotRepository:
    """Event-wide reads and writes of the ``reservations`` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
            .where(ReservationModel.event_id.in_(event_ids), ReservationModel.status.in_(LIVE))
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
                .where(ReservationModel.event_id == event_id, ReservationModel.status.in_(LIVE))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
        for row in rows:
            row.status, row.position, row.cancelled_at = ReservationStatus.CANCELLED.value, None, now
        await self._session.flush()
        return [reservation_from_row(row) for row in rows]
