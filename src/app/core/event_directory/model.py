"""An event as the directory shows it, and what a caller asks for when creating one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.organizations.model import OrganizationCard
from app.core.ticketing.model import Event


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEvent:
    """What a caller asks for when creating an event (checked when it becomes one)."""

    title: str
    starts_at: datetime
    capacity: int
    description: str = ""
    location: str = ""
    requires_approval: bool = False
    organization_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class EventDetail:
    """An event with its organizations, each with its active members."""

    event: Event
    organizations: list[OrganizationCard] = field(default_factory=list)
