"""Request and response bodies of the expeditions endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

from app.api.schemas.fields import PLAIN_TEXT, Id, RequestBody
from app.core.expeditions.model import Expedition, Membership, Person

Title = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=200, examples=["Arctic Expedition"])]
Description = Annotated[str, PLAIN_TEXT, Meta(max_length=5000)]
StartAt = Annotated[datetime, Meta(tz=True, examples=["2026-05-01T08:00:00Z"])]
Capacity = Annotated[int, Meta(ge=1, le=10_000, examples=[5])]
UserId = Id
StatusName = Literal["draft", "ready", "active", "finished", "cancelled"]


class ExpeditionCreate(RequestBody):
    title: Title
    start_at: StartAt
    capacity: Capacity
    description: Description = ""


class StatusChange(RequestBody):
    status: StatusName


class Invitation(RequestBody):
    user_id: UserId


class PersonOut(Struct):
    id: int
    name: str
    email: str

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(id=person.id, name=person.name, email=person.email)


class MembershipOut(Struct):
    user: PersonOut
    status: str
    invited_at: datetime
    confirmed_at: datetime | None
    declined_at: datetime | None

    @classmethod
    def of(cls, membership: Membership) -> MembershipOut:
        return cls(
            user=PersonOut.of(membership.user),
            status=membership.status.value,
            invited_at=membership.invited_at,
            confirmed_at=membership.confirmed_at,
            declined_at=membership.declined_at,
        )


class ExpeditionOut(Struct):
    id: int
    title: str
    description: str
    start_at: datetime
    capacity: int
    status: str
    chief_id: int
    confirmed_count: int
    created_at: datetime | None
    members: list[MembershipOut]

    @classmethod
    def of(cls, expedition: Expedition) -> ExpeditionOut:
        return cls(
            id=expedition.id,
            title=expedition.title,
            description=expedition.description,
            start_at=expedition.start_at,
            capacity=expedition.capacity,
            status=expedition.status.value,
            chief_id=expedition.chief_id,
            confirmed_count=len(expedition.confirmed_ids),
            created_at=expedition.created_at,
            members=[MembershipOut.of(m) for m in expedition.members],
        )
