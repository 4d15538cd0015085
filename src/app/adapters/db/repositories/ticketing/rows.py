"""Rows of the ``events`` and ``reservations`` tables to entities and back, and the constraints the
adapter translates into domain errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.adapters.db.models.ticketing import EventModel, ReservationModel
from app.core.shared.errors import DuplicateKeyError
from app.core.ticketing.errors import AlreadyReservedError
from app.core.ticketing.model import Event, EventStatus
from app.core.ticketing.reservations import LIVE_STATUSES, Reservation, ReservationStatus

RESERVATION_CONSTRAINTS = {
    "uq_reservations_live_user_event": AlreadyReservedError,
    "uq_reservations_idempotency_key": DuplicateKeyError,
    "reservations.event_id, reservations.user_id, reservations.idempotency_key": DuplicateKeyError,
    "reservations.event_id, reservations.user_id": AlreadyReservedError,
}
LIVE = [status.value for status in LIVE_STATUSES]
EVENT_FIELDS = (
    "owner_id",
    "title",
    "description",
    "starts_at",
    "location",
    "capacity",
    "requires_approval",
    "published_at",
    "cancelled_at",
    "image_url",
    "thumbnail_url",
    "creation_key",
)
RESERVATION_FIELDS = (
    "event_id",
    "user_id",
    "position",
    "ticket_nonce",
    "confirmed_at",
    "cancelled_at",
    "checked_in_at",
    "idempotency_key",
)


EVENT_COLUMNS = (
    EventModel.id,
    EventModel.status,
    EventModel.created_at,
    *(getattr(EventModel, n) for n in EVENT_FIELDS),
)
"""The columns an ``Event`` is made of, for a query that reads them without loading ORM objects."""


def event_from_columns(values: Sequence[Any]) -> Event:
    """An ``Event`` from a row of ``EVENT_COLUMNS``."""
    event_id, status, created_at, *fields = values
    return Event(
        id=event_id, status=EventStatus(status), created_at=created_at, **dict(zip(EVENT_FIELDS, fields, strict=True))
    )


def event_from_row(row: EventModel) -> Event:
    return Event(
        id=row.id,
        status=EventStatus(row.status),
        created_at=row.created_at,
        **{name: getattr(row, name) for name in EVENT_FIELDS},
    )


def reservation_from_row(row: ReservationModel) -> Reservation:
    return Reservation(
        id=row.id,
        status=ReservationStatus(row.status),
        created_at=row.created_at,
        **{name: getattr(row, name) for name in RESERVATION_FIELDS},
    )


def copy_fields(row: Any, entity: Any, names: tuple[str, ...]) -> None:
    for name in names:
        setattr(row, name, getattr(entity, name))
    row.status = entity.status.value
    if entity.created_at is not None and row.created_at is None:
        row.created_at = entity.created_at
