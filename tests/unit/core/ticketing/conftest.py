"""Helpers for ticketing use-case tests: a world of fakes with users already registered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.core.accounts.model import User
from app.core.shared.principal import Principal, Role
from app.core.ticketing.model import Event
from app.core.ticketing.services import AfterCommit, BookingService, DoorService, EventService
from app.ports.mailer import Mailer
from tests.builders import World, a_ticketing_service, a_world


@dataclass
class Desk:
    """The ticketing services on fakes, an organizer and a few users."""

    world: World
    events: EventService
    booking: BookingService
    door: DoorService
    after_commit: AfterCommit
    organizer: Principal
    users: list[Principal]

    async def published_event(self, *, capacity: int = 2, requires_approval: bool = False) -> Event:
        event = await self.events.create_event(
            actor=self.organizer,
            title="Night hike",
            starts_at=self.world.clock.now() + timedelta(days=30),
            capacity=capacity,
            requires_approval=requires_approval,
        )
        return await self.events.publish_event(actor=self.organizer, event_id=event.id)


def a_desk(world: World | None = None, *, users: int = 6, mailer: Mailer | None = None) -> Desk:
    world = world or a_world()
    store = world.uow.store
    people = []
    for index in range(users + 1):
        user_id = next(store.ids)
        roles = frozenset({Role.ORGANIZER}) if index == 0 else frozenset()
        store.users[user_id] = User(
            id=user_id, email=f"user{index}@example.com", name=f"User {index}", password_hash="x", roles=roles
        )
        people.append(store.users[user_id].principal())
    ticketing = a_ticketing_service(world, mailer=mailer)
    return Desk(
        world=world,
        events=ticketing.events,
        booking=ticketing.booking,
        door=ticketing.door,
        after_commit=ticketing.after_commit,
        organizer=people[0],
        users=people[1:],
    )


@pytest.fixture
def desk() -> Desk:
    return a_desk()
