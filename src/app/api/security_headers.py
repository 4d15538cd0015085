"""``X-Content-Type-Options: nosniff`` on every HTTP response: API bodies, media files, errors."""

from __future__ import annotations

from litestar.types import Message, Scope

NOSNIFF = (b"x-content-type-options", b"nosniff")
_NAME = NOSNIFF[0]


async def add_nosniff(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook of the app, so it covers every response, also those of unknown paths:
    browsers must trust the declared ``Content-Type`` (an uploaded image is never run as a script or
    a page). Responses that already set the header keep theirs."""
    if message["type"] != "http.response.start":
        return
    headers = message.get("headers") or ()
    for name, _ in headers:
        if name.lower() == _NAME:
            return
    message["headers"] = [*headers, NOSNIFF]
