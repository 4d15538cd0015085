"""The Event aggregate through the ticketing service: creation, visibility, transitions, editing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.shared.paging import PageRequest
from app.core.ticketing.domain_events import EventStatusChanged
from app.core.ticketing.errors import (
    CapacityBelowConfirmedError,
    EventNotEditableError,
    EventNotFoundError,
    InvalidEventError,
    InvalidTransitionError,
    NotEventOwnerError,
    OrganizerOnlyError,
)
from app.core.ticketing.model import EventChanges, EventStatus
from app.core.ticketing.reservations import ReservationStatus
from tests.unit.core.ticketing.conftest import Desk


async def test_create_event_makes_a_draft_owned_by_the_organizer(desk: Desk) -> None:
    event = await desk.events.create_event(
        actor=desk.organizer, title=" Hike ", starts_at=desk.world.clock.now() + timedelta(days=1), capacity=3
    )
    assert (event.status, event.owner_id, event.title, event.capacity) == (
        EventStatus.DRAFT,
        desk.organizer.user_id,
        "Hike",
        3,
    )


async def test_create_event_is_refused_when_the_caller_is_not_an_organizer(desk: Desk) -> None:
    with pytest.raises(OrganizerOnlyError):
        await desk.events.create_event(actor=desk.users[0], title="Hike", starts_at=desk.world.clock.now(), capacity=3)


@pytest.mark.parametrize(("title", "capacity"), [("", 3), ("   ", 3), ("Hike", 0), ("Hike", -1), ("x" * 201, 3)])
async def test_create_event_refuses_bad_fields(desk: Desk, title: str, capacity: int) -> None:
    with pytest.raises(InvalidEventError):
        await desk.events.create_event(
            actor=desk.organizer, title=title, starts_at=desk.world.clock.now(), capacity=capacity
        )


async def test_drafts_are_hidden_from_everyone_but_the_organizer(desk: Desk) -> None:
    event = await desk.events.create_event(
        actor=desk.organizer, title="Hike", starts_at=desk.world.clock.now() + timedelta(days=1), capacity=3
    )
    assert (await desk.events.get_event(actor=desk.organizer, event_id=event.id)).id == event.id
    for outsider in (None, desk.users[0]):
        with pytest.raises(EventNotFoundError):
            await desk.events.get_event(actor=outsider, event_id=event.id)
    assert (await desk.events.list_published(page=PageRequest())).total == 0


async def test_publish_then_cancel_follows_the_state_machine(desk: Desk) -> None:
    event = await desk.published_event()
    assert event.status is EventStatus.PUBLISHED
    with pytest.raises(InvalidTransitionError):
        await desk.events.publish_event(actor=desk.organizer, event_id=event.id)
    cancelled = await desk.events.cancel_event(actor=desk.organizer, event_id=event.id)
    assert cancelled.status is EventStatus.CANCELLED
    with pytest.raises(InvalidTransitionError):
        await desk.events.cancel_event(actor=desk.organizer, event_id=event.id)
    with pytest.raises(EventNotEditableError):
        await desk.events.edit_event(actor=desk.organizer, event_id=event.id, changes=EventChanges(title="Again"))
    changes = [e for e in desk.world.notifier.published if isinstance(e, EventStatusChanged)]
    assert [(c.previous_status, c.status) for c in changes] == [("draft", "published"), ("published", "cancelled")]


async def test_only_the_organizer_manages_a_published_event(desk: Desk) -> None:
    event = await desk.published_event()
    with pytest.raises(NotEventOwnerError):
        await desk.events.cancel_event(actor=desk.users[0], event_id=event.id)
    with pytest.raises(NotEventOwnerError):
        await desk.events.edit_event(actor=desk.users[0], event_id=event.id, changes=EventChanges(title="Mine"))


async def test_cancelling_an_event_cancels_its_reservations_and_mails_the_holders(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    for user in desk.users[:2]:
        await desk.booking.reserve(actor=user, event_id=event.id)
    desk.world.mailer.sent.clear()

    await desk.events.cancel_event(actor=desk.organizer, event_id=event.id)

    statuses = {r.status for r in desk.world.uow.store.reservations.values()}
    assert statuses == {ReservationStatus.CANCELLED}
    assert sorted(m.to for m in desk.world.mailer.sent) == ["user1@example.com", "user2@example.com"]
    assert all(m.subject == "Cancelled: Night hike" for m in desk.world.mailer.sent)


async def test_raising_the_capacity_promotes_the_waiting_list(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    held = [await desk.booking.reserve(actor=user, event_id=event.id) for user in desk.users[:4]]
    assert [r.status for r in held] == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]

    desk.world.mailer.sent.clear()
    await desk.events.edit_event(actor=desk.organizer, event_id=event.id, changes=EventChanges(capacity=3))

    store = desk.world.uow.store.reservations
    assert [(store[r.id].status, store[r.id].position) for r in held] == [
        ("confirmed", None),
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
    ]
    assert sorted(m.to for m in desk.world.mailer.sent) == ["user2@example.com", "user3@example.com"]


async def test_lowering_the_capacity_below_the_confirmed_count_is_refused(desk: Desk) -> None:
    event = await desk.published_event(capacity=2)
    for user in desk.users[:2]:
        await desk.booking.reserve(actor=user, event_id=event.id)
    with pytest.raises(CapacityBelowConfirmedError):
        await desk.events.edit_event(actor=desk.organizer, event_id=event.id, changes=EventChanges(capacity=1))
