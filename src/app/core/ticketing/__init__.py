"""The ticketing context: events, reservations with a waiting list, signed tickets, check-in, metrics.

The use cases live in ``app.core.ticketing.services`` (not re-exported here: ports import this package)."""

from app.core.ticketing.metrics import EventMetrics, EventOverview
from app.core.ticketing.model import Event, EventFilter, EventStatus
from app.core.ticketing.reservations import Reservation, ReservationStatus, Tally
from app.core.ticketing.tickets import TicketClaim, TicketDocument

__all__ = [
    "Event",
    "EventFilter",
    "EventMetrics",
    "EventOverview",
    "EventStatus",
    "Reservation",
    "ReservationStatus",
    "Tally",
    "TicketClaim",
    "TicketDocument",
]
