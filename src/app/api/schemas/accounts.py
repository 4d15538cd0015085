"""Request and response bodies of the accounts endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from app.api.schemas.fields import PLAIN_TEXT, RequestBody
from app.core.accounts.model import TokenPair, User
from app.core.accounts.policy import ProfileChange

Email = Annotated[str, PLAIN_TEXT, Meta(min_length=3, max_length=254, examples=["chief@example.com"])]
Password = Annotated[str, Meta(min_length=1, max_length=128)]
Name = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=150)]
Username = Annotated[str, PLAIN_TEXT, Meta(max_length=150)]
Phone = Annotated[str, PLAIN_TEXT, Meta(max_length=32, examples=["+48123456789"])]
Token = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=2048)]
RoleName = Literal["member", "chief", "organizer", "admin"]


class UserCreate(RequestBody):
    email: Email
    password: Password
    name: Name
    username: Username | None = None
    phone: Phone | None = None
    role: Literal["member", "chief"] = "member"


class ProfileUpdate(RequestBody):
    name: Name | UnsetType = UNSET
    username: Username | UnsetType | None = UNSET
    phone: Phone | UnsetType | None = UNSET
    password: Password | UnsetType = UNSET
    current_password: Password | UnsetType = UNSET


class UserActive(RequestBody):
    is_active: bool


class UserOut(Struct):
    id: int
    email: str
    name: str
    username: str | None
    phone: str | None
    roles: list[str]
    is_active: bool
    created_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            username=user.username,
            phone=user.phone,
            roles=sorted(role.value for role in user.roles),
            is_active=user.is_active,
            created_at=user.created_at,
        )


class PersonOut(Struct):
    """Someone to talk to, as the people search shows them: no e-mail, phone or roles."""

    id: int
    name: str
    username: str | None

    @classmethod
    def of(cls, user: User) -> PersonOut:
        return cls(id=user.id, name=user.name, username=user.username)


class ProfileOut(UserOut, omit_defaults=True):
    """The profile; after a password change also the caller's fresh ``access`` and ``refresh``
    (every other session has ended)."""

    access: str | UnsetType = UNSET
    refresh: str | UnsetType = UNSET

    @classmethod
    def of_change(cls, change: ProfileChange) -> ProfileOut:
        out = cls(**msgspec.structs.asdict(UserOut.of(change.user)))
        if change.tokens is not None:
            out.access, out.refresh = change.tokens.access, change.tokens.refresh
        return out


class TokenObtain(RequestBody):
    email: Email
    password: Password


class TokenRefresh(RequestBody):
    refresh: Token


class TokenPairOut(Struct):
    access: str
    refresh: str

    @classmethod
    def of(cls, pair: TokenPair) -> TokenPairOut:
        return cls(access=pair.access, refresh=pair.refresh)


class RolesUpdate(RequestBody):
    roles: Annotated[list[RoleName], Meta(max_length=4)]
