"""SQL storage of the ticketing context: events, reservations, an event's spots."""

from app.adapters.db.repositories.ticketing.events import SqlEventRepository
from app.adapters.db.repositories.ticketing.reservations import SqlReservationRepository
from app.adapters.db.repositories.ticketing.rows import event_from_row, reservation_from_row
from app.adapters.db.repositories.ticketing.spots import SqlSpotRepository

__all__ = [
    "SqlEventRepository",
    "SqlReservationRepository",
    "SqlSpotRepository",
    "event_from_row",
    "reservation_from_row",
]
