"""Keys for Litestar's response cache that name the version of the data a page shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.types import CacheKeyBuilder

_KEY = "app.response_cache_key"  # where the first key built for a request is kept, in its scope


def versioned_key(version: Callable[[], int]) -> CacheKeyBuilder:
    """A key builder naming ``version()`` when the request began, the scheme and host the page's links
    are built from, and the path and query as the client sent them.

    Litestar builds a request's key twice: to look its response up, and again to store the response
    once it is sent. The first key is kept in the request's scope and used both times, so a page
    read while a change was being committed is stored under the version it began at, which no
    request asks for once the commit has moved the version.
    """

    def key(request: Request[Any, Any, Any]) -> str:
        scope: dict[str, Any] = request.scope  # type: ignore[assignment]
        built = scope.get(_KEY)
        if built is None:
            host = next((value for name, value in scope["headers"] if name == b"host"), b"")
            path = scope.get("raw_path") or scope["path"].encode()
            built = scope[_KEY] = (
                f"{version()} {scope['scheme']}://{host.decode('latin-1')}"
                f"{path.decode('latin-1')}?{scope['query_string'].decode('latin-1')}"
            )
        return str(built)

    return key
