"""Publishing domain events through Litestar Channels (memory backend, or Redis across processes)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from litestar.channels import ChannelsPlugin

from app.adapters.outage import Outage
from app.core.shared.domain_events import DomainEvent
from app.observability.metrics import PUBLISH_FAILURES, event_published
from app.ports.history import EventHistory
from app.ports.notifier import Routed

EventRouter = Callable[[DomainEvent], Routed | None]

logger = logging.getLogger("app.realtime")


class ChannelsNotifier:
    """Publishes each event once, as a packed envelope, on every channel the router names.

    The router comes from the WebSocket layer through the composition root, so this adapter knows no
    frame shapes. An event with a history stream is first kept in ``history``, which gives it its
    position; events the router declines (None) are not published.

    Events are published after their change committed, so a failure to publish (Redis away) never
    reaches the caller: the change stands and is answered as done. Each such event is counted in
    ``undelivered``; the outage is logged once when it starts and once when publishing works again.
    """

    def __init__(self, channels: ChannelsPlugin, *, route: EventRouter, history: EventHistory) -> None:
        self._channels, self._route, self._history = channels, route, history
        self._outage = Outage("publishing live events", logger)

    @property
    def undelivered(self) -> int:
        """Events that could not be published since the process started."""
        return self._outage.total_failures

    async def publish(self, *events: DomainEvent) -> None:
        for event in events:
            routed = self._route(event)
            if routed is None or not routed.channels:
                continue
            try:
                envelope = routed.envelope
                if routed.stream is not None:
                    envelope = await self._history.append(routed.stream, envelope)
                await self._channels.wait_published(envelope.pack(), list(routed.channels))
            except Exception as error:
                PUBLISH_FAILURES.inc()
                self._outage.failed(error, consequence="committed changes stand; their live events are dropped")
            else:
                event_published(type(event).__name__)
                self._outage.recovered()
