"""The accounts context: users, roles, tokens. The use cases live in ``app.core.accounts.service``
(not re-exported here: ports import this package's model)."""

from app.core.accounts.model import RefreshToken, TokenClaims, TokenKind, TokenPair, User

__all__ = ["RefreshToken", "TokenClaims", "TokenKind", "TokenPair", "User"]
