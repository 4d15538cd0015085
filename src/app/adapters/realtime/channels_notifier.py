"""Publishing domain events through Litestar Channels (memory backend, or Redis across processes)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from litestar.channels import ChannelsPlugin

from app.adapters.outage import Outage
from app.core.shared.domain_events import DomainEvent

EventEncoder = Callable[[DomainEvent], bytes | None]
EventRouter = Callable[[DomainEvent], Sequence[str]]

logger = logging.getLogger("app.realtime")


class ChannelsNotifier:
    """Encodes each event once and publishes it on every channel the router names.

    The encoder and router come from the WebSocket layer through the composition root, so this
    adapter knows no frame shapes. Events the encoder declines (None) are not published.

    Events are published after their change committed, so a failure to publish (Redis away) never
    reaches the caller: the change stands and is answered as done. Each such event is counted in
    ``undelivered``; the outage is logged once when it starts and once when publishing works again.
    """

    def __init__(self, channels: ChannelsPlugin, *, encode: EventEncoder, route: EventRouter) -> None:
        self._channels, self._encode, self._route = channels, encode, route
        self._outage = Outage("publishing live events", logger)

    @property
    def undelivered(self) -> int:
        """Events that could not be published since the process started."""
        return self._outage.total_failures

    async def publish(self, *events: DomainEvent) -> None:
        for event in events:
            data = self._encode(event)
            names = list(self._route(event))
            if data is None or not names:
                continue
            try:
                await self._channels.wait_published(data, names)
            except Exception as error:
                self._outage.failed(error, consequence="committed changes stand; their live events are dropped")
            else:
                self._outage.recovered()
