"""Fake of the event directory repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.core.event_directory.listing import EventOrdering, EventQuery
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.model import Event, EventStatus
from tests.fakes.store import Store


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
