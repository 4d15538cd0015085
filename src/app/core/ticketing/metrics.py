"""Live metrics of an event, from the same tally the reservation rules use."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.ticketing.model import Event
from app.core.ticketing.reservations import Tally


@dataclass(frozen=True, slots=True, kw_only=True)
class EventMetrics:
    event_id: int
    capacity: int
    confirmed_count: int
    pending_count: int
    waitlist_count: int
    checked_in_count: int
    spots_left: int

    @classmethod
    def of(cls, event: Event, tally: Tally) -> EventMetrics:
        return cls(
            event_id=event.id,
            capacity=event.capacity,
            confirmed_count=tally.confirmed,
            pending_count=tally.pending,
            waitlist_count=tally.waitlisted,
            checked_in_count=tally.checked_in,
            spots_left=tally.spots_left(event.capacity),
        )


@dataclass(frozen=True, slots=True)
class EventOverview:
    """An event with its figures, for the organizer's panel."""

    event: Event
    metrics: EventMetrics
