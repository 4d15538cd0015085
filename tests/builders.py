"""Builders of services wired to fakes, so domain changes touch one file."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.accounts.admin.service import UserAdminService
from app.core.accounts.model import User
from app.core.accounts.policy import AccountPolicy
from app.core.accounts.service import AccountsService
from app.core.chat.service import ChatService
from app.core.event_directory.service import EventDirectoryService
from app.core.expeditions.service import ExpeditionService
from app.core.limits import Action, Budget, Limit, RequestLimits
from app.core.organizations.service import OrganizationsService
from app.core.shared.principal import Principal, Role
from app.core.ticketing.services import TicketingServices, ticketing_services
from app.ports.mailer import Mailer
from tests.fakes import (
    FakePasswordHasher,
    FakePresenceTracker,
    FakeRateLimiter,
    FakeTicketSigner,
    FakeTokenSigner,
    FakeUnitOfWorkFactory,
    FixedClock,
    InMemoryJobQueue,
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


def request_limits(world: World, **budgets: Budget) -> RequestLimits:
    """Limits on the world's limiter: ten failed logins per address and per e-mail, unless given."""
    login = Limit(10, 60)
    return RequestLimits(world.limiter, {Action.LOGIN_FAILURE: Budget(address=login, account=login), **budgets})


def an_accounts_service(world: World, *, limits: RequestLimits | None = None, **policy: object) -> AccountsService:
    return AccountsService(
        uow=world.uow,
        hasher=FakePasswordHasher(),
        signer=world.signer,
        mailer=world.mailer,
        clock=world.clock,
        limits=limits or request_limits(world),
        cache=world.cache,
        policy=AccountPolicy(**policy),  # type: ignore[arg-type]
    )


def a_user_admin_service(world: World) -> UserAdminService:
    return UserAdminService(uow=world.uow, hasher=FakePasswordHasher(), clock=world.clock, cache=world.cache)


def an_expedition_service(world: World) -> ExpeditionService:
    return ExpeditionService(uow=world.uow, notifier=world.notifier, clock=world.clock)


def a_user(world: World, name: str, *, chief: bool = False, admin: bool = False, active: bool = True) -> Principal:
    """Store a user straight in the fake database and return them as a caller."""
    roles = {Role.MEMBER}
    if chief:
        roles.add(Role.CHIEF)
    if admin:
        roles.add(Role.ADMIN)
    user_id = next(world.uow.store.ids)
    world.uow.store.users[user_id] = User(
        id=user_id,
        email=f"{name}@example.com",
        name=name,
        username=name,
        password_hash="x",
        roles=frozenset(roles),
        is_active=active,
        created_at=world.clock.now(),
    )
    return Principal(user_id=user_id, roles=frozenset(roles))


def a_ticketing_service(world: World, *, mailer: Mailer | None = None) -> TicketingServices:
    return ticketing_services(
        uow=world.uow,
        notifier=world.notifier,
        mailer=mailer or world.mailer,
        clock=world.clock,
        signer=FakeTicketSigner(),
        renderer=RecordingTicketRenderer(),
    )


def an_organizations_service(world: World, jobs: InMemoryJobQueue | None = None) -> OrganizationsService:
    return OrganizationsService(uow=world.uow, clock=world.clock, jobs=jobs)


def a_chat_service(
    world: World, presence: FakePresenceTracker | None = None, *, presence_interval_s: float = 0.0
) -> ChatService:
    return ChatService(
        uow=world.uow,
        notifier=world.notifier,
        clock=world.clock,
        hasher=FakePasswordHasher(),
        presence=presence or FakePresenceTracker(),
        presence_interval_s=presence_interval_s,
    )


def an_event_directory_service(
    world: World, jobs: InMemoryJobQueue | None = None, *, create_delay_s: float = 60.0
) -> EventDirectoryService:
    return EventDirectoryService(
        uow=world.uow, events=a_ticketing_service(world).events, jobs=jobs, create_delay_s=create_delay_s
    )
