"""Administration of accounts: admins list users, grant roles, deactivate and delete accounts; the
command line creates the first admin. The last active admin is always kept."""

from __future__ import annotations

from app.core.accounts.errors import AdminOnlyError, InvalidRoleError, LastAdminError, UserNotFoundError
from app.core.accounts.model import GRANTABLE_ROLES, User, check_password_strength, normalize_email
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal, Role
from app.ports.accounts import AccountsUnitOfWork, AccountsUnitOfWorkFactory
from app.ports.cache import UserCache
from app.ports.clock import Clock
from app.ports.security import PasswordHasher


class UserAdminService:
    """Account administration use cases. One public method, one transaction; each change drops the
    user's cached profile, so it applies from the next request."""

    def __init__(
        self, *, uow: AccountsUnitOfWorkFactory, hasher: PasswordHasher, clock: Clock, cache: UserCache
    ) -> None:
        self._uow, self._hasher, self._clock, self._cache = uow, hasher, clock, cache

    async def list_users(
        self, *, actor: Principal, search: str | None, role: Role | None, page: PageRequest
    ) -> Page[User]:
        """Admins list users, searching e-mail and name and filtering by role."""
        _ensure_admin(actor)
        async with self._uow() as uow:
            return await uow.users.list(search=(search or "").strip() or None, role=role, page=page)

    async def set_roles(self, *, actor: Principal, user_id: int, roles: frozenset[Role]) -> User:
        """Admins grant and revoke chief, organizer and admin; it takes effect at the next request.

        Rules: the last active admin keeps the admin role (``last_admin``, 409), also when they
        ask themselves.
        """
        _ensure_admin(actor)
        if not roles <= GRANTABLE_ROLES | {Role.MEMBER}:
            raise InvalidRoleError()
        async with self._uow() as uow:
            user = await self._lock_for_admin_change(uow, user_id, keeps_admin=Role.ADMIN in roles)
            user.grant_roles(roles)
            user = await uow.users.update(user)
            await uow.commit()
        await self._cache.invalidate(user.id)
        return user

    async def set_active(self, *, actor: Principal, user_id: int, is_active: bool) -> User:
        """Admins deactivate an account (every session ends at once) or reactivate it.

        Rules: the last active admin cannot be deactivated (``last_admin``, 409).
        """
        _ensure_admin(actor)
        async with self._uow() as uow:
            user = await self._lock_for_admin_change(uow, user_id, keeps_admin=is_active)
            if user.is_active and not is_active:
                user.end_all_sessions()
                await uow.refresh_tokens.revoke_all_of_user(user.id, self._clock.now())
            user.is_active = is_active
            user = await uow.users.update(user)
            await uow.commit()
        await self._cache.invalidate(user.id)
        return user

    async def delete_user(self, *, actor: Principal, user_id: int) -> None:
        """Admins delete an account: its row goes, and its tokens stop working at once.

        Rules: the last active admin cannot be deleted (``last_admin``, 409).
        """
        _ensure_admin(actor)
        async with self._uow() as uow:
            await self._lock_for_admin_change(uow, user_id, keeps_admin=False)
            await uow.users.delete(user_id)
            await uow.commit()
        await self._cache.invalidate(user_id)

    async def create_superuser(self, *, email: str, password: str, name: str) -> User:
        """Create an active admin (command line), or promote an existing account to admin."""
        check_password_strength(password)
        email = normalize_email(email)
        async with self._uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None:
                user = await uow.users.add(
                    User(
                        email=email,
                        name=name.strip() or email,
                        password_hash=await self._hasher.hash(password),
                        roles=frozenset(GRANTABLE_ROLES),
                        created_at=self._clock.now(),
                    )
                )
            else:
                user.grant_roles(user.roles | GRANTABLE_ROLES)
                user.is_active = True
                user.password_hash = await self._hasher.hash(password)
                user = await uow.users.update(user)
            await uow.commit()
        await self._cache.invalidate(user.id)
        return user

    @staticmethod
    async def _lock_for_admin_change(uow: AccountsUnitOfWork, user_id: int, *, keeps_admin: bool) -> User:
        """Lock the active admins, then the user; refuse a change that would leave no active admin.

        The admins are locked first, in id order, so two admins demoting each other queue up
        instead of deadlocking, and the second sees the first one's change.
        """
        admin_ids = await uow.users.lock_active_admin_ids()
        user = await uow.users.get_for_update(user_id)
        if user is None:
            raise UserNotFoundError()
        if not keeps_admin and user.is_active_admin and set(admin_ids) <= {user.id}:
            raise LastAdminError()
        return user


def _ensure_admin(actor: Principal) -> None:
    if not actor.is_admin:
        raise AdminOnlyError()
