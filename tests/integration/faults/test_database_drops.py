"""Database faults: pooled connections the server drops are replaced before use, so no request fails
for them; a database that is really unreachable, or a transaction it undid to break a deadlock,
answers 503 ``service_unavailable`` with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url, create_engine
from app.core.shared.errors import UnavailableError
from tests.conftest import LiveServer, live_server, running_api, settings_for, truncate_all

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def server(postgres_url: str) -> Iterator[LiveServer]:
    asyncio.run(truncate_all(postgres_url))
    with live_server(settings_for(postgres_url)) as running:
        yield running


async def terminate_other_backends(url: str) -> int:
    """Drop every other connection to the test database, as a PostgreSQL restart or failover would."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    async with engine.connect() as connection:
        killed = await connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        count = int(killed.scalar_one())
    await engine.dispose()
    return count


async def terminate_backend(url: str, pid: int) -> None:
    """Drop one connection and wait until its server process is gone."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})).scalar_one()
    await engine.dispose()


async def test_requests_succeed_after_the_servers_connections_are_dropped(
    server: LiveServer, postgres_url: str
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        created = await http.post(
            "/api/users/", json={"email": "a@example.com", "password": "s3cret-pass", "name": "a"}
        )
        assert created.status_code == 201
        login = {"email": "a@example.com", "password": "s3cret-pass"}
        # Fill the pool with several connections, then drop every one of them.
        assert {
            r.status_code for r in await asyncio.gather(*[http.post("/api/token/", json=login) for _ in range(8)])
        } == {200}
        assert await terminate_other_backends(postgres_url) >= 2
        answers = await asyncio.gather(*[http.post("/api/token/", json=login) for _ in range(8)])
        answers += [await http.get("/api/events/") for _ in range(5)]
        assert [r.status_code for r in answers] == [200] * 13, [r.text for r in answers if r.status_code != 200]
        assert (await http.get("/ready/")).status_code == 200


async def test_a_pooled_connection_the_server_dropped_is_replaced_when_taken(postgres_url: str) -> None:
    """The ping on checkout finds the dropped connection, and the pool hands out a new one."""
    engine = create_engine(postgres_url, pool_size=1)
    backend = text("SELECT pg_backend_pid()")
    try:
        async with engine.connect() as connection:
            dropped = int((await connection.execute(backend)).scalar_one())
        await terminate_backend(postgres_url, dropped)
        async with engine.connect() as connection:
            assert int((await connection.execute(backend)).scalar_one()) != dropped
    finally:
        await engine.dispose()


async def test_an_unreachable_database_answers_503_with_retry_after() -> None:
    async with running_api(settings_for("postgresql+asyncpg://nobody@127.0.0.1:1/none")) as api:
        answer = await api.client.post("/api/token/", json={"email": "a@example.com", "password": "s3cret-pass"})
        registered = await api.client.post(
            "/api/users/", json={"email": "b@example.com", "password": "s3cret-pass", "name": "b"}
        )
    for response in (answer, registered):
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "service_unavailable" and response.json()["status"] == 503
        assert int(response.headers["Retry-After"]) >= 1


async def test_a_transaction_undone_to_break_a_deadlock_is_unavailable_for_a_moment(postgres_url: str) -> None:
    """Two transactions lock two rows in opposite orders: PostgreSQL undoes one, whose caller gets a
    503 ``service_unavailable`` with ``Retry-After: 1`` (nothing of it was stored), not a driver error."""
    engine = create_engine(postgres_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP TABLE IF EXISTS deadlock_probe"))
            await connection.execute(text("CREATE TABLE deadlock_probe (id int PRIMARY KEY, n int)"))
            await connection.execute(text("INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)"))
        both_hold_one = asyncio.Barrier(2)

        async def lock(first: int, second: int) -> BaseException | None:
            try:
                async with engine.begin() as connection:
                    await connection.execute(text("UPDATE deadlock_probe SET n = n + 1 WHERE id = :id"), {"id": first})
                    await both_hold_one.wait()
                    await connection.execute(text("UPDATE deadlock_probe SET n = n + 1 WHERE id = :id"), {"id": second})
            except Exception as error:
                return error
            return None

        outcomes = await asyncio.wait_for(asyncio.gather(lock(1, 2), lock(2, 1)), timeout=30)
        async with engine.connect() as connection:
            counts = (await connection.execute(text("SELECT n FROM deadlock_probe ORDER BY id"))).scalars().all()
            await connection.execute(text("DROP TABLE deadlock_probe"))
            await connection.commit()
    finally:
        await engine.dispose()
    failed = [outcome for outcome in outcomes if outcome is not None]
    assert len(failed) == 1, outcomes
    assert isinstance(failed[0], UnavailableError) and failed[0].retry_after == 1
    assert failed[0].code == "service_unavailable"
    assert list(counts) == [1, 1]  # the survivor's two updates; nothing of the undone one
