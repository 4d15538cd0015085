"""One live socket: channel subscriptions that grow and shrink while it is open, serialized sends,
and a frame loop that answers refused frames with an error frame and keeps the socket open."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import WebSocket
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.exceptions import WebSocketDisconnect

from app.core.shared.errors import DomainError, RateLimitedError
from app.ws.frames import MAX_FRAME_BYTES, decode_client_frame, encode, error_frame

logger = logging.getLogger("app.ws")

FrameHandler = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
# Sees each event of one joined channel before it is sent; returns whether to send it.
EventHook = Callable[[bytes], Awaitable[bool]]


class FrameRateLimiter:
    """A token bucket: ``rate`` frames per second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate, self._burst = rate, float(burst)
        self._tokens, self._stamp = float(burst), time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False


class LiveSocket:
    """Wraps an accepted socket. ``join``/``leave`` change its channels at any time (one Channels
    subscriber per channel, since a subscriber cannot gain channels); every send holds one lock."""

    def __init__(self, socket: WebSocket[Any, Any, Any], channels: ChannelsPlugin) -> None:
        self.socket = socket
        self._channels = channels
        self._subscribers: dict[str, tuple[Subscriber, asyncio.Task[None]]] = {}
        self._send_lock = asyncio.Lock()
        self.closed = False

    @property
    def joined(self) -> frozenset[str]:
        return frozenset(self._subscribers)

    async def send(self, frame: dict[str, Any] | bytes) -> None:
        """Send one JSON frame (a dict, or bytes already encoded)."""
        data = frame if isinstance(frame, bytes) else encode(frame)
        async with self._send_lock:
            if not self.closed:
                await self.socket.send_text(data.decode())

    async def join(self, channel: str, *, on_event: EventHook | None = None) -> None:
        """Start forwarding the events of ``channel`` to this socket (no-op when already joined).

        ``on_event`` sees each event first (it may join other channels) and decides whether it is sent.
        """
        if channel in self._subscribers or self.closed:
            return
        subscriber = await self._channels.subscribe([channel])
        task = asyncio.create_task(self._forward(subscriber, on_event))
        self._subscribers[channel] = (subscriber, task)

    async def leave(self, channel: str) -> None:
        """Stop forwarding ``channel`` (no-op when not joined)."""
        entry = self._subscribers.pop(channel, None)
        if entry is None:
            return
        subscriber, task = entry
        with contextlib.suppress(KeyError):
            await self._channels.unsubscribe(subscriber)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def leave_all(self) -> None:
        for channel in list(self._subscribers):
            await self.leave(channel)

    async def serve(
        self,
        handle: FrameHandler,
        *,
        max_frame_bytes: int = MAX_FRAME_BYTES,
        rate_limit: FrameRateLimiter | None = None,
    ) -> None:
        """Read client frames until the client leaves; reply with what ``handle`` returns.

        A frame that is not a JSON object, too large, too fast, or refused by the domain gets an
        ``error`` frame; the socket stays open. Subscriptions end when the loop does.
        """
        try:
            while True:
                message = await self.socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("text") or message.get("bytes")
                raw = data if isinstance(data, str | bytes) else b""
                try:
                    if rate_limit is not None and not rate_limit.allow():
                        raise RateLimitedError(1, "Too many frames; slow down.")
                    reply = await handle(decode_client_frame(raw, max_bytes=max_frame_bytes))
                except DomainError as error:
                    reply = error_frame(error)
                if reply is not None:
                    await self.send(reply)
        except WebSocketDisconnect:
            pass
        finally:
            self.closed = True
            await self.leave_all()

    async def _forward(self, subscriber: Subscriber, on_event: EventHook | None = None) -> None:
        try:
            async for data in subscriber.iter_events():
                if on_event is None or await on_event(data):
                    await self.send(data)
        except (WebSocketDisconnect, RuntimeError, OSError) as error:
            logger.debug("socket gone while forwarding: %s", error)
