"""The web client: the chat at ``/``, the organizer desk at ``/desk/`` and the expeditions at
``/expeditions/``; pages and their modules, which talk only to the public API.

Served with a Content-Security-Policy that allows this origin only (its API and its sockets), so
nothing a user typed can run as script: the pages render every text with ``textContent``, and
build links only from ``http``/``https`` addresses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from app.core.shared.errors import NotFoundError

ASSETS = Path(__file__).with_name("web_assets")
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src {connect}; img-src 'self' data: blob:;"
    " style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".txt": "text/plain",
}
_ASSET_PATH = re.compile(r"^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*$")


class AssetNotFoundError(NotFoundError):
    code = "not_found"
    default_detail = "There is no such file."


def headers_for(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The page's headers; ``connect-src`` is this origin and its own sockets: ``wss://<host>``, and
    ``ws://<host>`` when the page came over plain HTTP. A Host that is not a plain host name gets
    ``'self'`` alone."""
    host = request.headers.get("host", "")
    sockets = ["wss://" + host] if _HOST.match(host) else []
    if sockets and request.url.scheme == "http":
        sockets.insert(0, "ws://" + host)
    return {
        "Content-Security-Policy": _POLICY.format(connect=" ".join(["'self'", *sockets])),
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def served(request: Request[Any, Any, Any], relative: str) -> Response[bytes]:
    """One file of ``web_assets`` with its media type and the page headers (404 for anything else:
    no hidden files, no way out of the folder, only known kinds of file)."""
    media_type = MEDIA_TYPES.get(Path(relative).suffix)
    file = ASSETS / relative
    if media_type is None or not _ASSET_PATH.match(relative) or not file.is_file():
        raise AssetNotFoundError()
    return Response(file.read_bytes(), media_type=media_type, headers=headers_for(request))


@get("/", include_in_schema=False, sync_to_thread=False)
def page(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The chat: log in or register; chats, groups and rooms with live messages; a chat's own
    address is ``/#/chat/<id>``."""
    return served(request, "index.html")


@get("/desk/", include_in_schema=False, sync_to_thread=False)
def desk(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The organizer desk: own events with their counts, reservations, check-in, live metrics."""
    return served(request, "desk/index.html")


@get("/expeditions/", include_in_schema=False, sync_to_thread=False)
def expeditions(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Own expeditions: create, invite, answer an invitation, move the status; live updates."""
    return served(request, "desk/expeditions.html")


@get("/web/{path:path}", include_in_schema=False, sync_to_thread=False)
def asset(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[bytes]:
    """Any file of the web client: ``/web/<path relative to web_assets>``."""
    return served(request, path.lstrip("/"))


ROUTES: list[ControllerRouterHandler] = [page, desk, expeditions, asset]
