"""The same user-cache assertions on the in-process and the Redis adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis

from app.adapters.memory.user_cache import MemoryUserCache
from app.adapters.redis.user_cache import RedisUserCache
from app.core.accounts.model import User
from app.core.shared.principal import Role


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def make_cache(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    if request.param == "memory":
        yield lambda ttl, hold=0.3: MemoryUserCache(ttl_s=ttl, hold_s=hold)
        return
    client = Redis.from_url(request.getfixturevalue("redis_url"))
    await client.delete(f"test:user:{USER.id}")
    yield lambda ttl, hold=0.3: RedisUserCache(client, ttl_s=ttl, hold_s=hold, namespace="test:user")
    await client.aclose()


USER = User(
    id=7,
    email="ann@example.com",
    name="Ann",
    password_hash="secret-hash",
    phone="+48123456789",
    roles=frozenset({Role.CHIEF}),
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


async def test_put_get_invalidate(make_cache: Any) -> None:
    cache = make_cache(60)
    assert await cache.get(USER.id) is None
    await cache.put(USER)
    cached = await cache.get(USER.id)
    assert cached is not None
    assert (cached.email, cached.phone, cached.roles, cached.created_at) == (
        USER.email,
        USER.phone,
        {Role.MEMBER, Role.CHIEF},
        USER.created_at,
    )
    assert cached.password_hash == ""
    await cache.invalidate(USER.id)
    assert await cache.get(USER.id) is None


async def test_entries_expire(make_cache: Any) -> None:
    cache = make_cache(1)
    await cache.put(USER)
    await asyncio.sleep(1.2)
    assert await cache.get(USER.id) is None


async def test_put_after_invalidate_is_ignored_when_the_hold_has_not_ended(make_cache: Any) -> None:
    """A reader that loaded the user before a change committed cannot cache the old state after
    the writer invalidated it; once the hold ends, the next reader caches again."""
    cache = make_cache(60, 0.5)
    await cache.put(USER)
    await cache.invalidate(USER.id)
    await cache.put(replace(USER, name="Stale"))
    assert await cache.get(USER.id) is None
    await asyncio.sleep(0.6)
    await cache.put(replace(USER, name="Fresh"))
    cached = await cache.get(USER.id)
    assert cached is not None
    assert cached.name == "Fresh"


async def test_put_keeps_the_entry_when_one_is_cached(make_cache: Any) -> None:
    cache = make_cache(60)
    await cache.put(USER)
    await cache.put(replace(USER, name="Second"))
    cached = await cache.get(USER.id)
    assert cached is not None
    assert cached.name == USER.name


async def test_session_state_survives_the_cache(make_cache: Any) -> None:
    cache = make_cache(60)
    await cache.put(replace(USER, session_version=3, ended_sessions=frozenset({"fam-a", "fam-b"})))
    cached = await cache.get(USER.id)
    assert cached is not None
    assert (cached.session_version, cached.ended_sessions) == (3, {"fam-a", "fam-b"})


async def test_the_in_process_cache_drops_the_least_recently_used_user_once_full() -> None:
    cache = MemoryUserCache(ttl_s=60, max_entries=2)
    first, second, third = (replace(USER, id=n) for n in (1, 2, 3))
    await cache.put(first)
    await cache.put(second)
    assert await cache.get(first.id) is not None  # now the second is the least recently used
    await cache.put(third)
    assert [await cache.get(n) is not None for n in (1, 2, 3)] == [True, False, True]
