"""The Expedition aggregate: its members and the state machine draft → ready → active → finished."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.core.expeditions.domain_events import (
    ExpeditionStatusChanged,
    MemberConfirmed,
    MemberDeclined,
    MemberInvited,
)
from app.core.expeditions.errors import (
    AlreadyRespondedError,
    ExpeditionClosedError,
    ExpeditionNotFoundError,
    InvalidTransitionError,
    NotChiefError,
    NotInvitedError,
)
from app.core.expeditions.rules import check_activation, check_confirmation, check_invitation
from app.core.shared.principal import Principal


class ExpeditionStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class MembershipStatus(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


TRANSITIONS: dict[ExpeditionStatus, frozenset[ExpeditionStatus]] = {
    ExpeditionStatus.DRAFT: frozenset({ExpeditionStatus.READY, ExpeditionStatus.CANCELLED}),
    ExpeditionStatus.READY: frozenset({ExpeditionStatus.ACTIVE, ExpeditionStatus.CANCELLED}),
    ExpeditionStatus.ACTIVE: frozenset({ExpeditionStatus.FINISHED}),
    ExpeditionStatus.FINISHED: frozenset(),
    ExpeditionStatus.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({ExpeditionStatus.DRAFT, ExpeditionStatus.READY})
BELONGING_STATUSES = frozenset({MembershipStatus.INVITED, MembershipStatus.CONFIRMED})


@dataclass(frozen=True, slots=True)
class Person:
    """A user as expeditions show them."""

    id: int
    name: str
    email: str


@dataclass(slots=True, kw_only=True)
class Membership:
    """One user's invitation to an expedition and their answer."""

    user: Person
    status: MembershipStatus = MembershipStatus.INVITED
    invited_at: datetime
    confirmed_at: datetime | None = None
    declined_at: datetime | None = None

    @property
    def user_id(self) -> int:
        return self.user.id


@dataclass(slots=True, kw_only=True)
class Expedition:
    """An expedition led by its chief. Every change checks the rules and returns the domain event."""

    id: int = 0
    chief_id: int
    title: str
    description: str = ""
    start_at: datetime
    capacity: int
    status: ExpeditionStatus = ExpeditionStatus.DRAFT
    created_at: datetime | None = None
    members: list[Membership] = field(default_factory=list)

    @property
    def confirmed_ids(self) -> frozenset[int]:
        return frozenset(m.user_id for m in self.members if m.status is MembershipStatus.CONFIRMED)

    def membership_of(self, user_id: int) -> Membership | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def belongs(self, user_id: int) -> bool:
        """The chief and every invited or confirmed member belong; a user who declined no longer does."""
        if user_id == self.chief_id:
            return True
        membership = self.membership_of(user_id)
        return membership is not None and membership.status in BELONGING_STATUSES

    def ensure_visible(self, actor: Principal) -> None:
        """Outsiders are told the expedition does not exist."""
        if not (actor.is_admin or self.belongs(actor.user_id)):
            raise ExpeditionNotFoundError()

    def ensure_chief(self, actor: Principal) -> None:
        self.ensure_visible(actor)
        if actor.user_id != self.chief_id and not actor.is_admin:
            raise NotChiefError()

    def invite(self, invitee: Person, *, actor: Principal, now: datetime) -> MemberInvited:
        """Only the chief invites, while the expedition is open; never the chief, never twice."""
        self.ensure_chief(actor)
        self._ensure_open()
        check_invitation(chief_id=self.chief_id, invitee_id=invitee.id, member_ids=[m.user_id for m in self.members])
        self.members.append(Membership(user=invitee, invited_at=now))
        return MemberInvited(expedition_id=self.id, user=invitee)

    def confirm(self, *, actor: Principal, now: datetime) -> MemberConfirmed:
        """Only the invited user confirms, once, while the expedition is open and has a free place."""
        membership = self._own_invitation(actor)
        check_confirmation(confirmed_count=len(self.confirmed_ids), capacity=self.capacity)
        membership.status, membership.confirmed_at = MembershipStatus.CONFIRMED, now
        return MemberConfirmed(expedition_id=self.id, user=membership.user)

    def decline(self, *, actor: Principal, now: datetime) -> MemberDeclined:
        """Only the invited user declines, once, while the expedition is open."""
        membership = self._own_invitation(actor)
        membership.status, membership.declined_at = MembershipStatus.DECLINED, now
        return MemberDeclined(expedition_id=self.id, user=membership.user)

    def change_status(
        self,
        target: ExpeditionStatus,
        *,
        actor: Principal,
        now: datetime,
        busy_member_ids: Collection[int] = (),
    ) -> ExpeditionStatusChanged:
        """Move along the state machine; activation also checks the rules of ``check_activation``."""
        self.ensure_chief(actor)
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransitionError(f"An expedition cannot go from {self.status} to {target}.")
        if target is ExpeditionStatus.ACTIVE:
            check_activation(
                start_at=self.start_at,
                now=now,
                confirmed_ids=self.confirmed_ids,
                capacity=self.capacity,
                busy_member_ids=busy_member_ids,
            )
        previous, self.status = self.status, target
        return ExpeditionStatusChanged(expedition_id=self.id, status=target, previous_status=previous)

    def _own_invitation(self, actor: Principal) -> Membership:
        self.ensure_visible(actor)
        membership = self.membership_of(actor.user_id)
        if membership is None:
            raise NotInvitedError()
        if membership.status is not MembershipStatus.INVITED:
            raise AlreadyRespondedError()
        self._ensure_open()
        return membership

    def _ensure_open(self) -> None:
        if self.status not in OPEN_STATUSES:
            raise ExpeditionClosedError()
