"""Tickets and check-in through the ticketing service."""

from __future__ import annotations

import pytest

from app.core.ticketing.errors import (
    AlreadyCheckedInError,
    InvalidTicketError,
    NotConfirmedError,
    NotEventOwnerError,
)
from tests.unit.core.ticketing.conftest import Desk


async def test_check_in_lets_a_confirmed_ticket_in_once(desk: Desk) -> None:
    event = await desk.published_event()
    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    assert held.ticket_secret is not None

    seen = await desk.door.inspect_ticket(actor=desk.organizer, secret=held.ticket_secret)
    assert seen.reservation.checked_in_at is None and seen.holder.email == "user1@example.com"

    done = await desk.door.check_in(actor=desk.organizer, secret=held.ticket_secret)
    assert done.reservation.checked_in_at == desk.world.clock.now()
    desk.world.clock.advance(minutes=5)
    with pytest.raises(AlreadyCheckedInError) as second:
        await desk.door.check_in(actor=desk.organizer, secret=held.ticket_secret)
    assert second.value.checked_in_at == done.reservation.checked_in_at
    metrics = await desk.events.metrics(actor=desk.organizer, event_id=event.id)
    assert metrics.checked_in_count == 1


async def test_check_in_refuses_tickets_that_are_not_confirmed(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    first = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    assert first.ticket_secret is not None
    await desk.booking.cancel_reservation(actor=desk.users[0], reservation_id=first.id)
    with pytest.raises(NotConfirmedError) as refused:
        await desk.door.check_in(actor=desk.organizer, secret=first.ticket_secret)
    assert refused.value.reservation_status == "cancelled"


@pytest.mark.parametrize("mangle", [lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"), lambda s: "garbage"])
async def test_check_in_refuses_forged_secrets(desk: Desk, mangle: object) -> None:
    event = await desk.published_event()
    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    assert held.ticket_secret is not None
    with pytest.raises(InvalidTicketError):
        await desk.door.check_in(actor=desk.organizer, secret=mangle(held.ticket_secret))  # type: ignore[operator]


async def test_only_the_event_organizer_checks_tickets_in(desk: Desk) -> None:
    event = await desk.published_event()
    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    assert held.ticket_secret is not None
    with pytest.raises(NotEventOwnerError):
        await desk.door.check_in(actor=desk.users[1], secret=held.ticket_secret)


async def test_ticket_is_rendered_for_the_holder_with_the_signed_secret(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    waiting = await desk.booking.reserve(actor=desk.users[1], event_id=event.id)

    ticket = await desk.door.ticket(actor=desk.users[0], reservation_id=held.id)

    assert ticket.filename == f"ticket-{held.id}.pdf"
    assert held.ticket_secret is not None and held.ticket_secret.encode() in ticket.content
    with pytest.raises(NotConfirmedError):
        await desk.door.ticket(actor=desk.users[1], reservation_id=waiting.id)
