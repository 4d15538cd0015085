"""Who is calling: the authenticated user as the core sees it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Roles a user can hold. Every user is a member."""

    MEMBER = "member"
    CHIEF = "chief"
    ORGANIZER = "organizer"
    ADMIN = "admin"


_ROLE_SETS: dict[frozenset[Role], frozenset[Role]] = {}


def role_set(roles: Iterable[Role]) -> frozenset[Role]:
    """``roles`` with member, as one shared set per combination: a process holds thousands of
    users (caches, sockets) and at most sixteen distinct role sets."""
    wanted = frozenset(roles) | {Role.MEMBER}
    return _ROLE_SETS.setdefault(wanted, wanted)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    user_id: int
    roles: frozenset[Role]

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has_role(self, role: Role) -> bool:
        """True when the caller holds ``role``; admins hold every role."""
        return role in self.roles or self.is_admin
