"""What happens in the ticketing context, published after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.shared.domain_events import DomainEvent
from app.core.ticketing.metrics import EventMetrics


@dataclass(frozen=True, slots=True, kw_only=True)
class EventMetricsChanged(DomainEvent):
    """A reservation, cancellation, decision or check-in changed an event's figures.

    ``stamp`` orders the changes of one event in this process (taken under the event's lock), so a
    snapshot overtaken by a newer one on its way out is dropped instead of published late."""

    metrics: EventMetrics
    stamp: int = 0

    @property
    def event_id(self) -> int:
        return self.metrics.event_id


@dataclass(frozen=True, slots=True, kw_only=True)
class ReservationPromoted(DomainEvent):
    """A waitlisted reservation took a freed spot."""

    reservation_id: int
    event_id: int
    user_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EventStatusChanged(DomainEvent):
    event_id: int
    status: str
    previous_status: str
