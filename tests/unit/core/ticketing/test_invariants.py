"""Property test: no sequence of reserve / cancel / confirm / reject / check-in / capacity change (and,
now and then, cancelling the event) ever exceeds capacity, leaves a spot free while someone waits,
breaks the waiting list's order, or leaves a live reservation on a cancelled event."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from app.core.shared.errors import DomainError
from app.core.ticketing.model import EventChanges, EventStatus
from app.core.ticketing.reservations import LIVE_STATUSES, Reservation, ReservationStatus
from tests.unit.core.ticketing.conftest import Desk, a_desk

USERS = 6


class ReservationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.desk: Desk = a_desk(users=USERS)
        self.event_id = 0

    def run(self, coroutine: Any) -> Any:
        try:
            return self.loop.run_until_complete(coroutine)
        except DomainError:
            return None

    def teardown(self) -> None:
        self.loop.close()

    @initialize(capacity=st.integers(1, 4), requires_approval=st.booleans())
    def open_event(self, capacity: int, requires_approval: bool) -> None:
        event = self.run(self.desk.published_event(capacity=capacity, requires_approval=requires_approval))
        self.event_id = event.id

    def reservations(self) -> list[Reservation]:
        return [r for r in self.desk.world.uow.store.reservations.values() if r.event_id == self.event_id]

    def live_of(self, user: int) -> Reservation | None:
        principal = self.desk.users[user]
        return next((r for r in self.reservations() if r.user_id == principal.user_id and r.is_live), None)

    @rule(user=st.integers(0, USERS - 1))
    def reserve(self, user: int) -> None:
        self.run(self.desk.booking.reserve(actor=self.desk.users[user], event_id=self.event_id))

    @rule(user=st.integers(0, USERS - 1))
    def cancel(self, user: int) -> None:
        held = self.live_of(user)
        if held is not None:
            self.run(self.desk.booking.cancel_reservation(actor=self.desk.users[user], reservation_id=held.id))

    @rule(user=st.integers(0, USERS - 1), approve=st.booleans())
    def decide(self, user: int, approve: bool) -> None:
        held = self.live_of(user)
        if held is not None:
            self.run(self.desk.booking.decide(actor=self.desk.organizer, reservation_id=held.id, approve=approve))

    @rule(user=st.integers(0, USERS - 1))
    def check_in(self, user: int) -> None:
        held = self.live_of(user)
        if held is not None:
            secret = self.desk.door._signer.sign(held.id, held.ticket_nonce)
            self.run(self.desk.door.check_in(actor=self.desk.organizer, secret=secret))

    @rule(change=st.integers(-1, 2))
    def change_capacity(self, change: int) -> None:
        event = self.desk.world.uow.store.events[self.event_id]
        self.run(
            self.desk.events.edit_event(
                actor=self.desk.organizer,
                event_id=self.event_id,
                changes=EventChanges(capacity=max(1, event.capacity + change)),
            )
        )

    @rule(roll=st.integers(0, 24))
    def cancel_event(self, roll: int) -> None:
        if roll == 0:  # rarely, so most runs explore the open event first
            self.run(self.desk.events.cancel_event(actor=self.desk.organizer, event_id=self.event_id))

    @invariant()
    def a_cancelled_event_has_no_live_reservation(self) -> None:
        if self.event_id and self.desk.world.uow.store.events[self.event_id].status is EventStatus.CANCELLED:
            assert not [r for r in self.reservations() if r.is_live]

    @invariant()
    def capacity_is_never_exceeded(self) -> None:
        if not self.event_id:
            return
        capacity = self.desk.world.uow.store.events[self.event_id].capacity
        confirmed = [r for r in self.reservations() if r.status is ReservationStatus.CONFIRMED]
        assert len(confirmed) <= capacity

    @invariant()
    def waitlist_is_dense_first_come_first_served_and_only_when_full(self) -> None:
        if not self.event_id:
            return
        capacity = self.desk.world.uow.store.events[self.event_id].capacity
        waiting = sorted(
            (r for r in self.reservations() if r.status is ReservationStatus.WAITLISTED), key=lambda r: r.id
        )
        assert [r.position for r in waiting] == list(range(1, len(waiting) + 1))
        if waiting:
            confirmed = sum(r.status is ReservationStatus.CONFIRMED for r in self.reservations())
            assert confirmed == capacity

    @invariant()
    def one_live_reservation_per_user_and_check_ins_only_of_confirmed_reservations(self) -> None:
        live_users = [r.user_id for r in self.reservations() if r.status in LIVE_STATUSES]
        assert len(live_users) == len(set(live_users))
        cancelled = self.event_id and self.desk.world.uow.store.events[self.event_id].status is EventStatus.CANCELLED
        for reservation in self.reservations():
            if reservation.checked_in_at is not None:
                # Checked in while confirmed; only cancelling the event ends such a reservation (its
                # holder cannot), and the check-in stays on record.
                assert reservation.status is ReservationStatus.CONFIRMED or (
                    cancelled and reservation.status is ReservationStatus.CANCELLED
                )
            assert (reservation.position is not None) == (reservation.status is ReservationStatus.WAITLISTED)

    @invariant()
    def metrics_agree_with_the_reservations(self) -> None:
        if not self.event_id:
            return
        metrics = self.run(self.desk.events.metrics(actor=self.desk.organizer, event_id=self.event_id))
        rows = self.reservations()
        assert metrics.confirmed_count == sum(r.status is ReservationStatus.CONFIRMED for r in rows)
        assert metrics.waitlist_count == sum(r.status is ReservationStatus.WAITLISTED for r in rows)
        assert metrics.pending_count == sum(r.status is ReservationStatus.PENDING for r in rows)
        assert metrics.checked_in_count == sum(r.checked_in_at is not None for r in rows if r.is_live)
        assert metrics.spots_left == metrics.capacity - metrics.confirmed_count


ReservationMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_reservation_rules_hold_for_any_sequence = ReservationMachine.TestCase
