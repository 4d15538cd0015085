"""A fixed-window rate limiter in Redis, shared by every server process."""

from __future__ import annotations

from redis.asyncio import Redis

# INCR and the first EXPIRE in one atomic step; returns the count and the window's remaining ms.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
"""
# DECR only a live counter above zero, so no key is ever left without its expiry.
_UNDO = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisRateLimiter:
    """Counts hits per key in Redis with an atomic script."""

    def __init__(self, redis: Redis, *, namespace: str = "muster:rl") -> None:
        self._redis, self._namespace = redis, namespace
        self._script = redis.register_script(_HIT)
        self._undo = redis.register_script(_UNDO)

    async def hit(self, key: str, *, limit: int, window_s: int) -> int:
        count, ttl_ms = await self._script(keys=[f"{self._namespace}:{key}"], args=[window_s * 1000])
        if int(count) > limit:
            return max(1, -(-int(ttl_ms) // 1000))
        return 0

    async def undo(self, key: str) -> None:
        await self._undo(keys=[f"{self._namespace}:{key}"])
