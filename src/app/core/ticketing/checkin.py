"""Check-in rules: only a confirmed ticket gets in, and only once."""

from __future__ import annotations

from datetime import datetime

from app.core.ticketing.errors import AlreadyCheckedInError, NotConfirmedError
from app.core.ticketing.reservations import Reservation, ReservationStatus


def ensure_admissible(reservation: Reservation) -> None:
    """Refuse a ticket whose reservation is not confirmed, or that was checked in already."""
    if reservation.status is not ReservationStatus.CONFIRMED:
        raise NotConfirmedError(reservation.status.value)
    if reservation.checked_in_at is not None:
        raise AlreadyCheckedInError(reservation.checked_in_at)


def check_in(reservation: Reservation, now: datetime) -> None:
    ensure_admissible(reservation)
    reservation.checked_in_at = now
