"""Publishing domain events to live subscribers."""

from __future__ import annotations

from typing import Protocol

from app.core.shared.domain_events import DomainEvent


class Notifier(Protocol):
    """Delivers domain events to every subscriber of the channels they concern, in any server process."""

    async def publish(self, *events: DomainEvent) -> None: ...
