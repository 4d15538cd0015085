"""SQL storage of events. Every reservation change of an event runs under that event's row lock
(``get_for_update``), reached through the process's queue for that row."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.models.ticketing import EventModel
from app.adapters.db.paging import window
from app.adapters.db.repositories.ticketing.row_queue import queue_for_row
from app.adapters.db.repositories.ticketing.rows import EVENT_FIELDS, copy_fields, event_from_row
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.model import Event, EventFilter


class SqlEventRepository:
    """Events in the ``events`` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: Event) -> Event:
        row = EventModel()
        copy_fields(row, event, EVENT_FIELDS)
        self._session.add(row)
        await self._session.flush()
        return event_from_row(row)

    async def get(self, event_id: int) -> Event | None:
        row = await self._session.get(EventModel, event_id)
        return event_from_row(row) if row else None

    async def get_for_update(self, event_id: int) -> Event | None:
        await queue_for_row(self._session, ("events", event_id))
        row = await self._session.scalar(
            select(EventModel)
            .where(EventModel.id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return event_from_row(row) if row else None

    async def update(self, event: Event) -> Event:
        row = await self._session.get_one(EventModel, event.id)
        copy_fields(row, event, EVENT_FIELDS)
        await self._session.flush()
        return event_from_row(row)

    async def list(self, event_filter: EventFilter, page: PageRequest) -> Page[Event]:
        conditions: list[ColumnElement[bool]] = []
        if event_filter.statuses is not None:
            conditions.append(EventModel.status.in_([s.value for s in event_filter.statuses]))
        if event_filter.owner_id is not None:
            conditions.append(EventModel.owner_id == event_filter.owner_id)
        query = select(EventModel).where(*conditions).order_by(EventModel.starts_at, EventModel.id)
        rows, counted = await window(self._session, query, page)
        return Page.counted([event_from_row(row) for (row,) in rows], counted, page)
