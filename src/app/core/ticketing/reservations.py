"""Reservation rules: confirmed while spots are left, else waitlisted in arrival order, or pending
when the organizer approves each one; a freed spot goes to the first on the waiting list at once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from app.core.ticketing.errors import (
    AlreadyCheckedInError,
    CapacityBelowConfirmedError,
    EventFullError,
    NotPendingError,
    ReservationClosedError,
)
from app.core.ticketing.model import Event


class ReservationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


LIVE_STATUSES = frozenset({ReservationStatus.PENDING, ReservationStatus.CONFIRMED, ReservationStatus.WAITLISTED})


@dataclass(slots=True, kw_only=True)
class Reservation:
    """One user's claim on a spot. ``position`` is the place on the waiting list (1 is next)."""

    id: int = 0
    event_id: int
    user_id: int
    status: ReservationStatus
    position: int | None = None
    ticket_nonce: str
    created_at: datetime | None = None
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    idempotency_key: str | None = None  # the holder's key: a repeat of the reservation returns this one
    ticket_secret: str | None = None  # shown to the holder of a confirmed reservation; never stored

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def confirm(self, now: datetime) -> None:
        self.status, self.position, self.confirmed_at = ReservationStatus.CONFIRMED, None, now

    def cancel(self, now: datetime) -> ReservationStatus:
        """Cancel a live reservation that was not checked in; returns the status it had."""
        if not self.is_live:
            raise ReservationClosedError()
        if self.checked_in_at is not None:
            raise AlreadyCheckedInError(self.checked_in_at)
        previous = self.status
        self.status, self.position, self.cancelled_at = ReservationStatus.CANCELLED, None, now
        return previous


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a reservation, as the organizer and the ticket show them."""

    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class HeldReservation:
    reservation: Reservation
    holder: Holder


@dataclass(frozen=True, slots=True)
class Tally:
    """How many live reservations an event has, by status (checked-in ones are also confirmed)."""

    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0
    checked_in: int = 0

    def spots_left(self, capacity: int) -> int:
        return max(0, capacity - self.confirmed)

    def moved(self, old: ReservationStatus | None, new: ReservationStatus | None) -> Tally:
        """The tally after one reservation went from ``old`` to ``new`` (None: absent or closed)."""
        counts = {"confirmed": self.confirmed, "pending": self.pending, "waitlisted": self.waitlisted}
        for status, step in ((old, -1), (new, 1)):
            if status is not None and status.value in counts:
                counts[status.value] += step
        return replace(self, **counts)


def place(
    event: Event, tally: Tally, *, user_id: int, nonce: str, now: datetime, idempotency_key: str | None = None
) -> Reservation:
    """A new reservation: pending under approval, confirmed while spots are left, else waitlisted last."""
    event.ensure_open()
    reservation = Reservation(
        event_id=event.id,
        user_id=user_id,
        ticket_nonce=nonce,
        status=ReservationStatus.PENDING,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    if event.requires_approval:
        return reservation
    if tally.confirmed < event.capacity:
        reservation.confirm(now)
    else:
        reservation.status, reservation.position = ReservationStatus.WAITLISTED, tally.waitlisted + 1
    return reservation


def decide(event: Event, tally: Tally, reservation: Reservation, *, approve: bool, now: datetime) -> None:
    """The organizer confirms a pending reservation (only within capacity) or rejects it."""
    if reservation.status is not ReservationStatus.PENDING:
        raise NotPendingError()
    if not approve:
        reservation.status = ReservationStatus.REJECTED
        return
    if tally.confirmed >= event.capacity:
        raise EventFullError()
    reservation.confirm(now)


def free_spots(event: Event, tally: Tally) -> int:
    """How many waitlisted reservations may be promoted now."""
    return min(tally.waitlisted, tally.spots_left(event.capacity))


def check_capacity_change(new_capacity: int, tally: Tally) -> None:
    if new_capacity < tally.confirmed:
        raise CapacityBelowConfirmedError(
            f"{tally.confirmed} reservations are confirmed; the capacity cannot go below that."
        )
