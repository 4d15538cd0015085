"""The same event directory assertions on the fake, on SQLite and on PostgreSQL: every list query
returns what ``EventQuery.matches`` says, in the query's order, paged."""

# ruff: noqa: F811  (the `uow` fixture is imported from the accounts contract suite and used as a parameter)
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from app.core.accounts.model import User
from app.core.event_directory.listing import EventOrdering, EventQuery
from app.core.organizations.model import Organization
from app.core.shared.paging import PageRequest
from app.core.ticketing.model import Event, EventStatus
from tests.contract.test_accounts_repository import Factory, uow  # noqa: F401  (the same three backends)

BASE = datetime(2099, 5, 1, tzinfo=UTC)
TITLES = ["Night Hike", "hike to the LAKE", "River rafting", "Ночной поход", "50% off_hike", "Quiz"]


async def seed(uow: Factory) -> tuple[list[Event], dict[int, frozenset[int]], list[int]]:
    """Twenty-four events: every title at four instants (two shared), statuses mixed, organizations mixed."""
    now = datetime.now(UTC)
    async with uow() as unit:
        owner = await unit.users.add(User(email="o@example.com", name="O", password_hash="h", created_at=now))
        organizations = [
            (await unit.organizations.add(Organization(title=f"Org {n}", member_ids=frozenset({owner.id})))).id
            for n in range(3)
        ]
        statuses = itertools.cycle([EventStatus.PUBLISHED, EventStatus.PUBLISHED, EventStatus.DRAFT])
        events, links = [], {}
        for n, (title, hours) in enumerate(itertools.product(TITLES, [0, 6, 6, 30])):
            event = await unit.events.add(
                Event(
                    owner_id=owner.id,
                    title=title,
                    starts_at=BASE + timedelta(hours=hours + n % 3 * 24),
                    capacity=5,
                    status=next(statuses),
                )
            )
            linked = frozenset(organizations[: n % 4])
            await unit.event_directory.set_organizations(event.id, sorted(linked))
            events.append(event)
            links[event.id] = linked
        await unit.commit()
    return events, links, organizations


def expected(events: list[Event], links: dict[int, frozenset[int]], query: EventQuery) -> list[int]:
    chosen = [
        e
        for e in events
        if e.status is EventStatus.PUBLISHED
        and query.matches(title=e.title, starts_at=e.starts_at, organization_ids=links[e.id])
    ]
    chosen.sort(key=lambda e: (e.starts_at, e.id), reverse=query.ordering is EventOrdering.LATEST)
    return [e.id for e in chosen]


async def test_list_published_agrees_with_the_query_rule(uow: Factory) -> None:
    events, links, organizations = await seed(uow)
    queries = [
        EventQuery(),
        EventQuery(ordering=EventOrdering.LATEST),
        EventQuery(search="hike"),
        EventQuery(search="ПОХОД"),
        EventQuery(search="%"),
        EventQuery(search="_"),
        EventQuery(search="no such thing"),
        EventQuery(starts_from=BASE + timedelta(hours=6)),
        EventQuery(starts_before=BASE + timedelta(hours=30)),
        EventQuery(starts_from=BASE + timedelta(hours=6), starts_before=BASE + timedelta(days=2)),
        EventQuery(organization_id=organizations[0], ordering=EventOrdering.LATEST),
        EventQuery(organization_id=organizations[2], search="hike"),
        EventQuery(organization_id=424242),
    ]
    for query in queries:
        want = expected(events, links, query)
        async with uow() as unit:
            whole = await unit.event_directory.list_published(query, PageRequest(limit=100))
            pages = [await unit.event_directory.list_published(query, PageRequest(limit=4, offset=o)) for o in (0, 4)]
            empty = await unit.event_directory.list_published(query, PageRequest(limit=0))
            beyond = await unit.event_directory.list_published(query, PageRequest(limit=5, offset=10**9))
        assert [e.id for e in whole.items] == want, query
        assert [e.id for page in pages for e in page.items] == want[:8], query
        assert whole.total == pages[0].total == empty.total == beyond.total == len(want), query
        assert empty.items == beyond.items == [], query
    async with uow() as unit:
        assert len((await unit.event_directory.list_published(EventQuery(), PageRequest(limit=100))).items) == 16


async def test_organization_links_are_replaced_and_unknown_ids_reported(uow: Factory) -> None:
    events, _, organizations = await seed(uow)
    event_id = events[0].id
    async with uow() as unit:
        await unit.event_directory.set_organizations(event_id, [organizations[2], organizations[0]])
        await unit.commit()
    async with uow() as unit:
        assert await unit.event_directory.organization_ids(event_id) == sorted([organizations[0], organizations[2]])
        await unit.event_directory.set_organizations(event_id, [organizations[1]])
        await unit.commit()
    async with uow() as unit:
        assert await unit.event_directory.organization_ids(event_id) == [organizations[1]]
        known = await unit.event_directory.known_organization_ids([organizations[1], 424242])
    assert known == {organizations[1]}


async def test_an_event_is_found_by_its_creation_key(uow: Factory) -> None:
    events, _, _ = await seed(uow)
    async with uow() as unit:
        keyed = await unit.events.add(
            Event(owner_id=events[0].owner_id, title="Keyed", starts_at=BASE, capacity=1, creation_key="k1")
        )
        await unit.commit()
    async with uow() as unit:
        assert await unit.event_directory.event_id_for_creation_key("k1") == keyed.id
        assert await unit.event_directory.event_id_for_creation_key("k2") is None
