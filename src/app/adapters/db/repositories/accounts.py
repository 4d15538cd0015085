"""SQL storage of users and refresh tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.errors import translate_integrity_error
from app.adapters.db.models.accounts import RefreshTokenModel, UserModel
from app.adapters.db.paging import window
from app.core.accounts.errors import EmailTakenError, UsernameTakenError
from app.core.accounts.model import NO_SESSIONS, RefreshToken, User
from app.core.shared.paging import Page, PageRequest
from app.core.shared.people import Person
from app.core.shared.principal import Role

_USER_CONSTRAINTS = {
    "uq_users_email_lower": EmailTakenError,
    "uq_users_username": UsernameTakenError,
    "users.username": UsernameTakenError,
}
_ROLE_COLUMNS = {
    Role.CHIEF: UserModel.is_chief,
    Role.ORGANIZER: UserModel.is_organizer,
    Role.ADMIN: UserModel.is_admin,
}


def user_from_row(row: UserModel) -> User:
    roles = {Role.MEMBER}
    roles.update(role for role, column in _ROLE_COLUMNS.items() if getattr(row, column.key))
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        username=row.username,
        phone=row.phone,
        password_hash=row.password_hash,
        roles=frozenset(roles),
        is_active=row.is_active,
        created_at=row.created_at,
        session_version=row.session_version,
    )


def _copy_into(row: UserModel, user: User) -> None:
    row.email, row.name, row.username, row.phone = user.email, user.name, user.username, user.phone
    row.password_hash, row.is_active = user.password_hash, user.is_active
    row.session_version = user.session_version
    for role, column in _ROLE_COLUMNS.items():
        setattr(row, column.key, role in user.roles)


class SqlUserRepository:
    """Users in the ``users`` table; e-mail unique on ``lower(email)``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user: User) -> User:
        row = UserModel()
        _copy_into(row, user)
        if user.created_at is not None:
            row.created_at = user.created_at
        self._session.add(row)
        await self._flush()
        return user_from_row(row)

    async def get(self, user_id: int) -> User | None:
        row = await self._session.get(UserModel, user_id)
        return user_from_row(row) if row else None

    async def get_for_update(self, user_id: int) -> User | None:
        row = await self._session.scalar(
            select(UserModel).where(UserModel.id == user_id).with_for_update().execution_options(populate_existing=True)
        )
        return user_from_row(row) if row else None

    async def lock_active_admin_ids(self) -> list[int]:
        ids = await self._session.scalars(
            select(UserModel.id)
            .where(UserModel.is_admin == True, UserModel.is_active == True)  # noqa: E712
            .order_by(UserModel.id)
            .with_for_update()
        )
        return list(ids)

    async def delete(self, user_id: int) -> None:
        await self._session.execute(delete(UserModel).where(UserModel.id == user_id))

    async def get_many(self, user_ids: list[int]) -> list[User]:
        if not user_ids:
            return []
        rows = await self._session.scalars(select(UserModel).where(UserModel.id.in_(user_ids)))
        return [user_from_row(row) for row in rows]

    async def get_by_email(self, email: str) -> User | None:
        row = await self._session.scalar(select(UserModel).where(func.lower(UserModel.email) == email.lower()))
        return user_from_row(row) if row else None

    async def update(self, user: User) -> User:
        row = await self._session.get_one(UserModel, user.id)
        _copy_into(row, user)
        await self._flush()
        return user_from_row(row)

    async def list(self, *, search: str | None, role: Role | None, page: PageRequest) -> Page[User]:
        conditions: list[ColumnElement[bool]] = []
        if search:
            pattern = f"%{search.lower()}%"
            conditions.append(or_(func.lower(UserModel.email).like(pattern), func.lower(UserModel.name).like(pattern)))
        if role is not None and role is not Role.MEMBER:
            conditions.append(_ROLE_COLUMNS.get(role, false()) == True)  # noqa: E712
        rows, counted = await window(self._session, select(UserModel).where(*conditions).order_by(UserModel.id), page)
        return Page.counted([user_from_row(row) for (row,) in rows], counted, page)

    async def find_people(self, *, query: str, exclude_id: int, page: PageRequest) -> Page[User]:
        matches = or_(
            func.lower(UserModel.email) == query, func.lower(UserModel.username).startswith(query, autoescape=True)
        )
        statement = (
            select(UserModel)
            .where(matches, UserModel.is_active == True, UserModel.id != exclude_id)  # noqa: E712
            .order_by(UserModel.username.is_(None), UserModel.username, UserModel.id)
        )
        rows, counted = await window(self._session, statement, page)
        return Page.counted([user_from_row(row) for (row,) in rows], counted, page)

    async def _flush(self) -> None:
        try:
            await self._session.flush()
        except IntegrityError as error:
            translate_integrity_error(error, _USER_CONSTRAINTS)
            raise


class SqlRefreshTokenRepository:
    """Refresh-token records in the ``refresh_tokens`` table."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: RefreshToken) -> None:
        self._session.add(
            RefreshTokenModel(jti=token.jti, family=token.family, user_id=token.user_id, expires_at=token.expires_at)
        )
        await self._session.flush()

    async def get_for_update(self, jti: str) -> RefreshToken | None:
        row = await self._session.scalar(
            select(RefreshTokenModel).where(RefreshTokenModel.jti == jti).with_for_update()
        )
        if row is None:
            return None
        return RefreshToken(
            jti=row.jti,
            family=row.family,
            user_id=row.user_id,
            expires_at=row.expires_at,
            used_at=row.used_at,
            revoked_at=row.revoked_at,
        )

    async def mark_used(self, jti: str, at: datetime) -> None:
        await self._session.execute(update(RefreshTokenModel).where(RefreshTokenModel.jti == jti).values(used_at=at))

    async def revoke_family(self, family: str, at: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenModel)
            .where(RefreshTokenModel.family == family, RefreshTokenModel.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def revoke_all_of_user(self, user_id: int, at: datetime) -> None:
        await self._session.execute(
            update(RefreshTokenModel)
            .where(RefreshTokenModel.user_id == user_id, RefreshTokenModel.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def families_revoked_since(self, user_id: int, since: datetime) -> frozenset[str]:
        families = await self._session.scalars(
            select(RefreshTokenModel.family)
            .where(RefreshTokenModel.user_id == user_id, RefreshTokenModel.revoked_at >= since)
            .distinct()
        )
        return frozenset(families) or NO_SESSIONS  # most users have none: one shared empty set


class SqlUserDirectory:
    """The people other contexts look up: users read without their credentials."""

    _COLUMNS = (UserModel.id, UserModel.name, UserModel.email, UserModel.is_active)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> Person | None:
        found = await self.get_many([user_id])
        return found[0] if found else None

    async def get_many(self, user_ids: list[int]) -> list[Person]:
        if not user_ids:
            return []
        rows = await self._session.execute(select(*self._COLUMNS).where(UserModel.id.in_(user_ids)))
        return [Person(id=row.id, name=row.name, email=row.email, is_active=row.is_active) for row in rows]
