"""What happens to expeditions, published after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.shared.domain_events import DomainEvent

if TYPE_CHECKING:  # the aggregate returns these events, so its module imports this one
    from app.core.expeditions.model import ExpeditionStatus, Person


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpeditionCreated(DomainEvent):
    expedition_id: int
    chief_id: int
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberInvited(DomainEvent):
    expedition_id: int
    user: Person


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberConfirmed(DomainEvent):
    expedition_id: int
    user: Person


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberDeclined(DomainEvent):
    expedition_id: int
    user: Person


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpeditionStatusChanged(DomainEvent):
    expedition_id: int
    status: ExpeditionStatus
    previous_status: ExpeditionStatus
