"""Counting requests per client."""

from __future__ import annotations

from typing import Protocol


class RateLimiter(Protocol):
    """A fixed-window counter shared by every server process that shares its store."""

    async def hit(self, key: str, *, limit: int, window_s: int) -> int:
        """Count one request for ``key``; return 0 when allowed, else the seconds until it would be."""
        ...

    async def undo(self, key: str) -> None:
        """Take back one counted request of ``key`` in its current window (nothing when none is left)."""
        ...
