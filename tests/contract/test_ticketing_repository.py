"""The same event and reservation repository assertions on the fake, on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.core.accounts.model import User
from app.core.shared.errors import DuplicateKeyError, MissingReferenceError
from app.core.shared.paging import PageRequest
from app.core.ticketing.errors import AlreadyReservedError
from app.core.ticketing.model import Event, EventFilter, EventStatus
from app.core.ticketing.reservations import Reservation, ReservationStatus, Tally
from tests.contract import test_accounts_repository as accounts_contract
from tests.contract.test_accounts_repository import Factory

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
uow = accounts_contract.uow  # the unit of work on the fake, SQLite and PostgreSQL


async def _setup(uow: Factory, users: int = 4) -> tuple[Event, list[int]]:
    async with uow() as unit:
        ids = []
        for index in range(users):
            user = await unit.users.add(User(email=f"u{index}@example.com", name="U", password_hash="h"))
            ids.append(user.id)
        event = await unit.events.add(
            Event(owner_id=ids[0], title="Hike", starts_at=NOW + timedelta(days=3), capacity=2, created_at=NOW)
        )
        await unit.commit()
    return event, ids


def _held(event: Event, user_id: int, status: ReservationStatus, position: int | None = None) -> Reservation:
    return Reservation(
        event_id=event.id, user_id=user_id, status=status, position=position, ticket_nonce="n0nce-1234", created_at=NOW
    )


async def test_events_round_trip_and_list_by_filter(uow: Factory) -> None:
    event, ids = await _setup(uow)
    async with uow() as unit:
        locked = await unit.events.get_for_update(event.id)
        assert locked is not None
        locked.move_to(EventStatus.PUBLISHED, NOW)
        await unit.events.update(locked)
        await unit.commit()
    async with uow() as unit:
        loaded = await unit.events.get(event.id)
        published = await unit.events.list(EventFilter(statuses=frozenset({EventStatus.PUBLISHED})), PageRequest())
        others = await unit.events.list(EventFilter(owner_id=ids[1]), PageRequest())
    assert loaded is not None
    assert (loaded.status, loaded.published_at, loaded.starts_at, loaded.capacity) == (
        EventStatus.PUBLISHED,
        NOW,
        NOW + timedelta(days=3),
        2,
    )
    assert ([e.id for e in published.items], published.total, others.total) == ([event.id], 1, 0)


async def test_reservations_tally_waitlist_head_shift_and_cancel_live(uow: Factory) -> None:
    event, ids = await _setup(uow)
    async with uow() as unit:
        added = await unit.reservations.add_many(
            [
                _held(event, ids[0], ReservationStatus.CONFIRMED),
                _held(event, ids[1], ReservationStatus.WAITLISTED, 1),
                _held(event, ids[2], ReservationStatus.WAITLISTED, 2),
                _held(event, ids[3], ReservationStatus.REJECTED),
            ]
        )
        await unit.commit()
    assert [r.id for r in added] == sorted(r.id for r in added)
    async with uow() as unit:
        assert await unit.spots.tally(event.id) == Tally(confirmed=1, waitlisted=2)
        assert await unit.reservations.live_holders(event.id, ids) == set(ids[:3])
        [head] = await unit.spots.waitlist_head(event.id, 1)
        assert head.user_id == ids[1]
        head.confirm(NOW)
        await unit.reservations.update(head)
        await unit.spots.shift_waitlist(event.id, after_position=1, by=1)
        await unit.commit()
    async with uow() as unit:
        waiting = await unit.reservations.list_for_event(event.id, ReservationStatus.WAITLISTED, PageRequest())
        assert [(r.user_id, r.position) for r in waiting.items] == [(ids[2], 1)]
        assert (await unit.spots.tallies([event.id]))[event.id] == Tally(confirmed=2, waitlisted=1)
        cancelled = await unit.spots.cancel_live(event.id, NOW)
        await unit.commit()
    assert sorted(r.user_id for r in cancelled) == ids[:3]
    async with uow() as unit:
        assert await unit.spots.tally(event.id) == Tally()
        mine = await unit.reservations.list_for_user(ids[0], PageRequest())
    assert [(r.status, r.cancelled_at) for r in mine.items] == [(ReservationStatus.CANCELLED, NOW)]


async def test_a_second_live_reservation_of_one_user_is_refused(uow: Factory) -> None:
    event, ids = await _setup(uow)
    async with uow() as unit:
        await unit.reservations.add_many([_held(event, ids[0], ReservationStatus.CANCELLED)])
        await unit.reservations.add_many([_held(event, ids[0], ReservationStatus.CONFIRMED)])
        await unit.commit()
    with pytest.raises(AlreadyReservedError):
        async with uow() as unit:
            await unit.reservations.add_many([_held(event, ids[0], ReservationStatus.PENDING)])


async def test_reservations_are_found_by_their_holders_idempotency_keys(uow: Factory) -> None:
    event, ids = await _setup(uow)
    async with uow() as unit:
        stored = await unit.reservations.add_many(
            [
                replace(_held(event, ids[0], ReservationStatus.CONFIRMED), idempotency_key="k1"),
                replace(_held(event, ids[1], ReservationStatus.CONFIRMED), idempotency_key="k1"),
                _held(event, ids[2], ReservationStatus.CONFIRMED),
            ]
        )
        await unit.commit()
    assert [r.idempotency_key for r in stored] == ["k1", "k1", None]
    async with uow() as unit:
        found = await unit.reservations.by_idempotency_key(event.id, [(ids[0], "k1"), (ids[1], "k1"), (ids[2], "k1")])
        elsewhere = await unit.reservations.by_idempotency_key(event.id + 1, [(ids[0], "k1")])
    assert {key: r.id for key, r in found.items()} == {(ids[0], "k1"): stored[0].id, (ids[1], "k1"): stored[1].id}
    assert found[(ids[0], "k1")].status is ReservationStatus.CONFIRMED and elsewhere == {}


async def test_a_taken_idempotency_key_or_a_holder_who_is_gone_refuses_the_write(uow: Factory) -> None:
    event, ids = await _setup(uow)
    async with uow() as unit:
        await unit.reservations.add_many(
            [replace(_held(event, ids[0], ReservationStatus.CANCELLED), idempotency_key="k")]
        )
        await unit.commit()
    async with uow() as unit:
        with pytest.raises(DuplicateKeyError):
            await unit.reservations.add_many(
                [
                    _held(event, ids[1], ReservationStatus.CONFIRMED),
                    replace(_held(event, ids[0], ReservationStatus.CONFIRMED), idempotency_key="k"),
                ]
            )
    async with uow() as unit:
        with pytest.raises(MissingReferenceError):
            await unit.reservations.add_many([_held(event, 2**40, ReservationStatus.CONFIRMED)])
    async with uow() as unit:
        assert (await unit.spots.tally(event.id)).confirmed == 0
