"""The Litestar app: routes, dependencies, middleware, OpenAPI, and a lifespan that starts and
closes the container."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TypeVar

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.static_files import create_static_files_router

from app.adapters.memory.response_store import BoundedMemoryStore
from app.api.access import ObservedLitestar
from app.api.auth import provide_optional_principal, provide_principal
from app.api.bounds import BoundedRequest, check_path_ids
from app.api.errors import EXCEPTION_HANDLERS
from app.api.limits import ACCOUNTS_STATE, LIMITS_STATE
from app.api.openapi import ApiDocs, asset_routes, openapi_config
from app.api.response_cache import versioned_key
from app.asyncapi import asyncapi_pages
from app.bootstrap.build import build_services
from app.bootstrap.container import Services
from app.bootstrap.observability import init_sentry, metrics_routes, observe
from app.bootstrap.panel import panel_route
from app.bootstrap.routes import api_routes
from app.observability.logs import configure_logging
from app.settings import Settings
from app.ws import chat as chat_ws
from app.ws import chat_list as chat_list_ws
from app.ws import event_metrics as event_metrics_ws
from app.ws import expeditions as expeditions_ws
from app.ws.connection import LeanWebSocket
from app.ws.hub import ChannelHub

logger = logging.getLogger("app")
RESPONSE_STORE = "responses"  # the rendered pages of cached routes (the public event list)
VERSION = version("muster")
T = TypeVar("T")


def _constant(value: T) -> Provide:
    def provide() -> T:
        return value

    return Provide(provide, use_cache=True, sync_to_thread=False)


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> ObservedLitestar:
    """Assemble the Litestar app for ``settings`` (default: read from the environment)."""
    settings = settings or (services.settings if services else Settings.from_env())
    services = services or build_services(settings)
    init_sentry(settings)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        configure_logging(level=settings.log_level, fmt=settings.log_format)
        await services.start(jobs=settings.runs_jobs_in_process, loops=True)
        try:
            yield
        finally:
            await services.aclose()

    docs = ApiDocs()
    hub = ChannelHub(services.channels)
    app = ObservedLitestar(
        route_handlers=[
            *api_routes(),
            *asset_routes(),
            *metrics_routes(settings, services),
            expeditions_ws.expeditions_socket,
            event_metrics_ws.event_metrics_socket,
            chat_ws.chat_socket,
            chat_list_ws.chat_list_socket,
            create_static_files_router(
                path=settings.media_url, directories=[settings.media_root], name="media", include_in_schema=False
            ),
            panel_route(services),
        ],
        dependencies={
            "accounts": _constant(services.accounts),
            "user_admin": _constant(services.user_admin),
            "people": _constant(services.people),
            "probes": _constant(services.probes),
            "expeditions": _constant(services.expeditions),
            "events": _constant(services.ticketing.events),
            "booking": _constant(services.ticketing.booking),
            "door": _constant(services.ticketing.door),
            "organizations": _constant(services.organizations),
            "jobs": _constant(services.jobs),
            "images": _constant(services.images),
            "principal": Provide(provide_principal),
            "maybe_principal": Provide(provide_optional_principal),
            "chat": _constant(services.chat),
            "chat_sockets": _constant(
                chat_ws.ChatSockets(
                    services.accounts,
                    services.chat,
                    hub,
                    chat_ws.ChatSocketLimits(rate=settings.chat_frame_rate, burst=settings.chat_frame_burst),
                )
            ),
            "expedition_sockets": _constant(
                expeditions_ws.ExpeditionSockets(services.accounts, services.expeditions, services.history, hub)
            ),
            "event_metrics_sockets": _constant(
                event_metrics_ws.EventMetricsSockets(
                    services.accounts, services.ticketing.events, services.history, hub
                )
            ),
            "event_directory": _constant(services.event_directory),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[services.channels, docs],
        lifespan=[lifespan],
        openapi_config=openapi_config(docs, version=VERSION, pages=asyncapi_pages(VERSION)),
        cors_config=CORSConfig(allow_origins=list(settings.cors_allowed_origins))
        if settings.cors_allowed_origins
        else None,
        # Pages of the event list, each kept under the list's version when it was read: a commit in
        # this process is seen by the next request; EVENT_LIST_CACHE_S bounds another process's.
        stores={RESPONSE_STORE: BoundedMemoryStore(ttl_s=settings.event_list_cache_s)},
        response_cache_config=ResponseCacheConfig(
            default_expiration=None,  # the store's time to live
            key_builder=versioned_key(lambda: services.event_list_version.current),
            store=RESPONSE_STORE,
        ),
        request_class=BoundedRequest,
        websocket_class=LeanWebSocket,
        before_request=check_path_ids,
        logging_config=None,  # one format for uvicorn and the app: app.observability.logs
        debug=False,
        state=State({"services": services, LIMITS_STATE: services.limits, ACCOUNTS_STATE: services.accounts}),
    )
    return observe(app, settings)


def app_from_env() -> ObservedLitestar:
    """Factory for ``uvicorn --factory``: settings from the environment."""
    return create_app(Settings.from_env())
