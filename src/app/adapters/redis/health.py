"""Redis readiness."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError


class RedisReadinessProbe:
    """PINGs Redis with a short timeout."""

    name = "redis"

    def __init__(self, redis: Redis, *, timeout_s: float = 2.0) -> None:
        self._redis, self._timeout = redis, timeout_s

    async def check(self) -> str | None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.ping()  # type: ignore[misc]  # redis-py types ping() as sync or async
        except (RedisError, OSError, TimeoutError) as error:
            return f"Redis unreachable ({type(error).__name__}: {error})"
        return None
