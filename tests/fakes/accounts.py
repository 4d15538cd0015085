"""Fakes of the accounts ports: users, the user directory, refresh tokens, hashing, tokens, the user cache."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from app.core.accounts.errors import (
    EmailTakenError,
    TokenExpiredError,
    TokenInvalidError,
    TokenWrongKindError,
    UsernameTakenError,
)
from app.core.accounts.model import RefreshToken, TokenClaims, TokenKind, User
from app.core.shared.paging import Page, PageRequest
from app.core.shared.people import Person
from app.core.shared.principal import Role
from tests.fakes.shared import FixedClock
from tests.fakes.store import Store


class InMemoryUserRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, user: User) -> User:
        for other in self._store.users.values():
            if other.email.lower() == user.email.lower():
                raise EmailTakenError()
            if user.username and other.username == user.username:
                raise UsernameTakenError()
        stored = replace(user, id=next(self._store.ids))
        self._store.users[stored.id] = stored
        return replace(stored)

    async def get(self, user_id: int) -> User | None:
        user = self._store.users.get(user_id)
        return replace(user) if user else None

    async def get_for_update(self, user_id: int) -> User | None:
        return await self.get(user_id)

    async def lock_active_admin_ids(self) -> list[int]:
        return sorted(u.id for u in self._store.users.values() if u.is_active_admin)

    async def delete(self, user_id: int) -> None:
        self._store.users.pop(user_id, None)
        for jti in [jti for jti, token in self._store.refresh_tokens.items() if token.user_id == user_id]:
            del self._store.refresh_tokens[jti]

    async def get_many(self, user_ids: list[int]) -> list[User]:
        return [replace(self._store.users[i]) for i in user_ids if i in self._store.users]

    async def get_by_email(self, email: str) -> User | None:
        return next((replace(u) for u in self._store.users.values() if u.email.lower() == email.lower()), None)

    async def update(self, user: User) -> User:
        for other in self._store.users.values():
            if other.id != user.id and user.username and other.username == user.username:
                raise UsernameTakenError()
        self._store.users[user.id] = replace(user)
        return replace(user)

    async def list(self, *, search: str | None, role: Role | None, page: PageRequest) -> Page[User]:
        users = sorted(self._store.users.values(), key=lambda u: u.id)
        if search:
            users = [u for u in users if search.lower() in u.email.lower() or search.lower() in u.name.lower()]
        if role is not None:
            users = [u for u in users if role in u.roles]
        window = users[page.offset : page.offset + page.limit]
        return Page(items=[replace(u) for u in window], total=len(users), request=page)

    async def find_people(self, *, query: str, exclude_id: int, page: PageRequest) -> Page[User]:
        users = [
            u
            for u in self._store.users.values()
            if u.is_active
            and u.id != exclude_id
            and (u.email.lower() == query or (u.username or "").lower().startswith(query))
        ]
        users.sort(key=lambda u: (u.username is None, u.username or "", u.id))
        window = users[page.offset : page.offset + page.limit]
        return Page(items=[replace(u) for u in window], total=len(users), request=page)


class InMemoryUserDirectory:
    """People read from the fake store's users."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, user_id: int) -> Person | None:
        found = await self.get_many([user_id])
        return found[0] if found else None

    async def get_many(self, user_ids: list[int]) -> list[Person]:
        users = [self._store.users[i] for i in user_ids if i in self._store.users]
        return [Person(id=u.id, name=u.name, email=u.email, is_active=u.is_active) for u in users]


class InMemoryRefreshTokenRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, token: RefreshToken) -> None:
        self._store.refresh_tokens[token.jti] = replace(token)

    async def get_for_update(self, jti: str) -> RefreshToken | None:
        token = self._store.refresh_tokens.get(jti)
        return replace(token) if token else None

    async def mark_used(self, jti: str, at: datetime) -> None:
        self._store.refresh_tokens[jti].used_at = at

    async def revoke_family(self, family: str, at: datetime) -> None:
        for token in self._store.refresh_tokens.values():
            if token.family == family and token.revoked_at is None:
                token.revoked_at = at

    async def revoke_all_of_user(self, user_id: int, at: datetime) -> None:
        for token in self._store.refresh_tokens.values():
            if token.user_id == user_id and token.revoked_at is None:
                token.revoked_at = at

    async def families_revoked_since(self, user_id: int, since: datetime) -> frozenset[str]:
        return frozenset(
            token.family
            for token in self._store.refresh_tokens.values()
            if token.user_id == user_id and token.revoked_at is not None and token.revoked_at >= since
        )


class FakePasswordHasher:
    async def hash(self, password: str) -> str:
        return f"fake${password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith("fake$")


class FakeTokenSigner:
    """Tokens are random handles to claims kept in memory; expiry is read from the given clock."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self.issued: dict[str, TokenClaims] = {}

    def issue(self, claims: TokenClaims) -> str:
        token = f"{claims.kind.value}.{secrets.token_hex(8)}"
        self.issued[token] = claims
        return token

    def verify(self, token: str, *, kind: TokenKind) -> TokenClaims:
        claims = self.issued.get(token)
        if claims is None:
            raise TokenInvalidError()
        if claims.expires_at <= self._clock.now():
            raise TokenExpiredError()
        if claims.kind is not kind:
            raise TokenWrongKindError()
        return claims


class InMemoryUserCache:
    """Records what was cached; entries never expire (tests invalidate explicitly)."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}

    async def get(self, user_id: int) -> User | None:
        user = self.users.get(user_id)
        return replace(user) if user else None

    async def put(self, user: User) -> None:
        self.users[user.id] = replace(user, password_hash="")

    async def invalidate(self, user_id: int) -> None:
        self.users.pop(user_id, None)
