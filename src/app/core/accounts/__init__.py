"""The accounts context: users, roles, tokens."""

from app.core.accounts.model import RefreshToken, TokenClaims, TokenKind, TokenPair, User
from app.core.accounts.service import AccountPolicy, AccountsService, ProfileChange

__all__ = [
    "AccountPolicy",
    "AccountsService",
    "ProfileChange",
    "RefreshToken",
    "TokenClaims",
    "TokenKind",
    "TokenPair",
    "User",
]
