"""The unit of work: one transaction, with every repository bound to it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from app.ports.accounts import RefreshTokenRepository, UserRepository
from app.ports.chat import ChatChangeLog, ChatRepository
from app.ports.event_directory import EventDirectoryRepository
from app.ports.expeditions import ExpeditionRepository
from app.ports.organizations import OrganizationRepository
from app.ports.ticketing import EventRepository, ReservationRepository


class UnitOfWork(Protocol):
    """A transaction. Leaving the block without ``commit()`` rolls everything back."""

    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    expeditions: ExpeditionRepository
    events: EventRepository
    reservations: ReservationRepository
    organizations: OrganizationRepository
    chats: ChatRepository
    chat_changes: ChatChangeLog
    event_directory: EventDirectoryRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
