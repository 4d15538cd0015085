"""The accounts context's settings, what a profile change answers, and the activation mail."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.accounts.model import TokenClaims, TokenKind, TokenPair, User
from app.core.shared.mail import Mail


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountPolicy:
    """Settings of the accounts context."""

    require_activation: bool = False
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=7)
    activation_ttl: timedelta = timedelta(days=3)
    activation_url: str = "http://localhost:8000/api/users/activate/{token}/"

    def sessions_horizon(self, now: datetime) -> datetime:
        """How far back ended logins still matter: an access token's lifetime, and a minute of skew."""
        return now - self.access_ttl - timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """A changed profile, and the caller's fresh token pair when the password changed."""

    user: User
    tokens: TokenPair | None = None


def activation_mail(user: User, *, issue: Callable[[TokenClaims], str], now: datetime, policy: AccountPolicy) -> Mail:
    """The mail with the link that activates a new account (valid ``policy.activation_ttl``)."""
    token = issue(
        TokenClaims(
            kind=TokenKind.ACTIVATION,
            user_id=user.id,
            expires_at=now + policy.activation_ttl,
            session_version=user.session_version,
        )
    )
    link = policy.activation_url.format(token=token)
    body = (
        f"Hello {user.name},\n\n"
        f"Open this link to activate your Muster account:\n{link}\n\n"
        "If you did not register, ignore this message.\n"
    )
    return Mail(to=user.email, subject="Activate your Muster account", body=body)


def session_claims(user: User, *, family: str, now: datetime, policy: AccountPolicy) -> tuple[TokenClaims, TokenClaims]:
    """The claims of a new session's access and refresh tokens, in token family ``family``."""
    refresh = TokenClaims(
        kind=TokenKind.REFRESH,
        user_id=user.id,
        expires_at=now + policy.refresh_ttl,
        jti=secrets.token_urlsafe(16),
        family=family,
    )
    # An access token carries only what checking it needs (its session: family and version); the
    # caller's roles are read from the account on every use, so the token stays short: it travels
    # in every socket URL and is held for the socket's life.
    access = TokenClaims(
        kind=TokenKind.ACCESS,
        user_id=user.id,
        expires_at=now + policy.access_ttl,
        family=family,
        session_version=user.session_version,
    )
    return access, refresh
