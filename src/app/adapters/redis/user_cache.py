"""A user cache in Redis, shared by every server process, so an invalidation reaches them all."""

from __future__ import annotations

import logging
from dataclasses import replace

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.adapters.outage import Outage
from app.core.accounts.model import User

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(User)
_HELD = b"-"  # an invalidated entry: nobody may cache the user until the hold ends
logger = logging.getLogger("app.cache")


class RedisUserCache:
    """Entries expire after ``ttl_s``; a Redis failure is a cache miss, never an error.
    The password hash is never written to Redis. While Redis is unreachable every lookup goes to the
    database; the outage is logged once.

    ``invalidate`` leaves a short hold instead of deleting, and ``put`` only fills an absent
    entry (``SET NX``): a reader that loaded the user just before a change committed cannot put
    the old state back after the writer invalidated it.
    """

    def __init__(self, redis: Redis, *, ttl_s: int = 60, hold_s: float = 2.0, namespace: str = "muster:user") -> None:
        self._redis, self._ttl, self._namespace = redis, ttl_s, namespace
        self._hold_ms = max(1, int(hold_s * 1000))
        self._outage = Outage("user cache", logger)

    async def get(self, user_id: int) -> User | None:
        try:
            raw = await self._redis.get(f"{self._namespace}:{user_id}")
        except RedisError as error:
            self._outage.failed(error, consequence="users are read from the database")
            return None
        self._outage.recovered()
        return None if raw is None or raw == _HELD else _decoder.decode(raw)

    async def put(self, user: User) -> None:
        payload = _encoder.encode(replace(user, password_hash=""))
        try:
            await self._redis.set(f"{self._namespace}:{user.id}", payload, ex=self._ttl, nx=True)
        except RedisError as error:
            self._outage.failed(error)

    async def invalidate(self, user_id: int) -> None:
        try:
            await self._redis.set(f"{self._namespace}:{user_id}", _HELD, px=self._hold_ms)
        except RedisError as error:
            self._outage.failed(error)
