"""Builders of services wired to fakes, so domain changes touch one file."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.accounts.service import AccountPolicy, AccountsService
from app.core.organizations.service import OrganizationsService
from tests.fakes import (
    FakePasswordHasher,
    FakeRateLimiter,
    FakeTokenSigner,
    FakeUnitOfWorkFactory,
    FixedClock,
    InMemoryJobQueue,
    InMemoryUserCache,
    RecordingMailer,
    RecordingNotifier,
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


def an_organizations_service(world: World, jobs: InMemoryJobQueue | None = None) -> OrganizationsService:
    return OrganizationsService(uow=world.uow, clock=world.clock, jobs=jobs)
