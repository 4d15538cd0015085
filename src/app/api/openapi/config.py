"""The OpenAPI configuration: Litestar's document refined by ``document.refine``, and the Swagger UI
and ReDoc pages served from the pinned ``openapi-ui-bundles`` package, so the docs work offline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import openapi_ui_bundles
from litestar import get
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    OpenAPIRenderPlugin,
    RedocRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)
from litestar.openapi.spec import Components, OpenAPI, SecurityScheme
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from app.api.limits import limited
from app.api.openapi.document import BEARER, Caller, refine
from app.api.openapi.tags import TAGS

SCHEMA_PATH = "/api/schema"
ASSETS_PATH = f"{SCHEMA_PATH}/assets"
_SWAGGER = f"{ASSETS_PATH}/swagger-ui"
_REDOC = f"{ASSETS_PATH}/redoc"
_REDOC_JS = f"{ASSETS_PATH}/redoc.standalone.js"
# The one address the ReDoc bundle fetches by itself: its footer logo, which the package also ships.
_REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
FAVICON = f"<link rel='icon' type='image/png' href='{_SWAGGER}/favicon-32x32.png'>"


class ApiDocs(ReceiveRoutePlugin):
    """Learns, as routes are registered, what each operation asks of its caller."""

    def __init__(self) -> None:
        self.callers: dict[str, Caller] = {}

    def receive_route(self, route: BaseRoute) -> None:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if isinstance(handler.operation_id, str):
                    self.callers[handler.operation_id] = caller_of(handler)


def caller_of(handler: HTTPRouteHandler) -> Caller:
    """Who may call ``handler``: a ``principal`` needs a token, a ``maybe_principal`` reads one when
    sent, and a guard made by ``limited`` counts the call."""
    parameters = handler.parsed_fn_signature.parameters
    limited_guard = f"{limited.__qualname__}.<locals>."
    return Caller(
        operation_id=str(handler.operation_id),
        authenticated="principal" in parameters,
        optional_token="maybe_principal" in parameters,
        rate_limited=any(
            getattr(guard, "__qualname__", "").startswith(limited_guard) for guard in handler.guards or ()
        ),
        summary=handler.summary,
    )


@dataclass
class RefinedOpenAPI(OpenAPI):
    """Litestar's OpenAPI object, whose ``to_schema`` (the served JSON and ``litestar schema``) is refined."""

    docs: ApiDocs | None = None

    @property
    def _exclude_fields(self) -> set[str]:
        return {"docs"}

    def to_schema(self) -> dict[str, Any]:
        document = super().to_schema()
        return refine(document, self.docs.callers) if self.docs else document


@dataclass
class DocumentedOpenAPIConfig(OpenAPIConfig):
    docs: ApiDocs | None = field(default=None)

    def to_openapi_schema(self) -> OpenAPI:
        openapi = super().to_openapi_schema()
        values = {name: getattr(openapi, name) for name in openapi.__dataclass_fields__}
        return RefinedOpenAPI(**values, docs=self.docs)


def openapi_config(docs: ApiDocs, *, version: str, pages: Sequence[OpenAPIRenderPlugin] = ()) -> OpenAPIConfig:
    """The OpenAPI document and its pages under ``/api/schema``; ``pages`` adds more (the AsyncAPI ones)."""
    return DocumentedOpenAPIConfig(
        title="Muster",
        version=version,
        description=(
            "Expeditions, ticketed events, organizations and chat, live over WebSockets. Every error "
            "answer is `{status, code, detail[, errors]}`; each operation lists the `code`s it can "
            f"return. The sockets are described by the AsyncAPI document at `{SCHEMA_PATH}/asyncapi.json` "
            f"(readable at `{SCHEMA_PATH}/asyncapi`)."
        ),
        path=SCHEMA_PATH,
        use_handler_docstrings=True,
        tags=list(TAGS),
        render_plugins=[
            SwaggerRenderPlugin(
                path=["/swagger-ui", "/swagger"],
                js_url=f"{_SWAGGER}/swagger-ui-bundle.js",
                css_url=f"{_SWAGGER}/swagger-ui.css",
                standalone_preset_js_url=f"{_SWAGGER}/swagger-ui-standalone-preset.js",
                favicon=FAVICON,
            ),
            RedocRenderPlugin(path="/redoc", js_url=_REDOC_JS, google_fonts=False, favicon=FAVICON),
            JsonRenderPlugin(path="/openapi.json"),
            YamlRenderPlugin(path="/openapi.yaml"),
            *pages,
        ],
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="The `access` token from `POST /api/token/`.",
                )
            }
        ),
        docs=docs,
    )


def asset_routes() -> list[ControllerRouterHandler]:
    """The Swagger UI and ReDoc scripts and styles, from the installed package (no CDN)."""
    bundles = {_SWAGGER: openapi_ui_bundles.swagger_ui.static_path, _REDOC: openapi_ui_bundles.redoc.static_path}
    return [
        *(
            create_static_files_router(path=path, directories=[Path(directory)], include_in_schema=False)
            for path, directory in bundles.items()
        ),
        redoc_bundle,
    ]


@lru_cache(maxsize=1)
def _redoc_script() -> bytes:
    script = (Path(openapi_ui_bundles.redoc.static_path) / "redoc.standalone.js").read_bytes()
    return script.replace(_REDOC_LOGO.encode(), f"{_REDOC}/logo-mini.svg".encode())


@get(_REDOC_JS, media_type="text/javascript", include_in_schema=False, sync_to_thread=False, cache=86400)
def redoc_bundle() -> bytes:
    """ReDoc's bundle with its footer logo taken from this server instead of a CDN."""
    return _redoc_script()
