"""Where ticketing events go on the wire: metrics frames on each event's metrics channel, kept in
the event's metrics stream so a socket that reconnects gets the snapshots it missed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.core.ticketing.domain_events import EventMetricsChanged
from app.core.ticketing.metrics import EventMetrics
from app.ws.frames import Outbound, Outbounds


def metrics_channel(event_id: int) -> str:
    """The channel every metrics socket of one event listens on."""
    return f"event:{event_id}:metrics"


def metrics_stream(event_id: int) -> str:
    """The history stream of one event's metrics snapshots."""
    return f"metrics:{event_id}"


def metrics_frame(metrics: EventMetrics) -> dict[str, Any]:
    """``{"type": "metrics", "event_id", "confirmed_count", "pending_count", "waitlist_count",
    "checked_in_count", "spots_left", "capacity"}``."""
    return {"type": "metrics", **asdict(metrics)}


OUTBOUNDS: Outbounds = {
    EventMetricsChanged: Outbound[EventMetricsChanged](
        frame=lambda event: metrics_frame(event.metrics),
        channels=lambda event: [metrics_channel(event.event_id)],
        stream=lambda event: metrics_stream(event.event_id),
        scope="event_id",
    ),
}
