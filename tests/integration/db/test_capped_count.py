"""Lists count their rows only up to ``COUNT_AHEAD`` past the requested window, in the same SQL
statement as the page, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.models.accounts import UserModel
from app.adapters.db.models.ticketing import EventModel
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.core.event_directory.listing import EventQuery
from app.core.shared.paging import COUNT_AHEAD, PageRequest
from tests.integration.db.test_organization_query_count import counting_statements

EVENTS = COUNT_AHEAD + 50
START = datetime(2099, 1, 1, tzinfo=UTC)


async def seeded(database_url: str) -> tuple[SqlUnitOfWorkFactory, AsyncEngine]:
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        owner = (
            await connection.execute(
                insert(UserModel)
                .values(email="o@example.com", name="O", password_hash="h", created_at=now, updated_at=now)
                .returning(UserModel.id)
            )
        ).scalar_one()
        rows = [
            {
                "owner_id": owner,
                "title": f"Event {n}",
                "title_folded": f"event {n}",
                "starts_at": START + timedelta(minutes=n),
                "capacity": 5,
                "status": "published",
                "created_at": now,
                "updated_at": now,
            }
            for n in range(EVENTS)
        ]
        await connection.execute(insert(EventModel), rows)
    return SqlUnitOfWorkFactory(create_session_factory(engine)), engine


async def test_count_stops_past_the_window_when_the_list_is_longer(database_url: str) -> None:
    uow, engine = await seeded(database_url)
    try:
        async with uow() as unit:
            first = await unit.event_directory.list_published(EventQuery(), PageRequest(limit=20))
            count_only = await unit.event_directory.list_published(EventQuery(), PageRequest(limit=0))
        assert (len(first.items), first.total, first.total_is_exact) == (20, 20 + COUNT_AHEAD, False)
        assert [e.title for e in first.items[:2]] == ["Event 0", "Event 1"]
        assert (count_only.items, count_only.total, count_only.total_is_exact) == ([], COUNT_AHEAD, False)
    finally:
        await engine.dispose()


async def test_count_is_exact_when_the_end_is_within_reach(database_url: str) -> None:
    uow, engine = await seeded(database_url)
    try:
        async with uow() as unit:
            near_end = await unit.event_directory.list_published(EventQuery(), PageRequest(limit=20, offset=40))
            past_end = await unit.event_directory.list_published(EventQuery(), PageRequest(limit=20, offset=EVENTS))
        assert (near_end.total, near_end.total_is_exact) == (EVENTS, True)
        assert [e.title for e in near_end.items[:1]] == ["Event 40"]
        assert (past_end.items, past_end.total, past_end.total_is_exact) == ([], EVENTS, True)
    finally:
        await engine.dispose()


async def test_a_page_and_its_count_are_one_statement(database_url: str) -> None:
    uow, engine = await seeded(database_url)
    try:
        with counting_statements(engine) as statements:
            async with uow() as unit:
                await unit.event_directory.list_published(EventQuery(), PageRequest(limit=20))
                await unit.organizations.list_cards(search=None, page=PageRequest(limit=20))  # empty: one more
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 2, selects
    finally:
        await engine.dispose()
