"""The admin panel at /admin/, built on the same core services as the API."""

from __future__ import annotations

from litestar.handlers import ASGIRouteHandler

from app.admin import PanelServices, create_panel
from app.admin.panel import admin_mount
from app.bootstrap.container import Services


def panel_route(services: Services) -> ASGIRouteHandler:
    """The mounted panel, driving the container's services with the admin as the actor."""
    panel = create_panel(
        PanelServices(
            accounts=services.accounts,
            user_admin=services.user_admin,
            events=services.ticketing.events,
            booking=services.ticketing.booking,
            expeditions=services.expeditions,
            organizations=services.organizations,
            chat=services.chat,
            jobs=services.jobs,
        ),
        engine=services.engine,
        secret_key=services.settings.secret_key,
        media_url=services.settings.media_url,
    )
    return admin_mount(panel)
