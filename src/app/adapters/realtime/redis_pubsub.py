"""Litestar Channels over Redis pub/sub, with one supervised subscription per process.

Litestar's own pub/sub backend reads through a single redis-py ``PubSub``; once redis-py gives up
reconnecting (Redis restarted for longer than its retries), the plugin's reader task ends and the
process never hears another event. This backend's ``stream_events`` never ends instead: after any
Redis failure it reconnects with backoff and subscribes again to every channel the plugin holds,
logging the loss and the recovery once each. ``problem`` tells readiness whether it is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Callable, Iterable

from litestar.channels.backends.base import ChannelsBackend
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from app.adapters.outage import Outage

logger = logging.getLogger("app.realtime")

# KEYS: the channels of every event, one event after another; ARGV: per event, how many channels it
# has, then its payload. One round trip for a batch, in order, and every channel gets it or none does.
_PUBLISH = """
local first = 1
for i = 1, #ARGV, 2 do
  local last = first + tonumber(ARGV[i]) - 1
  for k = first, last do
    redis.call('PUBLISH', KEYS[k], ARGV[i + 1])
  end
  first = last + 1
end
"""


class SupervisedRedisPubSubBackend(ChannelsBackend):
    """Pub/sub whose reader survives Redis failures.

    ``subscribe`` records the channel and subscribes at once when connected; while Redis is down it
    only records it, and the reader subscribes to the whole recorded set when it reconnects. An idle
    subscription is PINGed every ``idle_ping_s`` so a silent connection loss is noticed too.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        backoff_min_s: float = 0.1,
        backoff_max_s: float = 2.0,
        idle_ping_s: float = 5.0,
    ) -> None:
        self._redis = redis
        self._backoff = (backoff_min_s, backoff_max_s)
        self._idle_ping_s = idle_ping_s
        self._channels: set[str] = set()
        self._pubsub: PubSub | None = None
        self._lock = asyncio.Lock()  # one command at a time while the subscription is (re)built
        self._wanted = asyncio.Event()  # some channel is subscribed
        self._connected = False
        self._outage = Outage("channel subscription", logger)
        self._recovery_hooks: list[Callable[[], None]] = []
        self._publish = redis.register_script(_PUBLISH)

    @property
    def problem(self) -> str | None:
        """None while subscribed (or nothing to subscribe to yet), else why events are not heard."""
        if self._outage.down:
            return self._outage.problem
        if self._channels and not self._connected:
            return "channel subscription not established yet"
        return None

    def on_recovered(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` each time the subscription is back after a loss."""
        self._recovery_hooks.append(hook)

    async def on_startup(self) -> None:
        pass

    async def on_shutdown(self) -> None:
        async with self._lock:
            await self._drop()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        await self.publish_all([(data, channels)])

    async def publish_all(self, batch: Iterable[tuple[bytes, Iterable[str]]]) -> None:
        """Publish each payload on its channels, in order, in one round trip."""
        keys: list[str] = []
        args: list[bytes | int] = []
        for data, channels in batch:
            named = sorted(set(channels))
            keys += named
            args += (len(named), data)
        if args:
            await self._publish(keys=keys, args=args)

    async def subscribe(self, channels: Iterable[str]) -> None:
        new = set(channels) - self._channels
        if not new:
            return
        self._channels |= new
        self._wanted.set()
        async with self._lock:
            if self._pubsub is not None:
                try:
                    await self._pubsub.subscribe(*new)
                except Exception as error:  # the reader meets the same failure and resubscribes everything
                    logger.debug("subscribe to %s deferred: %s", sorted(new), error)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        gone = set(channels) & self._channels
        if not gone:
            return
        self._channels -= gone
        if not self._channels:
            self._wanted.clear()
        async with self._lock:
            if self._pubsub is not None:
                with contextlib.suppress(Exception):  # a reconnect subscribes only what is still wanted
                    await self._pubsub.unsubscribe(*gone)

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        delay = self._backoff[0]
        while True:
            await self._wanted.wait()
            try:
                pubsub = await self._connect()
                delay = self._backoff[0]
                async for event in self._read(pubsub):
                    yield event
                async with self._lock:  # every channel was unsubscribed: free the connection until one is wanted
                    await self._drop()
                self._connected = False
            except Exception as error:
                self._connected = False
                self._outage.failed(error, consequence="live events are not heard until it reconnects")
                async with self._lock:
                    await self._drop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._backoff[1])

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        raise NotImplementedError("pub/sub keeps no history")

    async def _connect(self) -> PubSub:
        async with self._lock:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(*self._channels)
            except BaseException:
                await _close(pubsub)
                raise
            self._pubsub = pubsub
        self._connected = True
        if self._outage.down:
            self._outage.recovered()
            for hook in self._recovery_hooks:
                hook()
        return pubsub

    async def _read(self, pubsub: PubSub) -> AsyncGenerator[tuple[str, bytes], None]:
        heard, pinged = time.monotonic(), None  # when Redis last spoke; when an unanswered PING went out
        while self._channels:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=self._idle_ping_s)
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, None
                channel = message["channel"].decode() if message["type"] == "message" else None
                if channel in self._channels:  # an unsubscribe takes effect after events already on the way
                    yield channel, message["data"]
            elif pinged is not None and now - pinged >= self._idle_ping_s:
                raise TimeoutError(f"no answer from Redis to a PING within {self._idle_ping_s} s")
            elif pinged is None and now - heard >= self._idle_ping_s:
                await pubsub.ping()
                pinged = now

    async def _drop(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            await _close(pubsub)


async def _close(pubsub: PubSub) -> None:
    with contextlib.suppress(Exception):  # a connection already broken has nothing left to close
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
