"""Events endpoints: the public list, creation, detail, editing, publishing, cancelling, metrics."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from litestar.types import ControllerRouterHandler
from msgspec import UNSET

from app.api.bounds import id_query, text_query
from app.api.jobs import Prefer, accepted_job, wants_async
from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.event_directory import EventDetailOut, new_event
from app.api.schemas.jobs import JobOut
from app.api.schemas.ticketing import EventCreate, EventOut, EventUpdate, MetricsOut
from app.core.event_directory.listing import event_query
from app.core.event_directory.service import EventDirectoryService
from app.core.shared.principal import Principal
from app.core.ticketing.model import EventChanges
from app.core.ticketing.services import EventService


class EventController(Controller):
    path = "/api/events"
    tags = ["events"]

    @get("/", operation_id="ListEvents", security=[], cache=True)
    async def list_events(
        self,
        request: Request[Any, Any, Any],
        event_directory: NamedDependency[EventDirectoryService],
        limit: Limit = 20,
        offset: Offset = 0,
        search: Annotated[str | None, text_query("Part of the title.")] = None,
        date: Annotated[str | None, text_query("One UTC day, YYYY-MM-DD.", max_length=40)] = None,
        date__gte: Annotated[str | None, text_query("From this day or instant.", max_length=40)] = None,
        date__lte: Annotated[str | None, text_query("Up to this day or instant.", max_length=40)] = None,
        ordering: Annotated[str | None, text_query("`date` or `-date`.", max_length=20)] = None,
        organization: Annotated[int | None, id_query("Organized by.")] = None,
    ) -> PageOut[EventOut]:
        """Published events, soonest first (``ordering=-date``: latest first; ties by id). ``search``
        matches the title case-insensitively; ``date`` is one UTC day; ``date__gte`` / ``date__lte``
        are inclusive bounds (a day or an instant with a zone); ``organization`` keeps the events it
        organizes. A bad parameter is a 400 ``validation_error`` naming it.

        The rendered page is kept by Litestar's response cache for ``EVENT_LIST_CACHE_S``, under
        the version of the list it was read at (see ``app.api.response_cache``)."""
        query = event_query(
            search=search,
            date=date,
            date__gte=date__gte,
            date__lte=date__lte,
            ordering=ordering,
            organization=organization,
        )
        page = await event_directory.list_published(query=query, page=page_request(limit, offset))
        return page_out(request, page, EventOut.of)

    @post("/", operation_id="CreateEvent", status_code=HTTP_201_CREATED)
    async def create(
        self,
        data: JSONBody[EventCreate],
        principal: NamedDependency[Principal],
        event_directory: NamedDependency[EventDirectoryService],
        prefer: Prefer = None,
    ) -> Response[EventDetailOut | JobOut]:
        """Create a draft event (organizers), organized by ``organization_ids`` (400
        ``unknown_organizations`` for ids naming nothing). Publish it to open reservations.

        With ``Prefer: respond-async`` the input is checked, then the answer is 202 with a job and
        ``Location: /api/jobs/{id}/``; the event is created after ``EVENT_CREATE_DELAY_S`` seconds and
        the finished job's ``result.event_id`` names it.
        """
        if wants_async(prefer):
            job = await event_directory.request_creation(actor=principal, draft=new_event(data))
            return accepted_job(JobOut.of(job))  # type: ignore[return-value]
        detail = await event_directory.create_event(actor=principal, draft=new_event(data))
        return Response(EventDetailOut.of_detail(detail), status_code=HTTP_201_CREATED)

    @get("/{event_id:int}/", operation_id="GetEvent")
    async def detail(
        self,
        event_id: FromPath[int],
        maybe_principal: NamedDependency[Principal | None],
        event_directory: NamedDependency[EventDirectoryService],
    ) -> EventDetailOut:
        """An event (a draft only for its organizer) with its ``organizations``, each with
        ``full_address`` and its active ``members``."""
        return EventDetailOut.of_detail(await event_directory.get_event(actor=maybe_principal, event_id=event_id))

    @patch("/{event_id:int}/", operation_id="UpdateEvent")
    async def update(
        self,
        event_id: FromPath[int],
        data: JSONBody[EventUpdate],
        principal: NamedDependency[Principal],
        event_directory: NamedDependency[EventDirectoryService],
    ) -> EventDetailOut:
        """Edit a draft or published event (its organizer). A larger capacity promotes waitlisted
        reservations at once; a capacity below the confirmed count is ``capacity_below_confirmed``;
        ``organization_ids`` replaces the organizations."""
        changes = {
            name: value
            for name in ("title", "starts_at", "capacity", "description", "location", "requires_approval")
            if (value := getattr(data, name)) is not UNSET
        }
        organization_ids = None if data.organization_ids is UNSET else sorted(set(data.organization_ids))
        detail = await event_directory.edit_event(
            actor=principal, event_id=event_id, changes=EventChanges(**changes), organization_ids=organization_ids
        )
        return EventDetailOut.of_detail(detail)

    @post("/{event_id:int}/publish/", operation_id="PublishEvent", status_code=HTTP_200_OK)
    async def publish(
        self,
        event_id: FromPath[int],
        principal: NamedDependency[Principal],
        events: NamedDependency[EventService],
    ) -> EventOut:
        """``draft → published`` (its organizer); else 409 ``invalid_transition``."""
        return EventOut.of(await events.publish_event(actor=principal, event_id=event_id))

    @post("/{event_id:int}/cancel/", operation_id="CancelEvent", status_code=HTTP_200_OK)
    async def cancel(
        self,
        event_id: FromPath[int],
        principal: NamedDependency[Principal],
        events: NamedDependency[EventService],
    ) -> EventOut:
        """Cancel a draft or published event (its organizer): every live reservation is cancelled
        and its holder told by e-mail."""
        return EventOut.of(await events.cancel_event(actor=principal, event_id=event_id))

    @get("/{event_id:int}/metrics/", operation_id="GetEventMetrics")
    async def metrics(
        self,
        event_id: FromPath[int],
        maybe_principal: NamedDependency[Principal | None],
        events: NamedDependency[EventService],
    ) -> MetricsOut:
        """The event's live figures, as the metrics socket sends them."""
        return MetricsOut.of(await events.metrics(actor=maybe_principal, event_id=event_id))


ROUTES: list[ControllerRouterHandler] = [EventController]
