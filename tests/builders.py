"""Builders of services wired to fakes, so domain changes touch one file."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.accounts.model import User
from app.core.accounts.service import AccountPolicy, AccountsService
from app.core.chat.service import ChatService
from app.core.shared.principal import Principal, Role
from tests.fakes import (
    FakePasswordHasher,
    FakePresenceTracker,
    FakeRateLimiter,
    FakeTokenSigner,
    FakeUnitOfWorkFactory,
    FixedClock,
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


def a_chat_service(world: World, presence: FakePresenceTracker | None = None) -> ChatService:
    return ChatService(
        uow=world.uow,
        notifier=world.notifier,
        clock=world.clock,
        hasher=FakePasswordHasher(),
        presence=presence or FakePresenceTracker(),
    )


def a_user(world: World, name: str, *, active: bool = True) -> Principal:
    """Put a user straight into the fake store; returns them as a caller."""
    user_id = next(world.uow.store.ids)
    world.uow.store.users[user_id] = User(
        id=user_id,
        email=f"{name}@example.com",
        name=name.title(),
        username=name,
        phone=None,
        password_hash="fake$x",
        roles=frozenset({Role.MEMBER}),
        is_active=active,
        created_at=world.clock.now(),
    )
    return Principal(user_id=user_id, roles=frozenset({Role.MEMBER}))
