"""The SQL unit of work: one session, one transaction, every repository bound to it. It implements
every context's unit-of-work protocol (``AccountsUnitOfWork``, ``TicketingUnitOfWork``...)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.adapters.db.repositories.accounts import SqlRefreshTokenRepository, SqlUserDirectory, SqlUserRepository
from app.adapters.db.repositories.chat import SqlChatListing, SqlChatRepository
from app.adapters.db.repositories.chat_changes import SqlChatChangeLog
from app.adapters.db.repositories.event_directory import SqlEventDirectoryRepository
from app.adapters.db.repositories.expeditions import SqlExpeditionRepository
from app.adapters.db.repositories.messages import SqlMessageRepository, SqlReadStateRepository
from app.adapters.db.repositories.organizations import SqlOrganizationRepository
from app.adapters.db.repositories.ticketing import SqlEventRepository, SqlReservationRepository, SqlSpotRepository
from app.ports.accounts import RefreshTokenRepository, UserRepository
from app.ports.chat import ChatChangeLog, ChatListing, ChatRepository, MessageRepository, ReadStateRepository
from app.ports.event_directory import EventDirectoryRepository
from app.ports.expeditions import ExpeditionRepository
from app.ports.organizations import OrganizationRepository
from app.ports.ticketing import EventRepository, ReservationRepository, SpotRepository
from app.ports.users import UserDirectory


class SqlUnitOfWork:
    """Rolls back unless ``commit()`` was called; the session is closed on exit."""

    # Typed as the ports: the unit of work promises the port protocols, nothing more.
    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    expeditions: ExpeditionRepository
    events: EventRepository
    reservations: ReservationRepository
    spots: SpotRepository
    organizations: OrganizationRepository
    chats: ChatRepository
    chat_lists: ChatListing
    messages: MessageRepository
    read_state: ReadStateRepository
    chat_changes: ChatChangeLog
    event_directory: EventDirectoryRepository
    people: UserDirectory

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = session = self._sessions()
        self.users = SqlUserRepository(session)
        self.refresh_tokens = SqlRefreshTokenRepository(session)
        self.expeditions = SqlExpeditionRepository(session)
        self.events = SqlEventRepository(session)
        self.reservations = SqlReservationRepository(session)
        self.spots = SqlSpotRepository(session)
        self.organizations = SqlOrganizationRepository(session)
        self.chats = SqlChatRepository(session)
        self.chat_lists = SqlChatListing(session)
        self.messages = SqlMessageRepository(session)
        self.read_state = SqlReadStateRepository(session)
        self._locked_chats: set[int] = set()  # the chats whose row lock the transaction holds
        self.chat_changes = SqlChatChangeLog(session, self._locked_chats)
        self.event_directory = SqlEventDirectoryRepository(session)
        self.people = SqlUserDirectory(session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session = self.session
        if session.in_transaction() or session.identity_map or session.new:
            await session.close()
        # else it never began a transaction nor held an object (a unit of work that read nothing):
        # closing would only cost a trip through SQLAlchemy's greenlet.

    async def commit(self) -> None:
        self._locked_chats.clear()  # the transaction ends, and its locks with it
        await self.session.commit()

    async def rollback(self) -> None:
        self._locked_chats.clear()
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    """Makes a fresh ``SqlUnitOfWork`` per use case call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)
