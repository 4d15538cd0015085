"""SQL storage of the ticketing context: events, reservations, an event's spots."""

from app.adapters.db.repositories.ticketing.events import SqlEventRepository
from app.adapters.db.repositories.ticketing.reservations import SqlReservationRepository
from app.adapters.db.repositories.ticketing.rows import (
    EVENT_COLUMNS,
    event_from_columns,
    event_from_row,
    reservation_from_row,
)
from app.adapters.db.repositories.ticketing.spots import SqlSpotRepository

__all__ = [
    "EVENT_COLUMNS",
    "SqlEventRepository",
    "SqlReservationRepository",
    "SqlSpotRepository",
    "event_from_columns",
    "event_from_row",
    "reservation_from_row",
]
