"""Answering from an in-process adapter while the shared one (Redis) fails."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from app.adapters.outage import Outage
from app.ports.rate_limit import RateLimiter

P = TypeVar("P")
R = TypeVar("R")

logger = logging.getLogger("app.fallback")


class Fallback(Generic[P]):
    """Each call goes to ``primary``; when it raises, ``fallback`` answers instead. The outage is
    logged once when it starts and once when the primary answers again."""

    def __init__(self, primary: P, fallback: P, *, what: str) -> None:
        self._primary, self._fallback = primary, fallback
        self._outage = Outage(what, logger)

    @property
    def down(self) -> bool:
        return self._outage.down

    async def call(self, use: Callable[[P], Awaitable[R]]) -> R:
        try:
            result = await use(self._primary)
        except Exception as error:
            self._outage.failed(error, consequence="answering from this process only")
            return await use(self._fallback)
        self._outage.recovered()
        return result


class FallbackRateLimiter:
    """The shared rate limiter, or this process's own while the shared one is unreachable (a limit
    per process is looser than a shared one, but a login is never refused for the store's sake)."""

    def __init__(self, primary: RateLimiter, fallback: RateLimiter) -> None:
        self._either = Fallback(primary, fallback, what="shared rate limiter")

    async def hit(self, key: str, *, limit: int, window_s: int) -> int:
        return await self._either.call(lambda limiter: limiter.hit(key, limit=limit, window_s=window_s))

    async def undo(self, key: str) -> None:
        await self._either.call(lambda limiter: limiter.undo(key))
