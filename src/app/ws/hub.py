"""One Channels subscription per channel per process, shared by every socket listening to it.

A socket that joins a channel registers with the hub; the first listener of a channel subscribes
this process to it, the last one to leave unsubscribes. The channel's single reader unpacks each
event's envelope once, frames it once, and hands both to every listener without waiting for any
of them, so a slow socket never holds up the others, and an idle socket costs no task and no queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from litestar.channels import ChannelsPlugin, Subscriber

from app.observability.metrics import EVENTS_DELIVERED, SUBSCRIPTION_FAILURES
from app.ports.notifier import Envelope
from app.ws.transport import text_frame

logger = logging.getLogger("app.ws")


class Listener(Protocol):
    def deliver(self, channel: str, envelope: Envelope, frame: bytes) -> None:
        """Take one event of ``channel`` (``frame``: its WebSocket frame, shared by every listener);
        must not block."""


@dataclass(eq=False, slots=True)
class _Feed:
    """This process's subscription to one channel, and who listens to it."""

    listeners: set[Listener] = field(default_factory=set)
    ready: asyncio.Future[Subscriber] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    reader: asyncio.Task[None] | None = None


class ChannelHub:
    def __init__(self, channels: ChannelsPlugin) -> None:
        self._channels = channels
        self._feeds: dict[str, _Feed] = {}

    def listeners(self, channel: str) -> int:
        """How many listeners this process has on ``channel``."""
        feed = self._feeds.get(channel)
        return len(feed.listeners) if feed else 0

    async def join(self, channel: str, listener: Listener) -> None:
        """Hand ``listener`` every event published on ``channel`` from the moment this returns."""
        feed = self._feeds.get(channel)
        if feed is not None:
            feed.listeners.add(listener)
            try:
                await asyncio.shield(feed.ready)
            except BaseException:
                feed.listeners.discard(listener)
                raise
            return
        feed = self._feeds[channel] = _Feed(listeners={listener})
        try:
            subscriber = await self._channels.subscribe([channel])
        except BaseException as error:
            SUBSCRIPTION_FAILURES.inc()
            if self._feeds.get(channel) is feed:
                del self._feeds[channel]
            feed.ready.set_exception(error if isinstance(error, Exception) else ConnectionError(channel))
            feed.ready.exception()  # retrieved here: the other joiners raise it too
            raise
        feed.reader = asyncio.create_task(self._read(channel, feed, subscriber))
        feed.ready.set_result(subscriber)

    async def leave(self, channel: str, listener: Listener) -> None:
        """Stop handing ``listener`` the events of ``channel``; the last listener ends the subscription."""
        feed = self._feeds.get(channel)
        if feed is None or listener not in feed.listeners:
            return
        feed.listeners.discard(listener)
        if feed.listeners:
            return
        del self._feeds[channel]
        with contextlib.suppress(Exception, asyncio.CancelledError):
            subscriber = await asyncio.shield(feed.ready)
            with contextlib.suppress(KeyError):
                await self._channels.unsubscribe(subscriber)
        if feed.reader is not None:
            feed.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await feed.reader

    async def _read(self, channel: str, feed: _Feed, subscriber: Subscriber) -> None:
        async for data in subscriber.iter_events():
            try:
                envelope = Envelope.unpack(data)
            except ValueError:
                logger.warning("dropped a message on %s that is not an event envelope", channel)
                continue
            frame = text_frame(envelope.frame)  # framed once for every socket of the channel
            listeners = tuple(feed.listeners)
            EVENTS_DELIVERED.inc(len(listeners))  # one increment per event, not per socket
            for listener in listeners:
                try:
                    listener.deliver(channel, envelope, frame)
                except Exception:  # one listener's fault must not cost the others their events
                    logger.exception("could not hand an event of %s to a socket", channel)
