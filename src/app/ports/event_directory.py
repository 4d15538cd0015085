"""Storage of the event directory: the published-event list and an event's organizations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from app.core.event_directory.listing import EventQuery
from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.model import Event
from app.ports.organizations import OrganizationCards
from app.ports.ticketing import EventRepository
from app.ports.uow import Transaction


class EventDirectoryRepository(Protocol):
    """Published events by query, and which organizations organize an event."""

    async def list_published(self, query: EventQuery, page: PageRequest) -> Page[Event]:
        """A page of published events matching ``query``, in its order (ties by id, same direction)."""
        ...

    async def organization_ids(self, event_id: int) -> list[int]:
        """The event's organizations, by id."""
        ...

    async def set_organizations(self, event_id: int, organization_ids: Sequence[int]) -> None:
        """Make exactly these organizations the event's organizers."""
        ...

    async def known_organization_ids(self, organization_ids: Sequence[int]) -> set[int]:
        """Which of these ids name an existing organization."""
        ...

    async def event_id_for_creation_key(self, creation_key: str) -> int | None:
        """The event a deferred creation with this key already made, if any (keys are unique)."""
        ...


class EventDirectoryUnitOfWork(Transaction, Protocol):
    """What the event directory's use cases see in one transaction."""

    @property
    def events(self) -> EventRepository: ...

    @property
    def event_directory(self) -> EventDirectoryRepository: ...

    @property
    def organizations(self) -> OrganizationCards: ...


EventDirectoryUnitOfWorkFactory = Callable[[], EventDirectoryUnitOfWork]
