"""Request and response bodies of the organizations endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct

from app.api.schemas.fields import PLAIN_TEXT, Id, RequestBody
from app.core.organizations.model import MemberCard, NewOrganization, OrganizationCard

Title = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=200, examples=["Mountain Rescue Club"])]
Description = Annotated[str, PLAIN_TEXT, Meta(max_length=5000)]
Address = Annotated[str, PLAIN_TEXT, Meta(max_length=300, examples=["Moscow, Tverskaya st. 1"])]
Postcode = Annotated[str, PLAIN_TEXT, Meta(max_length=20, examples=["101000"])]
UserId = Id


class OrganizationCreate(RequestBody):
    title: Title
    description: Description | None = None
    address: Address | None = None
    postcode: Postcode | None = None
    member_ids: Annotated[list[UserId], Meta(max_length=500)] = []

    def draft(self) -> NewOrganization:
        return NewOrganization(
            title=self.title,
            description=self.description,
            address=self.address,
            postcode=self.postcode,
            member_ids=sorted(set(self.member_ids)),
        )


class MemberAdd(RequestBody):
    user_id: UserId


class MemberOut(Struct):
    id: int
    name: str
    email: str

    @classmethod
    def of(cls, member: MemberCard) -> MemberOut:
        return cls(id=member.id, name=member.name, email=member.email)


class OrganizationOut(Struct):
    id: int
    title: str
    description: str
    address: str
    postcode: str
    full_address: str
    members: list[MemberOut]
    created_by: int | None
    created_at: datetime | None

    @classmethod
    def of(cls, card: OrganizationCard) -> OrganizationOut:
        organization = card.organization
        return cls(
            id=organization.id,
            title=organization.title,
            description=organization.description,
            address=organization.address,
            postcode=organization.postcode,
            full_address=organization.full_address,
            members=[MemberOut.of(member) for member in card.members],
            created_by=organization.created_by,
            created_at=organization.created_at,
        )
