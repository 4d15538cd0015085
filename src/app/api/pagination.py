"""Limit/offset paging in the ``{count, next, previous, results}`` shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar import Request
from litestar.params import QueryParameter
from msgspec import Struct

from app.core.shared.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest

T = TypeVar("T")
R = TypeVar("R")

Limit = Annotated[int, QueryParameter(ge=0, le=MAX_LIMIT, description="Page size (0 returns only the count).")]
Offset = Annotated[int, QueryParameter(ge=0, le=10**12, description="How many results to skip.")]


class PageOut(Struct, Generic[T]):
    """``count`` is exact up to ``COUNT_AHEAD`` (1,000) rows past the requested window; beyond it
    the list stops counting, ``count`` is a lower bound and ``count_is_exact`` is false."""

    count: int
    next: str | None
    previous: str | None
    results: list[T]
    count_is_exact: bool = True


def page_request(limit: int = DEFAULT_LIMIT, offset: int = 0) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


def page_out(request: Request[Any, Any, Any], page: Page[R], render: Callable[[R], T]) -> PageOut[T]:
    """Render a page and link its neighbours, keeping the request's other query parameters."""
    limit, offset = page.request.limit, page.request.offset
    next_url = previous_url = None
    if limit and offset + limit < page.total:
        next_url = _with_window(request, limit, offset + limit)
    if limit and offset > 0:
        previous_url = _with_window(request, limit, max(0, offset - limit))
    results = [render(i) for i in page.items]
    return PageOut(page.total, next_url, previous_url, results, page.total_is_exact)


def _with_window(request: Request[Any, Any, Any], limit: int, offset: int) -> str:
    params = {k: v for k, v in request.query_params.items() if k not in {"limit", "offset"}}
    params.update(limit=str(limit), offset=str(offset))
    raw_path = request.scope.get("raw_path")  # the path as the client wrote it (trailing slash kept)
    path = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else ""  # "": the URL's own path
    return str(request.url.with_replacements(path=path, query=urlencode(params)))
