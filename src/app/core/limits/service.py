"""Counting actions against their budgets through the ``RateLimiter`` port."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.limits.model import Budget, Limit
from app.core.shared.errors import RateLimitedError
from app.ports.rate_limit import RateLimiter


class RequestLimits:
    """Counts actions per address and per account through the ``RateLimiter`` port (shared by every
    process that shares its store) and refuses with ``RateLimitedError`` beyond the budget."""

    def __init__(self, limiter: RateLimiter, budgets: Mapping[str, Budget]) -> None:
        self._limiter, self._budgets = limiter, dict(budgets)

    def budget(self, action: str) -> Budget:
        return self._budgets.get(action, Budget())

    async def hit(self, action: str, *, address: str | None = None, account: int | str | None = None) -> None:
        """Count one ``action``; raise ``RateLimitedError`` (with the wait) when a budget is spent."""
        retry_after = 0
        for key, limit in self._keys(action, address, account):
            retry_after = max(retry_after, await self._limiter.hit(key, limit=limit.count, window_s=limit.window_s))
        if retry_after:
            raise RateLimitedError(retry_after)

    async def forgive(self, action: str, *, address: str | None = None, account: int | str | None = None) -> None:
        """Take back one counted ``action`` (it turned out not to count, e.g. a successful login)."""
        for key, _ in self._keys(action, address, account):
            await self._limiter.undo(key)

    def _keys(self, action: str, address: str | None, account: int | str | None) -> list[tuple[str, Limit]]:
        budget = self.budget(action)
        keys: list[tuple[str, Limit]] = []
        if budget.address is not None and address is not None:
            keys.append((f"{action}:ip:{address}", budget.address))
        if budget.account is not None and account is not None:
            keys.append((f"{action}:user:{account}", budget.account))
        return keys
