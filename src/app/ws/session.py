"""One live socket: channel subscriptions that grow and shrink while it is open, serialized sends,
and a frame loop that answers refused frames with an error frame and keeps the socket open."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from app.core.shared.errors import DomainError, RateLimitedError
from app.ports.notifier import Envelope
from app.ws.frames import MAX_FRAME_BYTES, decode_client_frame, encode, error_frame
from app.ws.hub import ChannelHub
from app.ws.transport import DirectWriter

logger = logging.getLogger("app.ws")

FrameHandler = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
# Sees each event of one joined channel before it is sent; returns whether to send it.
EventHook = Callable[[Envelope], Awaitable[bool]]
# Decides at once about an event of one joined channel: send it, drop it, or None: ask the EventHook.
Admit = Callable[[Envelope], bool | None]
_ABSENT: Any = object()
INTERNAL_ERROR_FRAME: dict[str, Any] = {
    "type": "error",
    "code": "internal_error",
    "detail": "The frame could not be handled; the socket stays open.",
}


# What a client may send on any socket unless configured otherwise (the chat socket's CHAT_FRAME_*).
FRAME_RATE, FRAME_BURST = 20.0, 40


class FrameRateLimiter:
    """A token bucket: ``rate`` frames per second on average, bursts up to ``burst``."""

    __slots__ = ("_burst", "_rate", "_stamp", "_tokens")

    def __init__(self, rate: float = FRAME_RATE, burst: int = FRAME_BURST) -> None:
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
    """Wraps an accepted socket. ``join``/``leave`` change its channels at any time; events of every
    joined channel pass through one inbox, in arrival order, and every send holds one lock. An idle
    socket holds no task: one runs only while its inbox has events.

    A socket starts *held*: events that arrive wait until ``release(floor)``, once what the client
    must see first (history, a replay of what it missed) is sent. From then on an event at or below
    ``floor`` in its stream is dropped, since the client already has it.
    """

    __slots__ = ("_direct", "_held", "_hooks", "_hub", "_inbox", "_send_lock", "_sender", "closed", "floor", "socket")

    def __init__(self, socket: WebSocket[Any, Any, Any], hub: ChannelHub) -> None:
        self.socket = socket
        self._hub = hub
        self._direct = DirectWriter(getattr(socket, "send", None))
        self._hooks: dict[str, tuple[Admit | None, EventHook | None]] = {}
        self._inbox: deque[tuple[str, Envelope, bytes, bool]] | None = None  # only while events wait
        self._sender: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()
        self._held = True
        self.floor = 0
        self.closed = False

    def hold(self) -> None:
        """Keep arriving events waiting (until ``release``) while something must be sent first."""
        self._held = True

    def release(self, floor: int = 0) -> None:
        """Let events through, dropping those at or below position ``floor`` (already sent)."""
        self.floor = max(self.floor, floor)
        self._held = False
        if self._inbox and self._sender is None:
            self._sender = asyncio.create_task(self._send_inbox())

    @property
    def joined(self) -> frozenset[str]:
        return frozenset(self._hooks)

    async def send(self, frame: dict[str, Any] | bytes) -> None:
        """Send one JSON frame (a dict, or bytes already encoded)."""
        data = frame if isinstance(frame, bytes) else encode(frame)
        async with self._send_lock:
            if not self.closed:
                await self.socket.send_text(data.decode())

    async def join(self, channel: str, *, on_event: EventHook | None = None, admit: Admit | None = None) -> None:
        """Start forwarding the events of ``channel`` to this socket (no-op when already joined).

        ``admit`` decides about each event at once (send, drop, or None to ask ``on_event``);
        ``on_event`` sees the events ``admit`` leaves open (all, without ``admit``), may join or leave
        channels, and decides whether each is sent. An event admitted at once while nothing waits
        is written to the transport there and then.
        """
        if channel in self._hooks or self.closed:
            return
        self._hooks[channel] = (admit, on_event)
        try:
            await self._hub.join(channel, self)
        except BaseException:
            self._hooks.pop(channel, None)
            raise

    async def leave(self, channel: str) -> None:
        """Stop forwarding ``channel`` (no-op when not joined); its events still waiting are dropped."""
        if self._hooks.pop(channel, _ABSENT) is not _ABSENT:
            await self._hub.leave(channel, self)

    async def leave_all(self) -> None:
        for channel in list(self._hooks):
            await self.leave(channel)
        if self._sender is not None and self._sender is not asyncio.current_task():
            self._sender.cancel()

    def deliver(self, channel: str, envelope: Envelope, frame: bytes) -> None:
        """Send one event of a joined channel (``frame``: framed for the wire) if nothing waits
        before it and it is decided at once, else queue it (called by the hub; never blocks)."""
        if self.closed:
            return
        admitted = False
        if self._inbox is None and not self._held:
            verdict = self._admit(channel, envelope)
            if verdict is False:
                return
            if verdict and not self._send_lock.locked() and self._direct.write(frame):
                return
            admitted = bool(verdict)
        if self._inbox is None:
            self._inbox = deque()
        self._inbox.append((channel, envelope, frame, admitted))
        if self._sender is None and not self._held:
            self._sender = asyncio.create_task(self._send_inbox())

    def _admit(self, channel: str, envelope: Envelope) -> bool | None:
        """Send (True), drop (False), or ask the channel's ``on_event`` (None)."""
        hooks = self._hooks.get(channel)
        if hooks is None or 0 < envelope.seq <= self.floor:
            return False  # left after this event arrived, or already sent
        admit, on_event = hooks
        if admit is not None:
            return admit(envelope)
        return True if on_event is None else None

    async def serve(
        self,
        handle: FrameHandler,
        *,
        max_frame_bytes: int = MAX_FRAME_BYTES,
        rate_limit: FrameRateLimiter | None = None,
    ) -> None:
        """Read client frames until the client leaves; reply with what ``handle`` returns.

        A frame that is not a JSON object, too large, too deeply nested, too fast, or refused by the
        domain gets an ``error`` frame; so does one that fails unexpectedly (``internal_error``, logged).
        The socket stays open. Subscriptions end when the loop does.
        """
        socket = self.socket
        # The server's own receive where the socket keeps it (``LeanWebSocket``): one frame less
        # under every waiting socket. The disconnect is then marked here, as Litestar's guard does.
        receive = getattr(socket, "asgi_receive", None) or socket.receive
        try:
            while socket.connection_state != "disconnect":
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    socket.connection_state = "disconnect"
                    break
                data = message.get("text") or message.get("bytes")
                raw = data if isinstance(data, str | bytes) else b""
                try:
                    if rate_limit is not None and not rate_limit.allow():
                        raise RateLimitedError(1, "Too many frames; slow down.")
                    reply = await handle(decode_client_frame(raw, max_bytes=max_frame_bytes))
                except DomainError as error:
                    reply = error_frame(error)
                except WebSocketDisconnect:
                    raise
                except Exception:  # a frame the service could not handle: answer it, keep reading
                    logger.exception("could not handle a client frame")
                    reply = INTERNAL_ERROR_FRAME
                if reply is not None:
                    await self.send(reply)
        except WebSocketDisconnect:
            pass
        finally:
            self.closed = True
            await self.leave_all()

    async def _send_inbox(self) -> None:
        """Send waiting events in order until none is left, each past its channel's hook."""
        try:
            while self._inbox and not self.closed and not self._held:
                channel, envelope, frame, admitted = self._inbox.popleft()
                verdict = self._admit(channel, envelope) if not admitted or channel not in self._hooks else True
                if verdict is False:
                    continue
                try:
                    if verdict is None:
                        on_event = self._hooks[channel][1]
                        verdict = on_event is None or await on_event(envelope)
                    if verdict and (self._send_lock.locked() or not self._direct.write(frame)):
                        await self.send(envelope.frame)
                except (WebSocketDisconnect, RuntimeError, OSError) as error:
                    logger.debug("socket gone while forwarding: %s", error)
                    return
                except Exception:  # one event's fault must not stop the ones after it
                    logger.exception("could not forward an event of %s", channel)
        finally:
            self._sender = None
            if not self._inbox:
                self._inbox = None  # nothing waits: an idle socket keeps no queue
