"""The people other contexts need from the accounts context: who a user id names, and whether it
names anyone at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.core.shared.errors import DomainError


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A user as another context sees one: an id, a name and an e-mail address."""

    id: int
    name: str
    email: str
    is_active: bool = True


class KnownPeople(Protocol):
    async def get_many(self, user_ids: list[int]) -> list[Person]: ...


async def ensure_users_exist(
    people: KnownPeople,
    user_ids: Sequence[int],
    *,
    missing: Callable[[list[int]], DomainError],
    active_only: bool = False,
) -> None:
    """Raise ``missing(ids)`` for the ids of ``user_ids`` (in their order) naming no user, or, with
    ``active_only``, no active user. Each context words its own error."""
    found = {person.id for person in await people.get_many(list(user_ids)) if person.is_active or not active_only}
    absent = [user_id for user_id in user_ids if user_id not in found]
    if absent:
        raise missing(absent)
