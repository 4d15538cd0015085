"""The web client at ``/``: one page and its script, which talk only to the public API.

Served with a Content-Security-Policy that allows this origin only (its API and its sockets), so
nothing a user typed can run as script: the page renders every text with ``textContent``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.types import ControllerRouterHandler

_ASSETS = Path(__file__).with_name("web_assets")
_PAGE = (_ASSETS / "index.html").read_bytes()
_SCRIPT = (_ASSETS / "app.js").read_bytes()
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


@get("/", include_in_schema=False, sync_to_thread=False)
def page(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Log in; chats and rooms with live messages, typing and presence; an event's live metrics."""
    return Response(_PAGE, media_type="text/html", headers=headers_for(request))


@get("/web/app.js", include_in_schema=False, sync_to_thread=False)
def script(request: Request[Any, Any, Any]) -> Response[bytes]:
    return Response(_SCRIPT, media_type="text/javascript", headers=headers_for(request))


ROUTES: list[ControllerRouterHandler] = [page, script]
