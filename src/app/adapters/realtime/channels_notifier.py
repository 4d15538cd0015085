"""Publishing domain events through Litestar Channels (memory backend, or Redis across processes)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from litestar.channels import ChannelsBackend

from app.adapters.outage import Outage
from app.adapters.realtime.redis_pubsub import SupervisedRedisPubSubBackend
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
    position; events the router declines (None) are not published. The events of one call (a batch
    of messages) go to the Channels backend together: in order, in one Redis round trip.

    Events are published after their change committed, so a failure to publish (Redis away) never
    reaches the caller: the change stands and is answered as done. Each such event is counted in
    ``undelivered``; the outage is logged once when it starts and once when publishing works again.
    """

    def __init__(self, backend: ChannelsBackend, *, route: EventRouter, history: EventHistory) -> None:
        self._backend, self._route, self._history = backend, route, history
        self._outage = Outage("publishing live events", logger)

    @property
    def undelivered(self) -> int:
        """Events that could not be published since the process started."""
        return self._outage.total_failures

    async def publish(self, *events: DomainEvent) -> None:
        names: list[str] = []
        batch: list[tuple[bytes, list[str]]] = []
        for event in events:
            routed = self._route(event)
            if routed is None or not routed.channels:
                continue
            envelope = routed.envelope
            if routed.stream is not None:
                try:
                    envelope = await self._history.append(routed.stream, envelope)
                except Exception as error:
                    self._failed(error, 1)
                    continue
            names.append(type(event).__name__)
            batch.append((envelope.pack(), list(routed.channels)))
        if not batch:
            return
        try:
            await self._publish_all(batch)
        except Exception as error:
            self._failed(error, len(batch))
        else:
            for name in names:
                event_published(name)
            self._outage.recovered()

    async def _publish_all(self, batch: list[tuple[bytes, list[str]]]) -> None:
        if isinstance(self._backend, SupervisedRedisPubSubBackend):
            await self._backend.publish_all(batch)
            return
        for data, channels in batch:  # the in-process backend: no round trip to save
            await self._backend.publish(data, channels)

    def _failed(self, error: Exception, events: int) -> None:
        PUBLISH_FAILURES.inc(events)
        self._outage.failed(
            error, consequence="committed changes stand; their live events are dropped", operations=events
        )
