"""Where ticketing events go on the wire: metrics frames on each event's metrics channel.

Imported by the composition root, which registers these in ``EVENT_FRAMES`` / ``EVENT_ROUTES``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.core.ticketing.domain_events import EventMetricsChanged
from app.core.ticketing.metrics import EventMetrics
from app.ws.channels import EVENT_ROUTES
from app.ws.frames import EVENT_FRAMES


def metrics_channel(event_id: int) -> str:
    """The channel every metrics socket of one event listens on."""
    return f"event:{event_id}:metrics"


def metrics_frame(metrics: EventMetrics) -> dict[str, Any]:
    """``{"type": "metrics", "event_id", "confirmed_count", "pending_count", "waitlist_count",
    "checked_in_count", "spots_left", "capacity"}``."""
    return {"type": "metrics", **asdict(metrics)}


def register() -> None:
    """Teach the notifier how ticketing events look on the wire and which sockets hear them."""
    EVENT_FRAMES[EventMetricsChanged] = lambda event: metrics_frame(event.metrics)
    EVENT_ROUTES[EventMetricsChanged] = lambda event: [metrics_channel(event.event_id)]


register()
