"""The Event aggregate: an organizer's event with a capacity, moving draft → published → cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.shared.errors import FieldError
from app.core.shared.principal import Principal, Role
from app.core.ticketing.errors import (
    EventNotEditableError,
    EventNotFoundError,
    EventNotOpenError,
    InvalidEventError,
    InvalidTransitionError,
    NotEventOwnerError,
    OrganizerOnlyError,
)

MAX_CAPACITY = 1_000_000
MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_LOCATION = 300


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.DRAFT: frozenset({EventStatus.PUBLISHED, EventStatus.CANCELLED}),
    EventStatus.PUBLISHED: frozenset({EventStatus.CANCELLED}),
    EventStatus.CANCELLED: frozenset(),
}


def ensure_organizer(actor: Principal) -> None:
    """Only organizers (and admins) create and list their events."""
    if not actor.has_role(Role.ORGANIZER):
        raise OrganizerOnlyError()


def check_event_fields(*, title: str, capacity: int, description: str = "", location: str = "") -> None:
    """Refuse a blank or oversized title, a capacity below one, oversized texts."""
    errors: list[FieldError] = []
    if not title.strip() or len(title) > MAX_TITLE:
        errors.append(FieldError("title", f"Give a title of 1 to {MAX_TITLE} characters."))
    if not 1 <= capacity <= MAX_CAPACITY:
        errors.append(FieldError("capacity", f"The capacity must be between 1 and {MAX_CAPACITY}."))
    if len(description) > MAX_DESCRIPTION:
        errors.append(FieldError("description", f"At most {MAX_DESCRIPTION} characters."))
    if len(location) > MAX_LOCATION:
        errors.append(FieldError("location", f"At most {MAX_LOCATION} characters."))
    if errors:
        raise InvalidEventError(errors=errors)


@dataclass(slots=True, kw_only=True)
class Event:
    """An event people reserve spots at. Its organizer (``owner_id``) manages it; admins may too."""

    id: int = 0
    owner_id: int
    title: str
    description: str = ""
    starts_at: datetime
    location: str = ""
    capacity: int
    requires_approval: bool = False
    status: EventStatus = EventStatus.DRAFT
    created_at: datetime | None = None
    published_at: datetime | None = None
    cancelled_at: datetime | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None
    creation_key: str | None = None  # set by a deferred creation, so a re-run job finds its event

    def managed_by(self, actor: Principal | None) -> bool:
        return actor is not None and (actor.user_id == self.owner_id or actor.is_admin)

    def ensure_visible_to(self, actor: Principal | None) -> None:
        """Drafts are seen only by their organizer (and admins); others get ``event_not_found``."""
        if self.status is EventStatus.DRAFT and not self.managed_by(actor):
            raise EventNotFoundError()

    def ensure_managed_by(self, actor: Principal) -> None:
        """The organizer or an admin may manage the event; others get 403, or 404 for a draft."""
        self.ensure_visible_to(actor)
        if not self.managed_by(actor):
            raise NotEventOwnerError()

    def ensure_open(self) -> None:
        """Reservations are taken while the event is published."""
        if self.status is not EventStatus.PUBLISHED:
            raise EventNotOpenError(f"This event is {self.status.value}; it does not take reservations.")

    def move_to(self, target: EventStatus, now: datetime) -> EventStatus:
        """Publish or cancel; returns the previous status. Any other move is ``invalid_transition``."""
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransitionError(self.status.value, target.value)
        previous, self.status = self.status, target
        if target is EventStatus.PUBLISHED:
            self.published_at = now
        elif target is EventStatus.CANCELLED:
            self.cancelled_at = now
        return previous

    def edit(self, changes: EventChanges) -> None:
        """Change the event while it is a draft or published (capacity checks are the caller's)."""
        if self.status is EventStatus.CANCELLED:
            raise EventNotEditableError()
        self.title = changes.title.strip() if changes.title is not None else self.title
        self.description = changes.description if changes.description is not None else self.description
        self.starts_at = changes.starts_at or self.starts_at
        self.location = changes.location.strip() if changes.location is not None else self.location
        self.capacity = changes.capacity if changes.capacity is not None else self.capacity
        if changes.requires_approval is not None:
            self.requires_approval = changes.requires_approval
        check_event_fields(
            title=self.title, capacity=self.capacity, description=self.description, location=self.location
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EventChanges:
    """An edit of an event: the fields given (not None) are changed."""

    title: str | None = None
    description: str | None = None
    starts_at: datetime | None = None
    location: str | None = None
    capacity: int | None = None
    requires_approval: bool | None = None


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a list shows. Add fields here (with defaults) for new list filters."""

    statuses: frozenset[EventStatus] | None = None
    owner_id: int | None = None
