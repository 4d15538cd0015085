"""Assembling the panel: sqladmin on a bare Starlette host, behind the panel's cookie, CSRF check
and admin gate, with headers of its own; ``admin_mount`` mounts it in the Litestar app."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from litestar import asgi
from litestar.handlers import ASGIRouteHandler
from litestar.types import Message, Receive, Scope, Send
from sqladmin import Admin
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapper
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from app.admin.auth import PanelAuthentication
from app.admin.csrf import CsrfProtection, csrf_token
from app.admin.services import PanelServices
from app.admin.session import PanelCookie, PanelGate, PanelSessions
from app.admin.views.accounts import UserView
from app.admin.views.base import PanelView
from app.admin.views.chat import ChatView, MessageView
from app.admin.views.expeditions import ExpeditionView
from app.admin.views.jobs import JobView
from app.admin.views.organizations import OrganizationView
from app.admin.views.ticketing import EventView, ReservationView

BASE_URL = "/admin"
TEMPLATES = Path(__file__).parent / "templates"
VIEWS: tuple[type[PanelView], ...] = (
    UserView,
    ExpeditionView,
    EventView,
    ReservationView,
    OrganizationView,
    ChatView,
    MessageView,
    JobView,
)


def panel_policy(media_url: str) -> str:
    """The panel's Content-Security-Policy: its own scripts, styles and fonts (sqladmin's statics,
    served here), images from here or the media origin, forms only to itself, never framed."""
    media = urlsplit(media_url)
    images = " ".join(["'self'", "data:", *([f"{media.scheme}://{media.netloc}"] if media.netloc else [])])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self' data:; "
        f"img-src {images}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def labels_of(view: type[PanelView]) -> dict[Any, str]:
    """Column headings in words (``starts_at`` → "Starts at"), unless the view names them itself."""
    mapper: Mapper[Any] = inspect(view.model)
    keys = [str(column.key) for column in mapper.columns]
    return {**{key: key.removesuffix("_id").replace("_", " ").capitalize() for key in keys}, **view.column_labels}


def create_panel(services: PanelServices, *, engine: AsyncEngine, secret_key: str, media_url: str) -> ASGIApp:
    """The panel as an ASGI app to serve at ``/admin``."""
    host = Starlette()
    sessions = PanelSessions(services.accounts)
    authentication = PanelAuthentication(sessions)
    cookie_key = hmac.new(secret_key.encode(), b"muster admin session", hashlib.sha256).hexdigest()
    admin = Admin(
        host,
        engine=engine,
        base_url=BASE_URL,
        title="Muster admin",
        templates_dir=str(TEMPLATES),
        authentication_backend=authentication,
        middlewares=[
            Middleware(PanelCookie, secret_key=cookie_key, path=BASE_URL),
            Middleware(CsrfProtection),
            Middleware(PanelGate, sessions=sessions),
        ],
    )
    authentication.admin = admin
    admin.templates.env.globals["csrf_token"] = lambda request: csrf_token(request.session)
    for view in VIEWS:
        # A subclass per panel: sqladmin keeps its engine and templates on the view class.
        attributes = {"identity": view.panel_identity, "services": services, "column_labels": labels_of(view)}
        admin.add_view(type(view.__name__, (view,), attributes))
    return _with_headers(host, panel_policy(media_url))


def _with_headers(app: ASGIApp, policy: str) -> ASGIApp:
    """Every answer of the panel carries its CSP and is never framed; pages are never cached."""
    always = [
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    ]

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        static = str(scope.get("path", "")).startswith(f"{BASE_URL}/statics/")
        added = always if static else [*always, (b"cache-control", b"no-store")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*(message.get("headers") or []), *added]
            await send(message)

        await app(scope, receive, send_with_headers)  # type: ignore[arg-type]

    return serve  # type: ignore[return-value]


def admin_mount(panel: ASGIApp) -> ASGIRouteHandler:
    """The Litestar route serving ``panel`` under ``/admin`` (with the raw path restored, which
    Litestar strips from mounts and sqladmin's routing needs whole)."""

    @asgi(BASE_URL, is_mount=True, copy_scope=True, include_in_schema=False)
    async def admin_panel(scope: Scope, receive: Receive, send: Send) -> None:
        scope["path"] = unquote(scope["raw_path"].decode("latin-1"))
        scope["root_path"] = ""
        await panel(scope, receive, send)  # type: ignore[arg-type]

    return admin_panel
