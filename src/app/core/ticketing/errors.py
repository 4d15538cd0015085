"""Errors of the ticketing context, each with its API code."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from app.core.shared.errors import InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError


class EventNotFoundError(NotFoundError):
    code = "event_not_found"
    default_detail = "No such event."


class ReservationNotFoundError(NotFoundError):
    code = "reservation_not_found"
    default_detail = "No such reservation."


class InvalidTicketError(NotFoundError):
    code = "invalid_ticket"
    default_detail = "This ticket is not valid."


class OrganizerOnlyError(NotAllowedError):
    code = "organizer_only"
    default_detail = "Only organizers may do this."


class NotEventOwnerError(NotAllowedError):
    code = "not_event_owner"
    default_detail = "Only the event's organizer may do this."


class InvalidEventError(InvalidInputError):
    code = "invalid_event"
    default_detail = "The event is invalid."


class InvalidTransitionError(RuleViolationError):
    code = "invalid_transition"
    default_detail = "The event cannot move to that status from its current one."
    extra_fields: ClassVar[tuple[str, ...]] = ("current_status", "target_status")

    def __init__(self, current_status: str, target_status: str) -> None:
        super().__init__(f"An event cannot go from {current_status} to {target_status}.")
        self.current_status, self.target_status = current_status, target_status


class EventNotEditableError(RuleViolationError):
    code = "event_not_editable"
    default_detail = "A cancelled event cannot be edited."


class CapacityBelowConfirmedError(RuleViolationError):
    code = "capacity_below_confirmed"
    default_detail = "The capacity cannot be lower than the number of confirmed reservations."


class EventNotOpenError(RuleViolationError):
    code = "event_not_open"
    default_detail = "This event does not take reservations."


class AlreadyReservedError(RuleViolationError):
    code = "already_reserved"
    default_detail = "You already hold a reservation for this event."


class EventFullError(RuleViolationError):
    code = "event_full"
    default_detail = "The event has no spot left to confirm this reservation."


class NotPendingError(RuleViolationError):
    code = "not_pending"
    default_detail = "Only a pending reservation can be confirmed or rejected."


class ReservationClosedError(RuleViolationError):
    code = "reservation_not_live"
    default_detail = "This reservation is already cancelled or rejected."


class NotConfirmedError(RuleViolationError):
    code = "not_confirmed"
    default_detail = "The reservation is not confirmed, so its ticket is not valid."
    extra_fields: ClassVar[tuple[str, ...]] = ("reservation_status",)

    def __init__(self, reservation_status: str) -> None:
        super().__init__(f"The reservation is {reservation_status}, so its ticket is not valid.")
        self.reservation_status = reservation_status


class AlreadyCheckedInError(RuleViolationError):
    code = "already_checked_in"
    default_detail = "This ticket was already checked in."
    extra_fields: ClassVar[tuple[str, ...]] = ("checked_in_at",)

    def __init__(self, checked_in_at: datetime) -> None:
        super().__init__(f"This ticket was already checked in at {checked_in_at.isoformat()}.")
        self.checked_in_at = checked_in_at
