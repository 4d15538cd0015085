"""Events endpoints: the public list, creation, detail, editing, publishing, cancelling, metrics."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from msgspec import UNSET

from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.ticketing import EventCreate, EventOut, EventUpdate, MetricsOut
from app.core.shared.principal import Principal
from app.core.ticketing.model import EventChanges
from app.core.ticketing.service import TicketingService


class EventController(Controller):
    path = "/api/events"
    tags = ["events"]

    @get("/", operation_id="ListEvents", security=[])
    async def list_events(
        self,
        request: Request[Any, Any, Any],
        ticketing: NamedDependency[TicketingService],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[EventOut]:
        """Published events, soonest first."""
        page = await ticketing.list_published(page=page_request(limit, offset))
        return page_out(request, page, EventOut.of)

    @post("/", operation_id="CreateEvent")
    async def create(
        self,
        data: JSONBody[EventCreate],
        principal: NamedDependency[Principal],
        ticketing: NamedDependency[TicketingService],
    ) -> EventOut:
        """Create a draft event (organizers). Publish it to open reservations."""
        event = await ticketing.create_event(
            actor=principal,
            title=data.title,
            starts_at=data.starts_at,
            capacity=data.capacity,
            description=data.description,
            location=data.location,
            requires_approval=data.requires_approval,
        )
        return EventOut.of(event)

    @get("/{event_id:int}/", operation_id="GetEvent")
    async def detail(
        self,
        event_id: FromPath[int],
        maybe_principal: NamedDependency[Principal | None],
        ticketing: NamedDependency[TicketingService],
    ) -> EventOut:
        """An event; a draft only for its organizer."""
        return EventOut.of(await ticketing.get_event(actor=maybe_principal, event_id=event_id))

    @patch("/{event_id:int}/", operation_id="UpdateEvent")
    async def update(
        self,
        event_id: FromPath[int],
        data: JSONBody[EventUpdate],
        principal: NamedDependency[Principal],
        ticketing: NamedDependency[TicketingService],
    ) -> EventOut:
        """Edit a draft or published event (its organizer). A larger capacity promotes waitlisted
        reservations at once; a capacity below the confirmed count is ``capacity_below_confirmed``."""
        changes = {
            name: value
            for name in ("title", "starts_at", "capacity", "description", "location", "requires_approval")
            if (value := getattr(data, name)) is not UNSET
        }
        event = await ticketing.edit_event(actor=principal, event_id=event_id, changes=EventChanges(**changes))
        return EventOut.of(event)

    @post("/{event_id:int}/publish/", operation_id="PublishEvent", status_code=HTTP_200_OK)
    async def publish(
        self,
        event_id: FromPath[int],
        principal: NamedDependency[Principal],
        ticketing: NamedDependency[TicketingService],
    ) -> EventOut:
        """``draft → published`` (its organizer); else 409 ``invalid_transition``."""
        return EventOut.of(await ticketing.publish_event(actor=principal, event_id=event_id))

    @post("/{event_id:int}/cancel/", operation_id="CancelEvent", status_code=HTTP_200_OK)
    async def cancel(
        self,
        event_id: FromPath[int],
        principal: NamedDependency[Principal],
        ticketing: NamedDependency[TicketingService],
    ) -> EventOut:
        """Cancel a draft or published event (its organizer): every live reservation is cancelled
        and its holder told by e-mail."""
        return EventOut.of(await ticketing.cancel_event(actor=principal, event_id=event_id))

    @get("/{event_id:int}/metrics/", operation_id="GetEventMetrics")
    async def metrics(
        self,
        event_id: FromPath[int],
        maybe_principal: NamedDependency[Principal | None],
        ticketing: NamedDependency[TicketingService],
    ) -> MetricsOut:
        """The event's live figures, as the metrics socket sends them."""
        return MetricsOut.of(await ticketing.metrics(actor=maybe_principal, event_id=event_id))
