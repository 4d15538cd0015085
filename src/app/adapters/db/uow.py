"""The SQL unit of work: one session, one transaction, every repository bound to it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.adapters.db.repositories.accounts import SqlRefreshTokenRepository, SqlUserRepository
from app.adapters.db.repositories.chat import SqlChatRepository
from app.adapters.db.repositories.event_directory import SqlEventDirectoryRepository
from app.adapters.db.repositories.expeditions import SqlExpeditionRepository
from app.adapters.db.repositories.organizations import SqlOrganizationRepository
from app.adapters.db.repositories.ticketing import SqlEventRepository, SqlReservationRepository


class SqlUnitOfWork:
    """Rolls back unless ``commit()`` was called; the session is closed on exit."""

    users: SqlUserRepository
    refresh_tokens: SqlRefreshTokenRepository
    expeditions: SqlExpeditionRepository
    events: SqlEventRepository
    reservations: SqlReservationRepository
    organizations: SqlOrganizationRepository
    chats: SqlChatRepository
    event_directory: SqlEventDirectoryRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = session = self._sessions()
        self.users = SqlUserRepository(session)
        self.refresh_tokens = SqlRefreshTokenRepository(session)
        self.expeditions = SqlExpeditionRepository(session)
        self.events = SqlEventRepository(session)
        self.reservations = SqlReservationRepository(session)
        self.organizations = SqlOrganizationRepository(session)
        self.chats = SqlChatRepository(session)
        self.event_directory = SqlEventDirectoryRepository(session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    """Makes a fresh ``SqlUnitOfWork`` per use case call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)
