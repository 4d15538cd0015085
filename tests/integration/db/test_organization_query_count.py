"""Loading organizations with their members takes the same number of SQL statements for 1 or for 20."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.core.accounts.model import User
from app.core.organizations.model import Organization
from app.core.shared.paging import PageRequest


@contextmanager
def counting_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def seed(uow: SqlUnitOfWorkFactory, organizations: int, members: int, tag: str) -> list[int]:
    async with uow() as unit:
        people = [
            await unit.users.add(
                User(email=f"{tag}{i}@example.com", name=f"{tag}{i}", password_hash="h", created_at=datetime.now(UTC))
            )
            for i in range(members)
        ]
        member_ids = frozenset(p.id for p in people)
        ids = [
            (await unit.organizations.add(Organization(title=f"Org {n}", member_ids=member_ids))).id
            for n in range(organizations)
        ]
        await unit.commit()
    return ids


async def test_cards_and_list_take_a_fixed_number_of_statements(database_url: str) -> None:
    engine = create_engine(database_url)
    uow = SqlUnitOfWorkFactory(create_session_factory(engine))
    counts: dict[str, int] = {}
    try:
        one = await seed(uow, organizations=1, members=1, tag="one")
        many = await seed(uow, organizations=20, members=5, tag="many")
        for name, ids in [("one", one), ("many", many)]:
            async with uow() as unit:
                with counting_statements(engine) as statements:
                    cards = await unit.organizations.cards(ids)
                counts[name] = len(statements)
            assert len(cards) == len(ids)
        for limit in (1, 21):
            async with uow() as unit:
                with counting_statements(engine) as statements:
                    page = await unit.organizations.list_cards(search=None, page=PageRequest(limit=limit))
                counts[f"list {limit}"] = len(statements)
    finally:
        await engine.dispose()

    assert sum(len(c.members) for c in cards) == 20 * 5
    assert len(page.items) == 21
    assert counts["one"] == counts["many"] == 2  # the organizations, then every member of all of them
    assert counts["list 1"] == counts["list 21"] == 2  # one page of organizations with their count, their members
