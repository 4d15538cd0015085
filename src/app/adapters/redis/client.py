"""The Redis client every Redis adapter shares, tuned to fail fast while Redis is away."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff


def create_redis(url: str, *, connect_timeout_s: float = 2.0, command_timeout_s: float = 5.0) -> Redis:
    """A client for ``url`` whose commands give up within about a quarter of a second when Redis is
    unreachable (redis-py's default retries back off for up to seven seconds per command), so a
    request that only needs Redis for an extra answers promptly through its fallback."""
    return Redis.from_url(
        url,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=2),
        socket_connect_timeout=connect_timeout_s,
        socket_timeout=command_timeout_s,
    )
