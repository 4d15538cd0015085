"""Builders of services wired to fakes, so domain changes touch one file."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.accounts.service import AccountPolicy, AccountsService
from app.core.ticketing.service import TicketingService
from app.ports.mailer import Mailer
from tests.fakes import (
    FakePasswordHasher,
    FakeRateLimiter,
    FakeTicketSigner,
    FakeTokenSigner,
    FakeUnitOfWorkFactory,
    FixedClock,
    InMemoryUserCache,
    RecordingMailer,
    RecordingNotifier,
    RecordingTicketRenderer,
)


@dataclass
class World:
    """Every fake a service may use, shared by the services built on it."""

    uow: FakeUnitOfWorkFactory
    clock: FixedClock
    mailer: RecordingMailer
    notifier: RecordingNotifier
    signer: FakeTokenSigner
    limiter: FakeRateLimiter
    cache: InMemoryUserCache


def a_world() -> World:
    clock = FixedClock()
    return World(
        uow=FakeUnitOfWorkFactory(),
        clock=clock,
        mailer=RecordingMailer(),
        notifier=RecordingNotifier(),
        signer=FakeTokenSigner(clock),
        limiter=FakeRateLimiter(),
        cache=InMemoryUserCache(),
    )


def an_accounts_service(world: World, **policy: object) -> AccountsService:
    return AccountsService(
        uow=world.uow,
        hasher=FakePasswordHasher(),
        signer=world.signer,
        mailer=world.mailer,
        clock=world.clock,
        rate_limiter=world.limiter,
        cache=world.cache,
        policy=AccountPolicy(**policy),  # type: ignore[arg-type]
    )


def a_ticketing_service(world: World, *, mailer: Mailer | None = None) -> TicketingService:
    return TicketingService(
        uow=world.uow,
        notifier=world.notifier,
        mailer=mailer or world.mailer,
        clock=world.clock,
        signer=FakeTicketSigner(),
        renderer=RecordingTicketRenderer(),
    )
