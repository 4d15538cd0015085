"""Redis adapters shared by several server processes: the rate limiter and the notifier."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis

from app.adapters.realtime.channels_notifier import ChannelsNotifier
from app.adapters.realtime.history import RedisEventHistory
from app.adapters.realtime.redis_pubsub import SupervisedRedisPubSubBackend
from app.adapters.redis.health import RedisReadinessProbe
from app.adapters.redis.rate_limit import RedisRateLimiter
from app.core.shared.domain_events import DomainEvent
from app.ports.notifier import Envelope, Routed
from tests.conftest import app_lifespan

pytestmark = pytest.mark.redis


@dataclass(frozen=True, slots=True, kw_only=True)
class Pinged(DomainEvent):
    room: int


async def test_rate_limit_is_shared_by_every_process(redis_url: str) -> None:
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        a, b = RedisRateLimiter(first, namespace="t1"), RedisRateLimiter(second, namespace="t1")
        results = [await limiter.hit("client", limit=3, window_s=30) for limiter in (a, b, a, b)]
        assert results[:3] == [0, 0, 0]
        assert 1 <= results[3] <= 30
        assert await a.hit("other-client", limit=3, window_s=30) == 0
    finally:
        await first.aclose()
        await second.aclose()


async def test_rate_limit_window_expires(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        limiter = RedisRateLimiter(client, namespace="t2")
        assert await limiter.hit("c", limit=1, window_s=1) == 0
        assert await limiter.hit("c", limit=1, window_s=1) == 1
        await asyncio.sleep(1.1)
        assert await limiter.hit("c", limit=1, window_s=1) == 0
    finally:
        await client.aclose()


def _plugin(redis: Redis) -> ChannelsPlugin:
    return ChannelsPlugin(
        RedisChannelsPubSubBackend(redis=redis), channels=["_system"], arbitrary_channels_allowed=True
    )


async def test_notifier_reaches_a_subscriber_of_another_process(redis_url: str) -> None:
    redis_a, redis_b = Redis.from_url(redis_url), Redis.from_url(redis_url)
    backend_a = SupervisedRedisPubSubBackend(redis_a)
    plugin_a = ChannelsPlugin(backend_a, channels=["_system"], arbitrary_channels_allowed=True)
    plugin_b = _plugin(redis_b)
    app_a, app_b = Litestar(plugins=[plugin_a]), Litestar(plugins=[plugin_b])
    history = RedisEventHistory(redis_a, prefix="test-notifier")

    def route(event: DomainEvent) -> Routed:
        room = event.room  # type: ignore[attr-defined]
        frame = json.dumps({"type": "pinged", "room": room}).encode()
        return Routed(Envelope(kind="pinged", frame=frame, scope_id=room), [f"room:{room}"], stream=f"room:{room}")

    notifier = ChannelsNotifier(backend_a, route=route, history=history)
    try:
        async with app_lifespan(app_a), app_lifespan(app_b):
            subscriber = await plugin_b.subscribe(["room:7"])
            await asyncio.sleep(0.1)
            await notifier.publish(Pinged(room=8), Pinged(room=7))
            events = subscriber.iter_events()
            received = await asyncio.wait_for(anext(events), timeout=5)
            await plugin_b.unsubscribe(subscriber)
    finally:
        await redis_a.aclose()
        await redis_b.aclose()
    envelope = Envelope.unpack(received)
    assert (envelope.kind, envelope.scope_id) == ("pinged", 7)
    assert json.loads(envelope.frame) == {"seq": envelope.seq, "type": "pinged", "room": 7}  # numbered by the history


async def test_a_batch_reaches_every_channel_in_order_in_one_round_trip(redis_url: str) -> None:
    sender, listener = Redis.from_url(redis_url), Redis.from_url(redis_url)
    backend = SupervisedRedisPubSubBackend(sender)
    pubsub = listener.pubsub()
    try:
        await pubsub.subscribe("batch:a", "batch:b")
        for _ in range(2):
            await pubsub.get_message(timeout=1)  # the two subscribe confirmations
        await backend.publish_all([(b"0", ["batch:none"])])  # loads the script once
        sent: list[object] = []
        execute: Any = sender.execute_command

        async def counted(*args: Any, **options: Any) -> Any:
            sent.append(args[0])
            return await execute(*args, **options)

        sender.execute_command = counted  # type: ignore[method-assign]
        await backend.publish_all([(b"1", ["batch:a"]), (b"2", ["batch:b", "batch:a", "batch:b"]), (b"3", ["batch:b"])])
        heard: list[tuple[bytes, bytes]] = []
        while len(heard) < 4:
            message = await pubsub.get_message(timeout=5)
            assert message is not None, heard
            heard.append((message["channel"], message["data"]))
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await sender.aclose()
        await listener.aclose()
    assert heard == [(b"batch:a", b"1"), (b"batch:a", b"2"), (b"batch:b", b"2"), (b"batch:b", b"3")]
    assert sent == ["EVALSHA"]  # one round trip for the batch


async def test_readiness_probe_answers_for_a_live_and_a_dead_server(redis_url: str) -> None:
    live, dead = Redis.from_url(redis_url), Redis.from_url("redis://127.0.0.1:1/0")
    try:
        assert await RedisReadinessProbe(live).check() is None
        assert "Redis unreachable" in str(await RedisReadinessProbe(dead, timeout_s=1).check())
    finally:
        await live.aclose()
        await dead.aclose()
