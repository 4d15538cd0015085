"""The web client at ``/``: one page and its script, which talk only to the public API.

Served with a Content-Security-Policy that allows this origin only (its API and its sockets), so
nothing a user typed can run as script: the page renders every text with ``textContent``.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Response, get

_ASSETS = Path(__file__).with_name("web_assets")
_PAGE = (_ASSETS / "index.html").read_bytes()
_SCRIPT = (_ASSETS / "app.js").read_bytes()
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
        " frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@get("/", include_in_schema=False, sync_to_thread=False)
def page() -> Response[bytes]:
    """Log in; chats and rooms with live messages, typing and presence; an event's live metrics."""
    return Response(_PAGE, media_type="text/html", headers=_HEADERS)


@get("/web/app.js", include_in_schema=False, sync_to_thread=False)
def script() -> Response[bytes]:
    return Response(_SCRIPT, media_type="text/javascript", headers=_HEADERS)
