"""What a socket's URL says: its query parameters, read straight from the scope.

Litestar's ``query_params`` parses the whole query string and keeps the parsed copy in the
connection's state for as long as the socket is open; a socket needs two values once, at connect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

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
