"""Limit/offset paging as the core sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
COUNT_AHEAD = 1_000
"""How far past the end of the requested window a list counts its rows. Beyond it the count stops
and is a lower bound, so the first page of a list costs the same at 1,000 rows and at 100,000."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A window into an ordered list."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @property
    def count_cap(self) -> int:
        """Count at most this many rows: the window and ``COUNT_AHEAD`` more."""
        return self.offset + self.limit + COUNT_AHEAD


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One window of results and the total count.

    ``total_is_exact`` is False when counting stopped at ``request.count_cap``: then at least
    ``total`` rows match (and there is always a next page).
    """

    items: list[T]
    total: int
    request: PageRequest
    total_is_exact: bool = True

    @classmethod
    def counted(cls, items: list[T], counted: int, request: PageRequest) -> Page[T]:
        """A page whose total was counted up to ``request.count_cap``."""
        return cls(items=items, total=counted, request=request, total_is_exact=counted < request.count_cap)

    def with_items(self, items: list[U]) -> Page[U]:
        """The same window and count over other items (the same rows, rendered or enriched)."""
        return Page(items=items, total=self.total, request=self.request, total_is_exact=self.total_is_exact)
