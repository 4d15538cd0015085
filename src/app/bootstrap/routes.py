"""The HTTP routes: each ``app.api`` module declares its handlers in ``ROUTES``; they are assembled here."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from app.api import (
    accounts,
    chat,
    checkin,
    event_images,
    events,
    expeditions,
    health,
    jobs,
    organizations,
    organizer,
    reservations,
    web,
)

API_MODULES = (
    health,
    accounts,
    expeditions,
    events,
    reservations,
    checkin,
    organizer,
    organizations,
    jobs,
    chat,
    event_images,
    web,
)


def api_routes() -> list[ControllerRouterHandler]:
    """Every HTTP handler of the API, module by module."""
    return [handler for module in API_MODULES for handler in module.ROUTES]
