"""Password hashing and token signing."""

from __future__ import annotations

from typing import Protocol

from app.core.accounts.model import TokenClaims, TokenKind


class PasswordHasher(Protocol):
    """One-way password hashing."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenSigner(Protocol):
    """Signed, expiring tokens.

    ``verify`` raises ``TokenInvalidError``, ``TokenExpiredError`` or ``TokenWrongKindError``.
    """

    def issue(self, claims: TokenClaims) -> str: ...

    def verify(self, token: str, *, kind: TokenKind) -> TokenClaims: ...
