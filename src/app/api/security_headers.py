"""``X-Content-Type-Options: nosniff`` on every HTTP response: API bodies, media files, errors."""

from __future__ import annotations

from litestar.types import Message, Scope

NOSNIFF = (b"x-content-type-options", b"nosniff")


async def add_nosniff(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook of the app, so it covers every response, also those of unknown paths:
    browsers must trust the declared ``Content-Type`` (an uploaded image is never run as a script or
    a page). Responses that already set the header keep theirs."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers") or [])
    if all(name.lower() != NOSNIFF[0] for name, _ in headers):
        message["headers"] = [*headers, NOSNIFF]
