"""Presence in Redis as two server processes share it: online while any connection lives anywhere."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from app.adapters.redis.presence import RedisPresenceTracker

pytestmark = pytest.mark.redis


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


async def test_online_while_any_process_holds_a_connection(redis: Redis) -> None:
    one = RedisPresenceTracker(redis, ttl_s=5, namespace="t")
    two = RedisPresenceTracker(redis, ttl_s=5, namespace="t")
    assert await one.connect(7, "a") is True
    assert await two.connect(7, "b") is False
    assert await two.online([7, 8]) == {7}
    assert await one.disconnect(7, "a") is False
    assert await one.online([7]) == {7}
    assert await two.disconnect(7, "b") is True
    assert await one.online([7]) == set()
    assert await two.disconnect(7, "b") is False  # closing twice announces nothing


async def test_a_dead_processs_connections_expire_and_one_sweeper_announces_it(redis: Redis) -> None:
    alive = RedisPresenceTracker(redis, ttl_s=0.4, namespace="t")
    dying = RedisPresenceTracker(redis, ttl_s=0.4, namespace="t")
    await alive.connect(1, "kept")
    await dying.connect(2, "lost")
    for _ in range(4):  # only the live process keeps renewing its leases
        await asyncio.sleep(0.2)
        await alive.heartbeat()
    assert await alive.online([1, 2]) == {1}
    results = await asyncio.gather(alive.sweep(), dying.sweep(), alive.sweep())
    assert sorted(user for gone in results for user in gone) == [2]
    assert await alive.sweep() == []
    assert await alive.connect(2, "back") is True
