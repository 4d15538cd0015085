"""The read port other contexts use to look people up (the accounts context owns the users)."""

from __future__ import annotations

from typing import Protocol

from app.core.shared.people import Person


class UserDirectory(Protocol):
    """People by id, read-only; a deleted account is simply absent."""

    async def get(self, user_id: int) -> Person | None: ...

    async def get_many(self, user_ids: list[int]) -> list[Person]:
        """The people these ids name (ids naming nobody are left out)."""
        ...
