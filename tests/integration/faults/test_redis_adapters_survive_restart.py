"""Each Redis adapter through a real Redis crash and restart: the channel subscription comes back by
itself, publishing and rate limiting never raise to the caller, presence is registered again."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
from litestar.channels import ChannelsPlugin, Subscriber

from app.adapters.memory.fallback import FallbackRateLimiter
from app.adapters.memory.rate_limit import MemoryRateLimiter
from app.adapters.realtime.channels_notifier import ChannelsNotifier
from app.adapters.realtime.health import ChannelsReadinessProbe
from app.adapters.realtime.history import MemoryEventHistory
from app.adapters.realtime.redis_pubsub import SupervisedRedisPubSubBackend
from app.adapters.redis.client import create_redis
from app.adapters.redis.presence import RedisPresenceTracker
from app.adapters.redis.rate_limit import RedisRateLimiter
from app.core.chat.domain_events import UserTyping
from app.core.shared.errors import UnavailableError
from app.ports.notifier import Envelope, Routed
from tests.integration.faults.conftest import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.slow]


class Process:
    """What one server process holds: a Redis client, the supervised backend and the plugin."""

    def __init__(self, url: str) -> None:
        self.redis = create_redis(url)
        self.backend = SupervisedRedisPubSubBackend(self.redis, backoff_max_s=0.5, idle_ping_s=1)
        self.channels = ChannelsPlugin(self.backend, channels=["system"], arbitrary_channels_allowed=True)


@pytest.fixture
async def two(redis_server: RedisServer) -> AsyncIterator[tuple[Process, Process]]:
    one, other = Process(redis_server.url), Process(redis_server.url)
    async with one.channels, other.channels:
        yield one, other
    await one.redis.aclose()
    await other.redis.aclose()


async def until(condition: object, within: float, what: str) -> float:
    """Poll ``condition()`` until true; the seconds it took."""
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        if time.monotonic() - started > within:
            raise AssertionError(f"{what} not within {within} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


class Heard:
    """Every event a subscriber hears, collected by a task of its own."""

    def __init__(self, subscriber: Subscriber) -> None:
        self.events: list[bytes] = []
        self._task = asyncio.create_task(self._collect(subscriber))

    async def _collect(self, subscriber: Subscriber) -> None:
        async for event in subscriber.iter_events():
            self.events.append(event)


async def received(heard: Heard, sender: Process, channel: str, within: float) -> float:
    """Publish on ``channel`` from ``sender`` every 0.1 s until ``heard`` has it; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        mark = f"{channel}@{time.monotonic()}".encode()
        try:
            await sender.channels.wait_published(mark, channel)
        except Exception:  # Redis not back yet on the sender's side
            await asyncio.sleep(0.1)
            continue
        await asyncio.sleep(0.1)
        if mark in heard.events:
            return time.monotonic() - started
    raise AssertionError(f"nothing heard on {channel} within {within} s")


async def test_subscription_resubscribes_every_channel_after_redis_restarts(
    two: tuple[Process, Process], redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    receiver, sender = two
    probe = ChannelsReadinessProbe(receiver.backend)
    old = Heard(await receiver.channels.subscribe(["chat:1"]))
    assert await received(old, sender, "chat:1", within=2) < 2
    assert await probe.check() is None

    caplog.set_level(logging.INFO, logger="app.realtime")
    redis_server.kill()
    await until(lambda: receiver.backend.problem is not None, 3, "the loss noticed")
    assert "channel subscription failing" in str(await probe.check())
    new = Heard(await receiver.channels.subscribe(["chat:2"]))  # a socket joining during the outage is not refused
    await asyncio.sleep(1.5)  # several reconnect attempts fail meanwhile

    redis_server.start()
    back = time.monotonic()
    assert await received(old, sender, "chat:1", within=5) < 5
    assert await received(new, sender, "chat:2", within=5) < 5
    assert time.monotonic() - back < 5
    assert await probe.check() is None
    lines = [r.getMessage() for r in caplog.records if r.name == "app.realtime"]
    # Once per process (receiver and sender), not once per reconnect attempt.
    assert sum("channel subscription failing" in line for line in lines) == 2, lines
    assert sum("channel subscription works again" in line for line in lines) == 2, lines


async def test_publishing_never_raises_and_counts_what_failed(
    two: tuple[Process, Process], redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    process, _ = two
    routed = Routed(Envelope(kind="typing", frame=b"{}"), ["chat:1"])
    notifier = ChannelsNotifier(process.backend, route=lambda _: routed, history=MemoryEventHistory())
    event = UserTyping(chat_id=1, user_id=1, is_typing=True)
    caplog.set_level(logging.INFO, logger="app.realtime")
    await notifier.publish(event)
    redis_server.kill()
    started = time.monotonic()
    for _ in range(3):
        await notifier.publish(event)
    await notifier.publish(event, event)  # a batch: each of its events counts
    assert time.monotonic() - started < 5  # each attempt gives up quickly (a fast-failing client)
    assert notifier.undelivered == 5
    redis_server.start()
    await notifier.publish(event)
    assert notifier.undelivered == 5
    lines = [r.getMessage() for r in caplog.records if "publishing live events" in r.getMessage()]
    assert len(lines) == 2 and "failing" in lines[0] and "5 failed operations" in lines[1], lines


async def test_rate_limit_falls_back_to_this_process_while_redis_is_down(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_redis(redis_server.url)
    limiter = FallbackRateLimiter(RedisRateLimiter(client), MemoryRateLimiter())
    caplog.set_level(logging.INFO, logger="app.fallback")
    try:
        assert await limiter.hit("login:a", limit=2, window_s=60) == 0
        redis_server.kill()
        assert [await limiter.hit("login:b", limit=2, window_s=60) for _ in range(3)][:2] == [0, 0]
        assert await limiter.hit("login:b", limit=2, window_s=60) > 0  # the limit still holds, per process
        redis_server.start()
        assert await limiter.hit("login:c", limit=2, window_s=60) == 0
    finally:
        await client.aclose()
    lines = [r.getMessage() for r in caplog.records if r.name == "app.fallback"]
    assert len(lines) == 2 and "failing" in lines[0] and "works again" in lines[1], lines


async def test_presence_is_registered_again_and_missed_closes_are_announced(redis_server: RedisServer) -> None:
    client = create_redis(redis_server.url)
    mine = RedisPresenceTracker(client, ttl_s=30, namespace="t")
    try:
        assert await mine.connect(1, "a") and await mine.connect(2, "b") and not await mine.connect(2, "c")
        redis_server.kill()
        with pytest.raises(UnavailableError):
            await mine.connect(3, "d")  # refused, so never renewed later
        with pytest.raises(Exception):  # noqa: B017, PT011  (the socket's close path suppresses it)
            await mine.disconnect(1, "a")
        redis_server.start()  # empty: every key is gone
        assert await mine.online([1, 2, 3]) == set()
        assert sorted(await mine.heartbeat()) == [2]  # user 2's open sockets: online again, once
        assert await mine.online([1, 2, 3]) == {2}
        assert await mine.sweep() == [1]  # user 1 closed their last socket during the outage
        assert await mine.sweep() == []
        assert await mine.heartbeat() == []
    finally:
        await client.aclose()
