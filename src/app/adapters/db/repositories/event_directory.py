"""SQL storage of the event directory: the published-event list (filters on indexed columns, ordered
by ``(starts_at, id)`` so a page reads the ``(status, starts_at, id)`` index in order) and the
``event_organizations`` links."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.models.event_directory import EventOrganizationModel
from app.adapters.db.models.organizations import OrganizationModel
from app.adapters.db.models.ticketing import EventModel
from app.adapters.db.paging import window
from app.adapters.db.repositories.ticketing import EVENT_COLUMNS, event_from_columns
from app.core.event_directory.listing import EventOrdering, EventQuery
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.model import Event, EventStatus


def _conditions(query: EventQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [EventModel.status == EventStatus.PUBLISHED.value]
    if query.search_key:
        conditions.append(EventModel.title_folded.contains(query.search_key, autoescape=True))
    if query.starts_from is not None:
        conditions.append(EventModel.starts_at >= query.starts_from)
    if query.starts_before is not None:
        conditions.append(EventModel.starts_at < query.starts_before)
    if query.organization_id is not None:
        conditions.append(
            EventModel.id.in_(
                select(EventOrganizationModel.event_id).where(
                    EventOrganizationModel.organization_id == query.organization_id
                )
            )
        )
    return conditions


class SqlEventDirectoryRepository:
    """Reads ``events`` for the public list; keeps ``event_organizations`` (unique per pair)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_published(self, query: EventQuery, page: PageRequest) -> Page[Event]:
        """One statement: the columns of the page's events and their capped count, no ORM objects."""
        if query.ordering is EventOrdering.LATEST:
            order = (EventModel.starts_at.desc(), EventModel.id.desc())
        else:
            order = (EventModel.starts_at.asc(), EventModel.id.asc())
        statement = select(*EVENT_COLUMNS).where(*_conditions(query)).order_by(*order)
        rows, counted = await window(self._session, statement, page)
        return Page.counted([event_from_columns(row) for row in rows], counted, page)

    async def organization_ids(self, event_id: int) -> list[int]:
        ids = await self._session.scalars(
            select(EventOrganizationModel.organization_id)
            .where(EventOrganizationModel.event_id == event_id)
            .order_by(EventOrganizationModel.organization_id)
        )
        return list(ids)

    async def set_organizations(self, event_id: int, organization_ids: Sequence[int]) -> None:
        wanted = set(organization_ids)
        current = set(await self.organization_ids(event_id))
        if current - wanted:
            await self._session.execute(
                delete(EventOrganizationModel).where(
                    EventOrganizationModel.event_id == event_id,
                    EventOrganizationModel.organization_id.in_(sorted(current - wanted)),
                )
            )
        self._session.add_all(
            EventOrganizationModel(event_id=event_id, organization_id=organization_id)
            for organization_id in sorted(wanted - current)
        )
        await self._session.flush()

    async def known_organization_ids(self, organization_ids: Sequence[int]) -> set[int]:
        if not organization_ids:
            return set()
        found = await self._session.scalars(
            select(OrganizationModel.id).where(OrganizationModel.id.in_(sorted(set(organization_ids))))
        )
        return set(found)

    async def event_id_for_creation_key(self, creation_key: str) -> int | None:
        return await self._session.scalar(select(EventModel.id).where(EventModel.creation_key == creation_key))
