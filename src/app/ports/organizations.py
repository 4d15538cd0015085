"""Storage of organizations and their members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.core.organizations.model import Organization, OrganizationCard
from app.core.shared.paging import Page, PageRequest
from app.ports.uow import Transaction
from app.ports.users import UserDirectory


class OrganizationCards(Protocol):
    """What other contexts read about organizations: their cards."""

    async def cards(self, organization_ids: list[int]) -> list[OrganizationCard]:
        """Organizations with their ACTIVE members, in the order given, in a fixed number of queries
        whatever the number of organizations and members (missing ids are left out)."""
        ...


class OrganizationRepository(OrganizationCards, Protocol):
    """Organizations with their member ids. ``add_member`` raises ``AlreadyMemberError`` on a duplicate."""

    async def add(self, organization: Organization) -> Organization: ...

    async def get(self, organization_id: int) -> Organization | None: ...

    async def get_for_update(self, organization_id: int) -> Organization | None:
        """Load an organization and lock its row until the unit of work ends."""
        ...

    async def add_member(self, organization_id: int, user_id: int) -> None: ...

    async def remove_member(self, organization_id: int, user_id: int) -> bool:
        """Remove a membership; False when there was none."""
        ...

    async def list_cards(self, *, search: str | None, page: PageRequest) -> Page[OrganizationCard]:
        """A page of organizations (by id), ``search`` matching the title case-insensitively."""
        ...


class OrganizationsUnitOfWork(Transaction, Protocol):
    """What the organization use cases see in one transaction."""

    @property
    def organizations(self) -> OrganizationRepository: ...

    @property
    def people(self) -> UserDirectory: ...


OrganizationsUnitOfWorkFactory = Callable[[], OrganizationsUnitOfWork]
