"""Reservation rules through the ticketing service: confirm, waitlist, approval, cancel, promote."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.core.shared.paging import PageRequest
from app.core.ticketing.domain_events import EventMetricsChanged, ReservationPromoted
from app.core.ticketing.errors import (
    AlreadyCheckedInError,
    AlreadyReservedError,
    EventFullError,
    EventNotOpenError,
    NotPendingError,
    ReservationClosedError,
    ReservationNotFoundError,
)
from app.core.ticketing.reservations import ReservationStatus, Tally
from tests.fakes import FailingMailer
from tests.unit.core.ticketing.conftest import Desk, a_desk


async def test_reservations_are_confirmed_while_spots_are_left_then_waitlisted_in_order(desk: Desk) -> None:
    event = await desk.published_event(capacity=2)
    held = [await desk.booking.reserve(actor=user, event_id=event.id) for user in desk.users[:5]]
    assert [(r.status, r.position) for r in held] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]
    assert held[0].ticket_secret and held[2].ticket_secret is None


async def test_reserving_twice_is_refused_while_the_first_is_live(desk: Desk) -> None:
    event = await desk.published_event()
    first = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    with pytest.raises(AlreadyReservedError):
        await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    await desk.booking.cancel_reservation(actor=desk.users[0], reservation_id=first.id)
    again = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    assert again.status is ReservationStatus.CONFIRMED


async def test_reserving_is_refused_when_the_event_is_not_open(desk: Desk) -> None:
    draft = await desk.events.create_event(
        actor=desk.organizer, title="Draft", starts_at=desk.world.clock.now() + timedelta(days=1), capacity=1
    )
    with pytest.raises(EventNotOpenError):
        await desk.booking.reserve(actor=desk.organizer, event_id=draft.id)
    event = await desk.published_event()
    await desk.events.cancel_event(actor=desk.organizer, event_id=event.id)
    with pytest.raises(EventNotOpenError):
        await desk.booking.reserve(actor=desk.users[0], event_id=event.id)


async def test_cancelling_a_confirmed_reservation_promotes_the_first_waitlisted_at_once(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    first, second, third = [await desk.booking.reserve(actor=u, event_id=event.id) for u in desk.users[:3]]
    desk.world.mailer.sent.clear()
    desk.world.notifier.published.clear()

    cancelled = await desk.booking.cancel_reservation(actor=desk.users[0], reservation_id=first.id)

    store = desk.world.uow.store.reservations
    assert cancelled.status is ReservationStatus.CANCELLED
    assert (store[second.id].status, store[second.id].position) == ("confirmed", None)
    assert (store[third.id].status, store[third.id].position) == ("waitlisted", 1)
    assert [m.to for m in desk.world.mailer.sent] == ["user2@example.com"]
    promoted = [e for e in desk.world.notifier.published if isinstance(e, ReservationPromoted)]
    assert [p.reservation_id for p in promoted] == [second.id]
    [metrics] = [e.metrics for e in desk.world.notifier.published if isinstance(e, EventMetricsChanged)]
    assert (metrics.confirmed_count, metrics.waitlist_count, metrics.spots_left) == (1, 1, 0)


async def test_cancelling_a_waitlisted_reservation_closes_up_the_waiting_list(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    held = [await desk.booking.reserve(actor=u, event_id=event.id) for u in desk.users[:4]]
    await desk.booking.cancel_reservation(actor=desk.users[1], reservation_id=held[1].id)
    store = desk.world.uow.store.reservations
    assert [store[r.id].position for r in held[2:]] == [1, 2]


async def test_only_the_holder_cancels_and_only_once(desk: Desk) -> None:
    event = await desk.published_event()
    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    with pytest.raises(ReservationNotFoundError):
        await desk.booking.cancel_reservation(actor=desk.users[1], reservation_id=held.id)
    await desk.booking.cancel_reservation(actor=desk.users[0], reservation_id=held.id)
    with pytest.raises(ReservationClosedError):
        await desk.booking.cancel_reservation(actor=desk.users[0], reservation_id=held.id)


async def test_a_checked_in_reservation_cannot_be_cancelled(desk: Desk) -> None:
    event = await desk.published_event()
    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)
    assert held.ticket_secret is not None
    await desk.door.check_in(actor=desk.organizer, secret=held.ticket_secret)
    with pytest.raises(AlreadyCheckedInError):
        await desk.booking.cancel_reservation(actor=desk.users[0], reservation_id=held.id)


async def test_approval_events_keep_reservations_pending_until_the_organizer_decides(desk: Desk) -> None:
    event = await desk.published_event(capacity=1, requires_approval=True)
    first, second, third = [await desk.booking.reserve(actor=u, event_id=event.id) for u in desk.users[:3]]
    assert {first.status, second.status, third.status} == {ReservationStatus.PENDING}
    assert desk.world.mailer.sent == []

    confirmed = await desk.booking.decide(actor=desk.organizer, reservation_id=first.id, approve=True)
    assert confirmed.status is ReservationStatus.CONFIRMED
    assert [m.to for m in desk.world.mailer.sent] == ["user1@example.com"]
    with pytest.raises(EventFullError):
        await desk.booking.decide(actor=desk.organizer, reservation_id=second.id, approve=True)
    rejected = await desk.booking.decide(actor=desk.organizer, reservation_id=second.id, approve=False)
    assert rejected.status is ReservationStatus.REJECTED
    with pytest.raises(NotPendingError):
        await desk.booking.decide(actor=desk.organizer, reservation_id=second.id, approve=True)
    with pytest.raises(ReservationNotFoundError):
        await desk.booking.decide(actor=desk.users[0], reservation_id=third.id, approve=True)


async def test_the_organizer_lists_reservations_by_status_with_counts(desk: Desk) -> None:
    event = await desk.published_event(capacity=1)
    for user in desk.users[:3]:
        await desk.booking.reserve(actor=user, event_id=event.id)
    waitlisted = await desk.booking.event_reservations(
        actor=desk.organizer, event_id=event.id, status=ReservationStatus.WAITLISTED, page=PageRequest()
    )
    assert [(h.reservation.position, h.holder.email) for h in waitlisted.items] == [
        (1, "user2@example.com"),
        (2, "user3@example.com"),
    ]
    [overview] = (await desk.events.list_own_events(actor=desk.organizer, page=PageRequest())).items
    assert (overview.metrics.confirmed_count, overview.metrics.waitlist_count) == (1, 2)


async def test_a_failing_mailer_never_loses_the_reservation() -> None:
    mailer = FailingMailer()
    desk = a_desk(mailer=mailer)
    event = await desk.published_event(capacity=1)

    held = await desk.booking.reserve(actor=desk.users[0], event_id=event.id)

    assert held.status is ReservationStatus.CONFIRMED
    assert mailer.attempts == 1
    assert desk.world.uow.store.reservations[held.id].status is ReservationStatus.CONFIRMED


async def test_concurrent_reservations_are_served_in_arrival_order_in_one_batch(desk: Desk) -> None:
    event = await desk.published_event(capacity=2)
    commits_before = desk.world.uow.commits
    actors = [desk.users[0], desk.users[1], desk.users[0], desk.users[2], desk.users[3]]

    results = await asyncio.gather(
        *(desk.booking.reserve(actor=a, event_id=event.id) for a in actors), return_exceptions=True
    )

    assert isinstance(results[2], AlreadyReservedError)
    placed = [r for r in results if not isinstance(r, BaseException)]
    assert [(r.user_id, r.status, r.position) for r in placed] == [
        (desk.users[0].user_id, "confirmed", None),
        (desk.users[1].user_id, "confirmed", None),
        (desk.users[2].user_id, "waitlisted", 1),
        (desk.users[3].user_id, "waitlisted", 2),
    ]
    assert desk.world.uow.commits == commits_before + 1
    [metrics] = [e.metrics for e in desk.world.notifier.published if isinstance(e, EventMetricsChanged)]
    assert (metrics.confirmed_count, metrics.waitlist_count) == (2, 2)


async def test_a_failing_batch_fails_every_request_in_it() -> None:
    from app.core.shared.batching import KeyedBatcher, Pending

    async def broken(key: object, batch: list[Pending[int, int]]) -> None:
        batch[0].resolve(1)
        raise ValueError("database went away")

    batcher: KeyedBatcher[int, int] = KeyedBatcher(broken)
    results = await asyncio.gather(*(batcher.submit("k", n) for n in range(3)), return_exceptions=True)
    assert results[0] == 1
    assert all(isinstance(r, ValueError) for r in results[1:])
    assert await batcher.submit("k", 9) == 1  # a later batch gets a fresh worker


async def test_a_metrics_snapshot_overtaken_by_a_newer_one_is_not_published_late(desk: Desk) -> None:
    event = await desk.published_event(capacity=2)
    desk.world.notifier.published.clear()
    older = desk.after_commit.metrics_changed(event, Tally(confirmed=1))
    newer = desk.after_commit.metrics_changed(event, Tally(confirmed=2))

    await desk.after_commit.publish(newer)
    await desk.after_commit.publish(older)  # its commit came first, but it arrives last

    assert desk.world.notifier.published == [newer]
