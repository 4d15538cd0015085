"""Membership rules hold under real concurrency on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.adapters.system_clock import SystemClock
from app.core.accounts.model import User
from app.core.organizations.errors import AlreadyMemberError, NotOrganizationMemberError
from app.core.organizations.model import NewOrganization
from app.core.organizations.service import OrganizationsService
from app.core.shared.principal import Principal, Role
from tests.conftest import truncate_all

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
async def service(postgres_url: str) -> AsyncIterator[tuple[OrganizationsService, SqlUnitOfWorkFactory]]:
    await truncate_all(postgres_url)
    engine = create_engine(postgres_url, pool_size=30)
    uow = SqlUnitOfWorkFactory(create_session_factory(engine))
    yield OrganizationsService(uow=uow, clock=SystemClock()), uow
    await engine.dispose()


async def people(uow: SqlUnitOfWorkFactory, count: int) -> list[Principal]:
    async with uow() as unit:
        users = [
            await unit.users.add(
                User(email=f"p{i}@example.com", name=f"p{i}", password_hash="h", created_at=datetime.now(UTC))
            )
            for i in range(count)
        ]
        await unit.commit()
    return [Principal(user_id=u.id, roles=frozenset({Role.MEMBER})) for u in users]


async def test_two_members_removing_each_other_at_once_leave_one_member(
    service: tuple[OrganizationsService, SqlUnitOfWorkFactory],
) -> None:
    organizations, uow = service
    crowd = await people(uow, 20)
    pairs = [(crowd[i], crowd[i + 1]) for i in range(0, len(crowd), 2)]
    clubs = [
        (await organizations.create(actor=a, draft=NewOrganization(title="Pair", member_ids=[b.user_id]))).organization
        for a, b in pairs
    ]

    # in each of ten two-member organizations, both members remove the other at the same instant
    outcomes = await asyncio.gather(
        *(
            organizations.remove_member(actor=actor, organization_id=club.id, user_id=other.user_id)
            for club, (a, b) in zip(clubs, pairs, strict=True)
            for actor, other in ((a, b), (b, a))
        ),
        return_exceptions=True,
    )

    assert sum(outcome is None for outcome in outcomes) == len(clubs)
    assert all(isinstance(o, NotOrganizationMemberError) for o in outcomes if o is not None)
    for club in clubs:
        left = (await organizations.get(actor=crowd[0], organization_id=club.id)).organization.member_ids
        assert len(left) == 1


async def test_adding_the_same_user_concurrently_succeeds_once(
    service: tuple[OrganizationsService, SqlUnitOfWorkFactory],
) -> None:
    organizations, uow = service
    owner, newcomer = await people(uow, 2)
    organization = (await organizations.create(actor=owner, draft=NewOrganization(title="Club"))).organization

    outcomes = await asyncio.gather(
        *(
            organizations.add_member(actor=owner, organization_id=organization.id, user_id=newcomer.user_id)
            for _ in range(20)
        ),
        return_exceptions=True,
    )

    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(isinstance(o, AlreadyMemberError) for o in outcomes if isinstance(o, BaseException))
    card = await organizations.get(actor=owner, organization_id=organization.id)
    assert card.organization.member_ids == {owner.user_id, newcomer.user_id}
