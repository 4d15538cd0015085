"""An event's detail with its organizations and their members takes the same number of SQL statements
for one organization with one member as for many organizations with many members."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from app.adapters.db.engine import create_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.bootstrap import Services, build_services
from app.core.accounts.model import User
from app.core.organizations.model import Organization
from app.core.shared.principal import Principal, Role
from app.core.ticketing.model import Event
from tests.conftest import settings_for
from tests.integration.db.test_organization_query_count import counting_statements

STARTS_AT = datetime(2099, 5, 1, 18, tzinfo=UTC)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    built = build_services(settings_for(database_url))
    yield built
    for close in built.closers:
        close()
    await built.aclose()


async def seed_event(services: Services, *, organizations: int, members: int, tag: str) -> tuple[int, Principal]:
    """An event organized by ``organizations`` organizations of ``members`` members each (one inactive)."""
    uow = SqlUnitOfWorkFactory(create_session_factory(services.engine))
    now = datetime.now(UTC)
    async with uow() as unit:
        owner = await unit.users.add(
            User(email=f"{tag}-owner@example.com", name="Owner", password_hash="h", created_at=now)
        )
        organization_ids = []
        for n in range(organizations):
            people = [
                await unit.users.add(
                    User(
                        email=f"{tag}{n}-{i}@example.com",
                        name=f"{tag}{n}-{i}",
                        password_hash="h",
                        is_active=i > 0 or members == 1,
                        created_at=now,
                    )
                )
                for i in range(members)
            ]
            added = await unit.organizations.add(
                Organization(title=f"{tag} {n}", member_ids=frozenset(p.id for p in people))
            )
            organization_ids.append(added.id)
        event = await unit.events.add(Event(owner_id=owner.id, title=tag, starts_at=STARTS_AT, capacity=5))
        await unit.event_directory.set_organizations(event.id, organization_ids)
        await unit.commit()
    return event.id, Principal(user_id=owner.id, roles=frozenset({Role.ORGANIZER}))


async def test_event_detail_takes_a_fixed_number_of_statements(services: Services) -> None:
    one, one_owner = await seed_event(services, organizations=1, members=1, tag="one")
    many, many_owner = await seed_event(services, organizations=12, members=8, tag="many")
    counts = {}
    details = {}
    for name, event_id, owner in [("one", one, one_owner), ("many", many, many_owner)]:
        with counting_statements(services.engine) as statements:
            details[name] = await services.event_directory.get_event(actor=owner, event_id=event_id)
        counts[name] = len(statements)

    assert [len(card.members) for card in details["one"].organizations] == [1]
    assert [len(card.members) for card in details["many"].organizations] == [7] * 12  # active members only
    assert counts["one"] == counts["many"] == 4  # the event, its organization ids, the organizations, the members
