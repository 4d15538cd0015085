"""Users, their roles and the tokens that stand for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.accounts.errors import InvalidEmailError, InvalidPhoneError, WeakPasswordError
from app.core.shared.principal import Principal, Role, role_set

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
E164_PATTERN = re.compile(r"^\+[1-9]\d{6,14}$")
PHONE_SEPARATORS = re.compile(r"[\s\-().]")
MIN_PASSWORD_LENGTH = 8
SELF_SERVICE_ROLES = frozenset({Role.MEMBER, Role.CHIEF})
GRANTABLE_ROLES = frozenset({Role.CHIEF, Role.ORGANIZER, Role.ADMIN})


def normalize_email(raw: str) -> str:
    """Trim the address and lower-case its domain; refuse what is not an address."""
    email = raw.strip()
    if not EMAIL_PATTERN.match(email):
        raise InvalidEmailError()
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_phone(raw: str | None) -> str | None:
    """Return the phone number in E.164 (``+48123456789``), or None for an empty value."""
    if raw is None or not raw.strip():
        return None
    phone = PHONE_SEPARATORS.sub("", raw.strip())
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not E164_PATTERN.match(phone):
        raise InvalidPhoneError()
    return phone


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short or blank."""
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise WeakPasswordError()


# Shared empty sets: every ``frozenset()`` is a new 216-byte object, and a process keeps thousands
# of users and verified tokens (caches, sockets), most of them with no ended sessions or no roles.
NO_ROLES: frozenset[Role] = frozenset()
NO_SESSIONS: frozenset[str] = frozenset()


@dataclass(slots=True, kw_only=True)
class User:
    """A person with an account. Every user is a member; other roles are granted."""

    id: int = 0
    email: str
    name: str
    password_hash: str
    username: str | None = None
    phone: str | None = None
    roles: frozenset[Role] = frozenset({Role.MEMBER})
    is_active: bool = True
    created_at: datetime | None = None
    # Bumped whenever every session must end (deactivation, password change); access tokens carry it.
    session_version: int = 0
    # Login sessions (token families) ended within an access token's lifetime. Loaded with the user
    # when it is cached for authentication; never stored on the users row.
    ended_sessions: frozenset[str] = NO_SESSIONS

    def __post_init__(self) -> None:
        self.roles = role_set(self.roles)

    def principal(self) -> Principal:
        """The caller this user becomes once authenticated."""
        return Principal(user_id=self.id, roles=self.roles)

    def grant_roles(self, roles: frozenset[Role]) -> None:
        """Replace the granted roles (member is always kept)."""
        self.roles = role_set(roles)

    @property
    def is_active_admin(self) -> bool:
        return self.is_active and Role.ADMIN in self.roles

    def end_all_sessions(self) -> None:
        """Every access token issued so far stops working (their session version is now stale)."""
        self.session_version += 1

    def accepts(self, claims: TokenClaims) -> bool:
        """Whether an access token of this user still stands for a live session."""
        return (
            self.is_active
            and claims.session_version == self.session_version
            and claims.family not in self.ended_sessions
        )


class TokenKind(StrEnum):
    """What a signed token may be used for; no kind is accepted in place of another."""

    ACCESS = "access"
    REFRESH = "refresh"
    ACTIVATION = "activation"


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenClaims:
    """The facts a signed token carries."""

    kind: TokenKind
    user_id: int
    expires_at: datetime
    jti: str = ""
    family: str = ""
    roles: frozenset[Role] = NO_ROLES
    session_version: int = 0


@dataclass(frozen=True, slots=True)
class TokenPair:
    """An access token and the refresh token that renews it."""

    access: str
    refresh: str


@dataclass(slots=True, kw_only=True)
class RefreshToken:
    """A refresh token's server-side record: used once, then replaced by the next of its family."""

    jti: str
    family: str
    user_id: int
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_spent(self) -> bool:
        return self.used_at is not None or self.revoked_at is not None
