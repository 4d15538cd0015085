"""Expedition rules under real concurrency on PostgreSQL: activations sharing a member, and a rush of
confirmations at capacity. Every request runs in its own session and transaction, all at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.adapters.db.engine import create_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.adapters.system_clock import SystemClock
from app.bootstrap import Services, build_services
from app.core.expeditions.errors import MemberBusyError, OverCapacityError
from app.core.expeditions.model import ExpeditionStatus
from app.core.expeditions.service import ExpeditionService
from app.core.shared.principal import Principal, Role
from tests.conftest import running_api, settings_for, truncate_all
from tests.fakes import RecordingNotifier

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
async def services(postgres_url: str) -> AsyncIterator[Services]:
    await truncate_all(postgres_url)
    services = build_services(settings_for(postgres_url))
    # Only the database matters here: events go to a recorder instead of the (unstarted) channels plugin.
    services.expeditions = ExpeditionService(
        uow=SqlUnitOfWorkFactory(create_session_factory(services.engine)),
        notifier=RecordingNotifier(),
        clock=SystemClock(),
    )
    try:
        yield services
    finally:
        await services.aclose()


async def _people(services: Services, prefix: str, count: int, *, role: Role = Role.MEMBER) -> list[Principal]:
    users = [
        await services.accounts.register(
            email=f"{prefix}{i}@example.com", password="s3cret-pass", name=f"{prefix}{i}", role=role
        )
        for i in range(count)
    ]
    return [Principal(user_id=u.id, roles=u.roles) for u in users]


async def _ready_expedition(services: Services, chief: Principal, crew: list[Principal]) -> int:
    expeditions = services.expeditions
    expedition = await expeditions.create(
        actor=chief, title="Race", start_at=datetime.now(UTC) - timedelta(hours=1), capacity=10
    )
    for member in crew:
        await expeditions.invite_member(actor=chief, expedition_id=expedition.id, user_id=member.user_id)
        await expeditions.confirm_invitation(actor=member, expedition_id=expedition.id)
    await expeditions.change_status(actor=chief, expedition_id=expedition.id, target=ExpeditionStatus.READY)
    return expedition.id


async def _warm_pool(services: Services, connections: int) -> None:
    """Open the connections first, so racing transactions start together instead of behind a connect."""

    async def hold() -> None:
        async with services.engine.connect() as connection:
            await connection.execute(text("SELECT pg_sleep(0.05)"))

    await asyncio.gather(*(hold() for _ in range(connections)))


async def _activate_all_at_once(services: Services, chiefs: list[Principal], expedition_ids: list[int]) -> list[object]:
    """Fire every activation, held at a starting gate: another transaction locks the expedition rows
    until every request waits on its own row, then lets them all go at the same instant."""
    async with services.engine.connect() as gate:
        transaction = await gate.begin()
        await gate.execute(text("SELECT id FROM expeditions WHERE id = ANY(:ids) FOR UPDATE"), {"ids": expedition_ids})
        racing = [
            asyncio.create_task(
                services.expeditions.change_status(actor=chief, expedition_id=i, target=ExpeditionStatus.ACTIVE)
            )
            for chief, i in zip(chiefs, expedition_ids, strict=True)
        ]
        await asyncio.sleep(0.3)
        assert not any(task.done() for task in racing)
        await transaction.commit()
    return list(await asyncio.gather(*racing, return_exceptions=True))


async def _users_in_two_active_expeditions(services: Services) -> list[int]:
    async with services.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT m.user_id FROM expedition_members m JOIN expeditions e ON e.id = m.expedition_id "
                "WHERE m.status = 'confirmed' AND e.status = 'active' GROUP BY m.user_id HAVING count(*) > 1"
            )
        )
        return [row[0] for row in rows]


async def test_two_activations_sharing_a_member_let_exactly_one_through(services: Services) -> None:
    chiefs = await _people(services, "chief", 2, role=Role.CHIEF)
    members = await _people(services, "m", 9)
    for round_ in range(3):
        shared, ann, bob = members[3 * round_ : 3 * round_ + 3]
        first = await _ready_expedition(services, chiefs[0], [ann, shared])
        second = await _ready_expedition(services, chiefs[1], [shared, bob])

        results = await _activate_all_at_once(services, chiefs, [first, second])

        winners = [r for r in results if not isinstance(r, BaseException)]
        losers = [r for r in results if isinstance(r, BaseException)]
        assert len(winners) == 1, results
        assert len(losers) == 1 and isinstance(losers[0], MemberBusyError), losers
        assert losers[0].member_id == shared.user_id
    assert await _users_in_two_active_expeditions(services) == []


async def test_many_activations_sharing_one_member_activate_exactly_one(services: Services) -> None:
    chief, *_ = await _people(services, "chief", 1, role=Role.CHIEF)
    shared, *others = await _people(services, "m", 7)
    expedition_ids = [await _ready_expedition(services, chief, [shared, other]) for other in others]

    results = await _activate_all_at_once(services, [chief] * len(expedition_ids), expedition_ids)

    assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert all(isinstance(r, MemberBusyError) for r in results if isinstance(r, BaseException)), results
    assert await _users_in_two_active_expeditions(services) == []


async def test_a_rush_of_confirmations_never_goes_above_capacity(services: Services) -> None:
    chief, *_ = await _people(services, "chief", 1, role=Role.CHIEF)
    crowd = await _people(services, "m", 12)
    expedition = await services.expeditions.create(actor=chief, title="Rush", start_at=datetime.now(UTC), capacity=4)
    for member in crowd:
        await services.expeditions.invite_member(actor=chief, expedition_id=expedition.id, user_id=member.user_id)
    await _warm_pool(services, len(crowd))

    results = await asyncio.gather(
        *(services.expeditions.confirm_invitation(actor=m, expedition_id=expedition.id) for m in crowd),
        return_exceptions=True,
    )

    assert sum(not isinstance(r, BaseException) for r in results) == 4
    assert all(isinstance(r, OverCapacityError) for r in results if isinstance(r, BaseException)), results
    stored = await services.expeditions.get(actor=chief, expedition_id=expedition.id)
    assert len(stored.confirmed_ids) == 4


async def test_racing_confirm_requests_over_http_stop_at_capacity(postgres_url: str) -> None:
    await truncate_all(postgres_url)
    async with running_api(settings_for(postgres_url)) as api:
        _, chief = await api.user("chief@example.com", role="chief")
        crowd = [await api.user(f"m{i}@example.com") for i in range(10)]
        created = await api.client.post(
            "/api/expeditions/",
            json={"title": "Rush", "start_at": datetime.now(UTC).isoformat(), "capacity": 3},
            headers=chief,
        )
        expedition_id = created.json()["id"]
        for user, _ in crowd:
            await api.client.post(
                f"/api/expeditions/{expedition_id}/invite/", json={"user_id": user["id"]}, headers=chief
            )

        responses = await asyncio.gather(
            *(api.client.post(f"/api/expeditions/{expedition_id}/confirm/", headers=h) for _, h in crowd)
        )

        assert sorted(r.status_code for r in responses) == [200] * 3 + [409] * 7
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"over_capacity"}
        detail = await api.client.get(f"/api/expeditions/{expedition_id}/", headers=chief)
        assert detail.json()["confirmed_count"] == 3
