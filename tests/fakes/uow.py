"""The fake unit of work: a copy of the store per transaction, with every fake repository bound to it."""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Self

from tests.fakes.accounts import InMemoryRefreshTokenRepository, InMemoryUserDirectory, InMemoryUserRepository
from tests.fakes.chat import (
    InMemoryChatChangeLog,
    InMemoryChatListing,
    InMemoryChatRepository,
    InMemoryMessageRepository,
    InMemoryReadStateRepository,
)
from tests.fakes.event_directory import InMemoryEventDirectoryRepository
from tests.fakes.expeditions import InMemoryExpeditionRepository
from tests.fakes.organizations import InMemoryOrganizationRepository
from tests.fakes.store import Store
from tests.fakes.ticketing import InMemoryEventRepository, InMemoryReservationRepository, InMemorySpotRepository


class FakeUnitOfWork:
    """Works on a copy of the store; ``commit`` makes the copy the store, leaving without it discards it."""

    def __init__(self, store: Store) -> None:
        self._committed_store = store
        self.committed = False

    async def __aenter__(self) -> Self:
        self._working = copy.deepcopy(self._committed_store)
        self._working.ids = self._committed_store.ids
        self.users = InMemoryUserRepository(self._working)
        self.people = InMemoryUserDirectory(self._working)
        self.refresh_tokens = InMemoryRefreshTokenRepository(self._working)
        self.chats = InMemoryChatRepository(self._working)
        self.chat_lists = InMemoryChatListing(self._working)
        self.messages = InMemoryMessageRepository(self._working)
        self.read_state = InMemoryReadStateRepository(self._working)
        self.chat_changes = InMemoryChatChangeLog(self._working)
        self.expeditions = InMemoryExpeditionRepository(self._working)
        self.events = InMemoryEventRepository(self._working)
        self.reservations = InMemoryReservationRepository(self._working)
        self.spots = InMemorySpotRepository(self._working)
        self.organizations = InMemoryOrganizationRepository(self._working)
        self.event_directory = InMemoryEventDirectoryRepository(self._working)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        self._committed_store.__dict__.update(self._working.__dict__)
        self.committed = True

    async def rollback(self) -> None:
        self._working = copy.deepcopy(self._committed_store)


class FakeUnitOfWorkFactory:
    def __init__(self) -> None:
        self.store = Store()
        self.units: list[FakeUnitOfWork] = []

    def __call__(self) -> FakeUnitOfWork:
        unit = FakeUnitOfWork(self.store)
        self.units.append(unit)
        return unit

    @property
    def commits(self) -> int:
        return sum(unit.committed for unit in self.units)
