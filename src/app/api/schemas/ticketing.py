"""Request and response bodies of the events, reservations and check-in endpoints."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, structs

from app.api.schemas.fields import PLAIN_TEXT, Id, RequestBody
from app.core.event_directory.organizers import MAX_ORGANIZERS
from app.core.ticketing.metrics import EventMetrics, EventOverview
from app.core.ticketing.model import MAX_CAPACITY, MAX_DESCRIPTION, MAX_LOCATION, MAX_TITLE, Event
from app.core.ticketing.reservations import HeldReservation, Holder, Reservation
from app.core.ticketing.services.door import TicketInspection

Title = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=MAX_TITLE, examples=["Tatra night hike"])]
Description = Annotated[str, PLAIN_TEXT, Meta(max_length=MAX_DESCRIPTION)]
Location = Annotated[str, PLAIN_TEXT, Meta(max_length=MAX_LOCATION, examples=["Zakopane, Krupówki 1"])]
Capacity = Annotated[int, Meta(ge=1, le=MAX_CAPACITY, examples=[50])]
StartsAt = Annotated[datetime, Meta(tz=True, examples=["2027-05-01T18:00:00Z"])]
Secret = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=256)]
OrganizationId = Id
OrganizationIds = Annotated[list[OrganizationId], Meta(max_length=MAX_ORGANIZERS)]
ReservationStatusName = Literal["pending", "confirmed", "waitlisted", "rejected", "cancelled"]


class EventCreate(RequestBody):
    title: Title
    starts_at: StartsAt
    capacity: Capacity
    description: Description = ""
    location: Location = ""
    requires_approval: bool = False
    organization_ids: OrganizationIds = []


class EventUpdate(RequestBody):
    title: Title | UnsetType = UNSET
    starts_at: StartsAt | UnsetType = UNSET
    capacity: Capacity | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    location: Location | UnsetType = UNSET
    requires_approval: bool | UnsetType = UNSET
    organization_ids: OrganizationIds | UnsetType = UNSET


class EventOut(Struct):
    id: int
    title: str
    description: str
    starts_at: datetime
    date: date
    location: str
    capacity: int
    requires_approval: bool
    status: str
    owner_id: int
    created_at: datetime | None
    published_at: datetime | None
    cancelled_at: datetime | None
    image_url: str | None
    thumbnail_url: str | None

    @classmethod
    def of(cls, event: Event) -> EventOut:
        """Positional, in field order: a list page renders twenty of these per request."""
        return cls(
            event.id,
            event.title,
            event.description,
            event.starts_at,
            event.starts_at.date(),
            event.location,
            event.capacity,
            event.requires_approval,
            event.status.value,
            event.owner_id,
            event.created_at,
            event.published_at,
            event.cancelled_at,
            event.image_url,
            event.thumbnail_url,
        )


def _event_fields(event: Event) -> dict[str, Any]:
    return structs.asdict(EventOut.of(event))


class MetricsOut(Struct):
    event_id: int
    confirmed_count: int
    pending_count: int
    waitlist_count: int
    checked_in_count: int
    spots_left: int
    capacity: int

    @classmethod
    def of(cls, metrics: EventMetrics) -> MetricsOut:
        return cls(**asdict(metrics))


class OrganizerEventOut(EventOut):
    confirmed_count: int = 0
    pending_count: int = 0
    waitlist_count: int = 0
    checked_in_count: int = 0
    spots_left: int = 0

    @classmethod
    def of_overview(cls, overview: EventOverview) -> OrganizerEventOut:
        counts = {k: v for k, v in asdict(overview.metrics).items() if k not in {"event_id", "capacity"}}
        return cls(**_event_fields(overview.event), **counts)


class HolderOut(Struct):
    id: int
    name: str
    email: str

    @classmethod
    def of(cls, holder: Holder) -> HolderOut:
        return cls(id=holder.id, name=holder.name, email=holder.email)


class ReservationOut(Struct):
    id: int
    event_id: int
    user_id: int
    status: str
    position: int | None
    created_at: datetime | None
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    ticket_url: str | None = None
    ticket_secret: str | None = None
    holder: HolderOut | None = None

    @classmethod
    def of(cls, reservation: Reservation, holder: Holder | None = None) -> ReservationOut:
        confirmed = reservation.status.value == "confirmed"
        return cls(
            id=reservation.id,
            event_id=reservation.event_id,
            user_id=reservation.user_id,
            status=reservation.status.value,
            position=reservation.position,
            created_at=reservation.created_at,
            confirmed_at=reservation.confirmed_at,
            cancelled_at=reservation.cancelled_at,
            checked_in_at=reservation.checked_in_at,
            ticket_url=f"/api/reservations/{reservation.id}/ticket/" if confirmed else None,
            ticket_secret=reservation.ticket_secret,
            holder=HolderOut.of(holder) if holder else None,
        )

    @classmethod
    def of_held(cls, held: HeldReservation) -> ReservationOut:
        return cls.of(held.reservation, held.holder)


class CheckIn(RequestBody):
    secret: Secret


class TicketEventOut(Struct):
    id: int
    title: str
    starts_at: datetime


class CheckInOut(Struct):
    """A scanned ticket: its reservation, event and holder; ``checked_in_at`` once let in."""

    reservation: ReservationOut
    event: TicketEventOut
    holder: HolderOut
    status: str
    checked_in_at: datetime | None

    @classmethod
    def of(cls, inspection: TicketInspection) -> CheckInOut:
        reservation, event = inspection.reservation, inspection.event
        return cls(
            reservation=ReservationOut.of(reservation),
            event=TicketEventOut(id=event.id, title=event.title, starts_at=event.starts_at),
            holder=HolderOut.of(inspection.holder),
            status=reservation.status.value,
            checked_in_at=reservation.checked_in_at,
        )
