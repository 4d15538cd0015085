"""The organizer's panel: own events of every status, with their figures."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.types import ControllerRouterHandler

from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.ticketing import OrganizerEventOut
from app.core.shared.principal import Principal
from app.core.ticketing.services import EventService


class OrganizerController(Controller):
    path = "/api/organizer"
    tags = ["organizer"]

    @get("/events/", operation_id="ListOwnEvents")
    async def events(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        events: NamedDependency[EventService],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[OrganizerEventOut]:
        """The caller's events of every status with confirmed, pending, waitlisted and checked-in
        counts (organizers). Reservations per event: ``GET /api/events/{id}/reservations/?status=``."""
        page = await events.list_own_events(actor=principal, page=page_request(limit, offset))
        return page_out(request, page, OrganizerEventOut.of_overview)


ROUTES: list[ControllerRouterHandler] = [OrganizerController]
