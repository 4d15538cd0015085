"""What a socket's URL says: its query parameters, read straight from the scope.

Litestar's ``query_params`` parses the whole query string and keeps the parsed copy in the
connection's state for as long as the socket is open; a socket needs two values once, at connect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from litestar import WebSocket


def query_value(socket: WebSocket[Any, Any, Any], name: str) -> str | None:
    """The first value of query parameter ``name`` (``""`` when given empty), or None."""
    raw: bytes = socket.scope.get("query_string", b"")
    if not raw:
        return None
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if key == name:
            return value
    return None


def forget_query_value(socket: WebSocket[Any, Any, Any], name: str) -> None:
    """Drop query parameter ``name`` from the socket's scope (the rest of the query stays as sent)."""
    raw: bytes = socket.scope.get("query_string", b"")
    if raw:
        kept = [part for part in raw.split(b"&") if unquote_plus(part.split(b"=", 1)[0].decode("latin-1")) != name]
        socket.scope["query_string"] = b"&".join(kept)
