"""The web client: the chat at ``/``, the organizer desk at ``/desk/`` and the expeditions at
``/expeditions/``; pages and their modules, which talk only to the public API.

Served with a Content-Security-Policy that allows this origin only (its API and its sockets), so
nothing a user typed can run as script: the page renders every text with ``textContent``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

_ASSETS = Path(__file__).with_name("web_assets")
_MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain",
}
# Every file under web_assets/ by its path relative to it, read once: a request names a key of
# this map or nothing, so no path can reach outside the folder.
_FILES = {
    path.relative_to(_ASSETS).as_posix(): (path.read_bytes(), _MEDIA_TYPES[path.suffix])
    for path in sorted(_ASSETS.rglob("*"))
    if path.is_file() and path.suffix in _MEDIA_TYPES
}
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
_POLICY = (
    "default-src 'self'; connect-src {connect}; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
    " frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


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


def _served(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
    body, media_type = _FILES[name]
    return Response(body, media_type=media_type, headers=headers_for(request))


@get("/", include_in_schema=False, sync_to_thread=False)
def page(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Log in; chats and rooms with live messages, typing and presence; an event's live metrics."""
    return _served(request, "index.html")


@get("/desk/", include_in_schema=False, sync_to_thread=False)
def desk(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The organizer desk: own events with their counts, reservations, check-in, live metrics."""
    return _served(request, "desk/index.html")


@get("/expeditions/", include_in_schema=False, sync_to_thread=False)
def expeditions(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Own expeditions: create, invite, answer an invitation, move the status; live updates."""
    return _served(request, "desk/expeditions.html")


@get("/web/{name:path}", include_in_schema=False, sync_to_thread=False)
def asset(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
    """Any file under web_assets/ at ``/web/<relative path>``, with its media type; 404 otherwise."""
    if name.lstrip("/") not in _FILES:
        raise NotFoundException(detail="No such file.")
    return _served(request, name.lstrip("/"))


ROUTES: list[ControllerRouterHandler] = [page, desk, expeditions, asset]
