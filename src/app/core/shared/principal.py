"""Who is calling: the authenticated user as the core sees it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Roles a user can hold. Every user is a member."""

    MEMBER = "member"
    CHIEF = "chief"
    ORGANIZER = "organizer"
    ADMIN = "admin"


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
