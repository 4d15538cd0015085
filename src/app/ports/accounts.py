"""Storage of users and refresh tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from app.core.accounts.model import RefreshToken, User
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Role
from app.ports.uow import Transaction


class UserRepository(Protocol):
    """Users by id and e-mail. ``add`` raises ``EmailTakenError``/``UsernameTakenError`` on duplicates."""

    async def add(self, user: User) -> User: ...

    async def get(self, user_id: int) -> User | None: ...

    async def get_for_update(self, user_id: int) -> User | None:
        """Load a user and lock the row until the unit of work ends."""
        ...

    async def lock_active_admin_ids(self) -> list[int]:
        """Lock the rows of every active admin (in id order) and return their ids."""
        ...

    async def delete(self, user_id: int) -> None:
        """Remove the user's row (and, by cascade, what only they owned)."""
        ...

    async def get_many(self, user_ids: list[int]) -> list[User]: ...

    async def get_by_email(self, email: str) -> User | None:
        """Find a user by e-mail, case-insensitively."""
        ...

    async def update(self, user: User) -> User: ...

    async def list(self, *, search: str | None, role: Role | None, page: PageRequest) -> Page[User]: ...

    async def find_people(self, *, query: str, exclude_id: int, page: PageRequest) -> Page[User]:
        """Active users but ``exclude_id`` whose lower-cased e-mail equals ``query`` or whose
        lower-cased username starts with it (``query`` is lower-case), ordered by username, then id."""
        ...


class RefreshTokenRepository(Protocol):
    """Server-side records of issued refresh tokens."""

    async def add(self, token: RefreshToken) -> None: ...

    async def get_for_update(self, jti: str) -> RefreshToken | None:
        """Load a token and lock it until the unit of work ends."""
        ...

    async def mark_used(self, jti: str, at: datetime) -> None: ...

    async def revoke_family(self, family: str, at: datetime) -> None: ...

    async def revoke_all_of_user(self, user_id: int, at: datetime) -> None:
        """Revoke every refresh token of the user: every session ends."""
        ...

    async def families_revoked_since(self, user_id: int, since: datetime) -> frozenset[str]:
        """The user's token families revoked at or after ``since``."""
        ...


class AccountsUnitOfWork(Transaction, Protocol):
    """What the accounts use cases see in one transaction."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...


AccountsUnitOfWorkFactory = Callable[[], AccountsUnitOfWork]
