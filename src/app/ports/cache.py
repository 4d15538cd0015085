"""A short-lived cache of users for hot reads (the caller's own profile)."""

from __future__ import annotations

from typing import Protocol

from app.core.accounts.model import User


class UserCache(Protocol):
    """Users by id, for showing them, never for checking credentials: a cached user has no password
    hash. Entries expire after a short TTL; writers invalidate after they commit."""

    async def get(self, user_id: int) -> User | None: ...

    async def put(self, user: User) -> None: ...

    async def invalidate(self, user_id: int) -> None: ...
