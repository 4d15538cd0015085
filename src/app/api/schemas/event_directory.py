"""Bodies of the event directory: an event with its organizations."""

from __future__ import annotations

from app.api.schemas.organizations import OrganizationOut
from app.api.schemas.ticketing import EventCreate, EventOut, _event_fields
from app.core.event_directory.model import EventDetail, NewEvent


def new_event(data: EventCreate) -> NewEvent:
    return NewEvent(
        title=data.title,
        starts_at=data.starts_at,
        capacity=data.capacity,
        description=data.description,
        location=data.location,
        requires_approval=data.requires_approval,
        organization_ids=tuple(sorted(set(data.organization_ids))),
    )


class EventDetailOut(EventOut):
    """An event with ``organizations``: each with ``full_address`` (postcode and address joined) and
    its active ``members``."""

    organizations: list[OrganizationOut] = []

    @classmethod
    def of_detail(cls, detail: EventDetail) -> EventDetailOut:
        return cls(
            **_event_fields(detail.event),
            organizations=[OrganizationOut.of(card) for card in detail.organizations],
        )
