"""The accounts context: users, roles, tokens."""

from app.core.accounts.model import RefreshToken, TokenClaims, TokenKind, TokenPair, User
from app.core.accounts.service import AccountPolicy, AccountsService

__all__ = ["AccountPolicy", "AccountsService", "RefreshToken", "TokenClaims", "TokenKind", "TokenPair", "User"]
