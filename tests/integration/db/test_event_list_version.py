"""The event list's version on SQLite and PostgreSQL: every committed change to what the list shows
(an event, its organizers, its owner deleted) moves it, while a rolled-back change or a read does
not; and the list itself is one statement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.engine import create_engine
from app.adapters.db.event_list_version import EventListVersion, tracked_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.core.accounts.model import User
from app.core.event_directory.listing import EventQuery
from app.core.organizations.model import Organization
from app.core.shared.paging import PageRequest
from app.core.ticketing.model import Event, EventStatus
from tests.integration.db.test_organization_query_count import counting_statements

START = datetime(2099, 1, 1, tzinfo=UTC)
FIRST_PAGE = PageRequest(limit=20)


@dataclass
class Listing:
    uow: SqlUnitOfWorkFactory
    engine: AsyncEngine
    version: EventListVersion
    owner_id: int
    published: int = 0

    async def titles(self, query: EventQuery | None = None) -> list[str]:
        async with self.uow() as unit:
            page = await unit.event_directory.list_published(query or EventQuery(), FIRST_PAGE)
        return [event.title for event in page.items]

    async def selects(self, query: EventQuery | None = None) -> int:
        """How many SELECT statements listing the first page takes."""
        with counting_statements(self.engine) as statements:
            await self.titles(query)
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    async def publish(self, title: str, *, owner_id: int | None = None, commit: bool = True) -> int:
        self.published += 1  # each later than the one before
        async with self.uow() as unit:
            event = await unit.events.add(
                Event(
                    owner_id=owner_id or self.owner_id,
                    title=title,
                    starts_at=START + timedelta(days=self.published),
                    capacity=5,
                    status=EventStatus.PUBLISHED,
                )
            )
            if commit:
                await unit.commit()
        return event.id


@pytest.fixture
async def listing(database_url: str) -> AsyncIterator[Listing]:
    engine = create_engine(database_url)
    version = EventListVersion()
    uow = SqlUnitOfWorkFactory(tracked_session_factory(engine, version))
    async with uow() as unit:
        owner = await unit.users.add(User(email="o@example.com", name="O", password_hash="h"))
        await unit.commit()
    built = Listing(uow=uow, engine=engine, version=version, owner_id=owner.id)
    await built.publish("Night hike")
    try:
        yield built
    finally:
        await engine.dispose()


async def test_a_page_is_one_statement_and_reading_it_leaves_the_version(listing: Listing) -> None:
    before = listing.version.current
    assert await listing.selects() == 1
    assert await listing.selects() == 1
    assert listing.version.current == before


async def test_a_committed_event_moves_the_version(listing: Listing) -> None:
    before = listing.version.current
    await listing.publish("Rafting")
    assert listing.version.current == before + 1
    assert await listing.titles() == ["Night hike", "Rafting"]


async def test_a_rolled_back_change_leaves_the_version(listing: Listing) -> None:
    before = listing.version.current
    await listing.publish("Never", commit=False)
    assert listing.version.current == before
    assert await listing.titles() == ["Night hike"]


async def test_a_new_organizer_link_moves_the_version(listing: Listing) -> None:
    async with listing.uow() as unit:
        organization = await unit.organizations.add(Organization(title="Guides", created_by=listing.owner_id))
        await unit.commit()
    event_id = await listing.publish("Rafting")
    before = listing.version.current
    async with listing.uow() as unit:
        await unit.event_directory.set_organizations(event_id, [organization.id])
        await unit.commit()
    assert listing.version.current == before + 1
    assert await listing.titles(EventQuery(organization_id=organization.id)) == ["Rafting"]


async def test_an_owner_deleted_moves_the_version(listing: Listing) -> None:
    async with listing.uow() as unit:
        other = await unit.users.add(User(email="p@example.com", name="P", password_hash="h"))
        await unit.commit()
    await listing.publish("Rafting", owner_id=other.id)
    before = listing.version.current
    async with listing.uow() as unit:
        await unit.users.delete(other.id)
        await unit.commit()
    assert listing.version.current == before + 1
    assert await listing.titles() == ["Night hike"]
