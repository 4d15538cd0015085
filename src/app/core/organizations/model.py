"""Organizations: a title, an address and the users who belong to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.organizations.errors import InvalidOrganizationError


def full_address(postcode: str | None, address: str | None) -> str:
    """The postcode and the address joined by ", ", skipping empty parts (``"101000, Moscow"``)."""
    return ", ".join(part.strip() for part in (postcode, address) if part and part.strip())


def clean_text(value: str | None) -> str:
    """Trim optional free text; None becomes the empty string."""
    return (value or "").strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrganization:
    """What a caller asks for when creating an organization (checked when it becomes one)."""

    title: str
    description: str | None = None
    address: str | None = None
    postcode: str | None = None
    member_ids: list[int] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Organization:
    """An organization. ``member_ids`` holds every member, active or not."""

    id: int = 0
    title: str
    description: str = ""
    address: str = ""
    postcode: str = ""
    member_ids: frozenset[int] = frozenset()
    created_by: int | None = None
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        self.title = self.title.strip()
        if not self.title:
            raise InvalidOrganizationError()
        self.description = clean_text(self.description)
        self.address = clean_text(self.address)
        self.postcode = clean_text(self.postcode)
        self.member_ids = frozenset(self.member_ids)

    @property
    def full_address(self) -> str:
        return full_address(self.postcode, self.address)

    def is_member(self, user_id: int) -> bool:
        return user_id in self.member_ids


@dataclass(frozen=True, slots=True)
class MemberCard:
    """How an active member is shown next to an organization."""

    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class OrganizationCard:
    """An organization with its active members, as lists and event details show it."""

    organization: Organization
    members: list[MemberCard] = field(default_factory=list)
