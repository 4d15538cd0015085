"""Storage of expeditions and their members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.core.expeditions.model import Expedition
from app.core.shared.paging import Page, PageRequest
from app.ports.uow import Transaction
from app.ports.users import UserDirectory


class ExpeditionRepository(Protocol):
    """Expeditions with their memberships. Methods that take locks say so in their name."""

    async def add(self, expedition: Expedition) -> Expedition:
        """Store a new expedition; returns it with its id."""
        ...

    async def get(self, expedition_id: int) -> Expedition | None: ...

    async def get_for_update(self, expedition_id: int) -> Expedition | None:
        """Load an expedition and lock it until the unit of work ends (serializes its changes)."""
        ...

    async def save(self, expedition: Expedition) -> None:
        """Write back the status and memberships of an expedition loaded in this unit of work.

        Raises ``AlreadyInvitedError`` when a new membership duplicates one stored meanwhile.
        """
        ...

    async def lock_busy_member_ids(self, expedition_id: int) -> set[int]:
        """Lock the confirmed members of the expedition (in id order) until the unit of work ends, then
        return those confirmed in another active expedition. Two activations sharing a member
        therefore run one after the other, and the second sees the first."""
        ...

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Expedition]:
        """Expeditions the user leads or is invited to or confirmed in, newest first."""
        ...

    async def ids_for_user(self, user_id: int) -> list[int]:
        """Ids of every expedition the user leads or is invited to or confirmed in."""
        ...


class ExpeditionsUnitOfWork(Transaction, Protocol):
    """What the expedition use cases see in one transaction."""

    @property
    def expeditions(self) -> ExpeditionRepository: ...

    @property
    def people(self) -> UserDirectory: ...


ExpeditionsUnitOfWorkFactory = Callable[[], ExpeditionsUnitOfWork]
