"""A reservation served in a batch is answered as if it had been alone; a repeated idempotency key
returns the first reservation. Through the fakes, which refuse a holder who is gone as the tables do."""

from __future__ import annotations

import asyncio

import pytest

from app.core.shared.errors import AccountGoneError, MissingReferenceError
from app.core.shared.idempotency import InvalidIdempotencyKeyError
from app.core.shared.people import Person
from app.core.ticketing.domain_events import EventMetricsChanged
from app.core.ticketing.errors import AlreadyReservedError
from app.core.ticketing.reservations import Reservation, ReservationStatus
from tests import fakes
from tests.unit.core.ticketing.conftest import a_desk


async def test_a_deleted_account_inside_a_burst_of_30_fails_alone() -> None:
    desk = a_desk(users=31)
    event = await desk.published_event(capacity=100)
    gone = desk.users[30]
    del desk.world.uow.store.users[gone.user_id]  # its access token is still valid
    actors = [*desk.users[:15], gone, *desk.users[15:30]]

    results = await asyncio.gather(
        *(desk.booking.reserve(actor=a, event_id=event.id) for a in actors), return_exceptions=True
    )

    assert isinstance(results.pop(15), AccountGoneError)
    assert all(isinstance(r, Reservation) and r.status is ReservationStatus.CONFIRMED for r in results)
    assert len(desk.world.uow.store.reservations) == 30
    *_, metrics = [e.metrics for e in desk.world.notifier.published if isinstance(e, EventMetricsChanged)]
    assert metrics.confirmed_count == 30


async def test_a_holder_deleted_while_the_batch_is_stored_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    desk = a_desk(users=4)
    event = await desk.published_event(capacity=2)
    gone = desk.users[1]
    gone_user = desk.world.uow.store.users.pop(gone.user_id)
    gone_person = Person(id=gone_user.id, name=gone_user.name, email=gone_user.email)
    read = fakes.InMemoryUserDirectory.get_many

    async def read_before_the_delete(self: fakes.InMemoryUserDirectory, user_ids: list[int]) -> list[Person]:
        return [*await read(self, user_ids), *([gone_person] if gone.user_id in user_ids else [])]

    monkeypatch.setattr(fakes.InMemoryUserDirectory, "get_many", read_before_the_delete)
    actors = [desk.users[0], gone, desk.users[2], desk.users[3]]

    results = await asyncio.gather(
        *(desk.booking.reserve(actor=a, event_id=event.id) for a in actors), return_exceptions=True
    )

    assert isinstance(results[1], MissingReferenceError)
    placed = [r for r in results if isinstance(r, Reservation)]
    # Answered as if alone: the spots go to the first two who could hold them, the next one waits.
    assert [(r.user_id, r.status, r.position) for r in placed] == [
        (desk.users[0].user_id, ReservationStatus.CONFIRMED, None),
        (desk.users[2].user_id, ReservationStatus.CONFIRMED, None),
        (desk.users[3].user_id, ReservationStatus.WAITLISTED, 1),
    ]


async def test_a_repeated_idempotency_key_returns_the_first_reservation() -> None:
    desk = a_desk(users=2)
    event = await desk.published_event(capacity=5)
    ann = desk.users[0]

    first = await desk.booking.reserve(actor=ann, event_id=event.id, idempotency_key="r-1")
    again = await desk.booking.reserve(actor=ann, event_id=event.id, idempotency_key="r-1")

    assert again.id == first.id and again.ticket_secret == first.ticket_secret
    with pytest.raises(AlreadyReservedError):  # without the key a second reservation is still refused
        await desk.booking.reserve(actor=ann, event_id=event.id, idempotency_key="r-2")
    assert len(desk.world.uow.store.reservations) == 1


async def test_concurrent_repeats_of_one_key_store_one_reservation() -> None:
    desk = a_desk(users=2)
    event = await desk.published_event(capacity=5)
    ann, bob = desk.users

    results = await asyncio.gather(
        *(desk.booking.reserve(actor=ann, event_id=event.id, idempotency_key="same") for _ in range(5)),
        desk.booking.reserve(actor=bob, event_id=event.id, idempotency_key="same"),
    )

    assert len({r.id for r in results[:5]}) == 1 and results[5].id != results[0].id
    assert len(desk.world.uow.store.reservations) == 2


async def test_a_malformed_idempotency_key_is_refused() -> None:
    desk = a_desk(users=1)
    event = await desk.published_event(capacity=5)

    with pytest.raises(InvalidIdempotencyKeyError):
        await desk.booking.reserve(actor=desk.users[0], event_id=event.id, idempotency_key="x" * 65)
    assert not desk.world.uow.store.reservations
