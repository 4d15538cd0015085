"""Input bounds at the HTTP edge, one mechanism per kind: ids in paths (404 when out of range), the
nesting depth of JSON bodies (400 before decoding), and plain text in query parameters (400)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.params import KwargDefinition, QueryParameter

from app.core.shared.bounds import MAX_ID, TEXT_PATTERN, check_json_depth, id_in_range
from app.core.shared.errors import NotFoundError


class BoundedRequest(Request[Any, Any, Any]):
    """A request whose JSON body is refused (400 ``json_too_deep``) when it nests too deep to decode safely."""

    async def json(self) -> Any:
        check_json_depth(await self.body())
        return await super().json()


async def check_path_ids(request: Request[Any, Any, Any]) -> None:
    """Raise ``NotFoundError`` (404 ``not_found``) when an integer path parameter cannot name a
    stored row (below 1 or beyond 64 bits), before any handler or database sees it: the app's
    ``before_request``, once routing has parsed the path. HTTP only: sockets check their own paths."""
    for value in request.scope.get("path_params", {}).values():
        if isinstance(value, int) and not id_in_range(value):
            raise NotFoundError()


def text_query(description: str, *, max_length: int = 200, min_length: int | None = None) -> KwargDefinition:
    """A text query parameter: bounded length and the text rule (400 ``invalid_text`` for control characters)."""
    return QueryParameter(description=description, min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN)


def id_query(description: str) -> KwargDefinition:
    """An id query parameter: a positive 64-bit integer (400 otherwise)."""
    return QueryParameter(description=description, ge=1, le=MAX_ID)
