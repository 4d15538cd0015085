"""``X-Content-Type-Options: nosniff`` on every HTTP response: API bodies, media files, errors."""

from __future__ import annotations

NOSNIFF = (b"x-content-type-options", b"nosniff")
_NAME = NOSNIFF[0]


def with_nosniff(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers of an HTTP response start, with ``nosniff`` added unless the response set the
    header itself. Applied to every response, those of unknown paths too, by ``RequestContext``:
    browsers must trust the declared ``Content-Type`` (an uploaded image is never run as a script
    or a page)."""
    for name, _ in headers:
        if name.lower() == _NAME:
            return headers
    headers.append(NOSNIFF)
    return headers
