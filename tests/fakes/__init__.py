"""Hand-written fakes of the ports, one module per context: in memory, recording what happened.

Tests import them from here (``from tests.fakes import ...``)."""

from tests.fakes.accounts import (
    FakePasswordHasher,
    FakeTokenSigner,
    InMemoryRefreshTokenRepository,
    InMemoryUserCache,
    InMemoryUserDirectory,
    InMemoryUserRepository,
)
from tests.fakes.chat import (
    FakePresenceTracker,
    InMemoryChatChangeLog,
    InMemoryChatListing,
    InMemoryChatRepository,
    InMemoryMessageRepository,
    InMemoryReadStateRepository,
)
from tests.fakes.event_directory import InMemoryEventDirectoryRepository
from tests.fakes.expeditions import InMemoryExpeditionRepository
from tests.fakes.images import FakeImageInspector, InMemoryFileStorage
from tests.fakes.jobs import InMemoryJobQueue
from tests.fakes.organizations import InMemoryOrganizationRepository
from tests.fakes.shared import FailingMailer, FakeRateLimiter, FixedClock, RecordingMailer, RecordingNotifier
from tests.fakes.store import Store
from tests.fakes.ticketing import (
    FakeTicketSigner,
    InMemoryEventRepository,
    InMemoryReservationRepository,
    InMemorySpotRepository,
    RecordingTicketRenderer,
)
from tests.fakes.uow import FakeUnitOfWork, FakeUnitOfWorkFactory

__all__ = [
    "FailingMailer",
    "FakeImageInspector",
    "FakePasswordHasher",
    "FakePresenceTracker",
    "FakeRateLimiter",
    "FakeTicketSigner",
    "FakeTokenSigner",
    "FakeUnitOfWork",
    "FakeUnitOfWorkFactory",
    "FixedClock",
    "InMemoryChatChangeLog",
    "InMemoryChatListing",
    "InMemoryChatRepository",
    "InMemoryEventDirectoryRepository",
    "InMemoryEventRepository",
    "InMemoryExpeditionRepository",
    "InMemoryFileStorage",
    "InMemoryJobQueue",
    "InMemoryMessageRepository",
    "InMemoryOrganizationRepository",
    "InMemoryReadStateRepository",
    "InMemoryRefreshTokenRepository",
    "InMemoryReservationRepository",
    "InMemorySpotRepository",
    "InMemoryUserCache",
    "InMemoryUserDirectory",
    "InMemoryUserRepository",
    "RecordingMailer",
    "RecordingNotifier",
    "RecordingTicketRenderer",
    "Store",
]
