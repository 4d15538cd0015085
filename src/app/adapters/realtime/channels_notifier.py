"""Publishing domain events through Litestar Channels (memory backend, or Redis across processes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from litestar.channels import ChannelsPlugin

from app.core.shared.domain_events import DomainEvent

EventEncoder = Callable[[DomainEvent], bytes | None]
EventRouter = Callable[[DomainEvent], Sequence[str]]


class ChannelsNotifier:
    """Encodes each event once and publishes it on every channel the router names.

    The encoder and router come from the WebSocket layer through the composition root, so this
    adapter knows no frame shapes. Events the encoder declines (None) are not published.
    """

    def __init__(self, channels: ChannelsPlugin, *, encode: EventEncoder, route: EventRouter) -> None:
        self._channels, self._encode, self._route = channels, encode, route

    async def publish(self, *events: DomainEvent) -> None:
        for event in events:
            data = self._encode(event)
            names = list(self._route(event))
            if data is not None and names:
                await self._channels.wait_published(data, names)
