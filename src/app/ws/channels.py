"""Channel names: which sockets hear which domain events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from app.core.shared.domain_events import DomainEvent

SYSTEM_CHANNEL = "_system"

EventRoute = Callable[[Any], Sequence[str]]

# Each context registers where its domain events go: event type → channel names.
EVENT_ROUTES: dict[type[DomainEvent], EventRoute] = {}


def channels_for(event: DomainEvent) -> Sequence[str]:
    """Every channel an event is published on."""
    route = EVENT_ROUTES.get(type(event))
    return route(event) if route else ()


def user_channel(user_id: int) -> str:
    """The private channel of one user, heard by every socket that user has open."""
    return f"user:{user_id}"
