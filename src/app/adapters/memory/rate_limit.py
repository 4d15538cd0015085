"""A per-process fixed-window rate limiter for the embedded default."""

from __future__ import annotations

import math
import time


class MemoryRateLimiter:
    """Counts hits per key in this process only; Redis is needed once several processes serve."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, *, limit: int, window_s: int) -> int:
        now = time.monotonic()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= window_s:
            started, count = now, 0
        count += 1
        self._windows[key] = (started, count)
        if len(self._windows) > 100_000:
            self._forget_expired(now, window_s)
        if count > limit:
            return max(1, math.ceil(started + window_s - now))
        return 0

    async def undo(self, key: str) -> None:
        window = self._windows.get(key)
        if window is not None and window[1] > 0:
            self._windows[key] = (window[0], window[1] - 1)

    def _forget_expired(self, now: float, window_s: int) -> None:
        self._windows = {k: v for k, v in self._windows.items() if now - v[0] < window_s}
