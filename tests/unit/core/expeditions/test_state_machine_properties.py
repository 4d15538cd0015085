"""Random sequences of expedition commands never break an invariant (hypothesis state machine)."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from app.core.expeditions.domain_events import ExpeditionStatusChanged
from app.core.expeditions.model import TRANSITIONS, ExpeditionStatus, MembershipStatus
from app.core.shared.errors import DomainError
from app.core.shared.principal import Principal
from tests.builders import a_user, a_world, an_expedition_service

USERS = 6  # users 0 and 1 are chiefs
people = st.integers(min_value=0, max_value=USERS - 1)
picks = st.integers(min_value=0, max_value=3)
# Mostly forward moves, so random runs reach active and finished often.
statuses = st.sampled_from([*ExpeditionStatus, *[ExpeditionStatus.READY, ExpeditionStatus.ACTIVE] * 2])


class ExpeditionCommands(RuleBasedStateMachine):
    """Drives the service through fakes; every refused command must leave no trace."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.world = a_world()
        self.service = an_expedition_service(self.world)
        self.users: list[Principal] = [a_user(self.world, f"u{i}", chief=i < 2, admin=False) for i in range(USERS)]
        self.expedition_ids: list[int] = []
        self.successes = 0

    def teardown(self) -> None:
        self.loop.close()

    def _attempt(self, call: Any) -> None:
        before = copy.deepcopy(self.world.uow.store.expeditions)
        published = len(self.world.notifier.published)
        try:
            self.loop.run_until_complete(call)
        except DomainError:
            assert self.world.uow.store.expeditions == before, "a refused command changed the store"
            assert len(self.world.notifier.published) == published, "a refused command published"
        else:
            self.successes += 1

    def _expedition(self, pick: int) -> int:
        return self.expedition_ids[pick % len(self.expedition_ids)]

    def _chief_of(self, expedition_id: int) -> Principal:
        chief_id = self.world.uow.store.expeditions[expedition_id].chief_id
        return next(user for user in self.users if user.user_id == chief_id)

    @initialize(capacity=st.integers(2, 4), crew_ready=st.booleans())
    def two_expeditions_with_shared_candidates(self, capacity: int, crew_ready: bool) -> None:
        """Two expeditions inviting the same three people; optionally two of them confirmed in both and
        both expeditions ready, so activating both is one step away (the member_busy case)."""
        for chief in (0, 1):
            self.create(chief=chief, capacity=capacity, start_in_minutes=-60)
            for invitee in (2, 3, 4):
                self.chief_invites(pick=chief, invitee=invitee)
            if crew_ready:
                for member in (2, 3):
                    self._attempt(
                        self.service.confirm_invitation(actor=self.users[member], expedition_id=self._expedition(chief))
                    )
                self.chief_changes_status(pick=chief, status=ExpeditionStatus.READY)

    @rule(
        chief=st.integers(0, 1),
        capacity=st.integers(1, 4),
        start_in_minutes=st.sampled_from([-60, 0, 30]),
    )
    def create(self, chief: int, capacity: int, start_in_minutes: int) -> None:
        start_at = self.world.clock.now() + timedelta(minutes=start_in_minutes)
        expedition = self.loop.run_until_complete(
            self.service.create(actor=self.users[chief], title="x", start_at=start_at, capacity=capacity)
        )
        self.expedition_ids.append(expedition.id)

    @precondition(lambda self: self.expedition_ids)
    @rule(actor=people, pick=picks, invitee=people)
    def invite(self, actor: int, pick: int, invitee: int) -> None:
        self._attempt(
            self.service.invite_member(
                actor=self.users[actor], expedition_id=self._expedition(pick), user_id=self.users[invitee].user_id
            )
        )

    @precondition(lambda self: self.expedition_ids)
    @rule(pick=picks, invitee=people)
    def chief_invites(self, pick: int, invitee: int) -> None:
        expedition_id = self._expedition(pick)
        self._attempt(
            self.service.invite_member(
                actor=self._chief_of(expedition_id), expedition_id=expedition_id, user_id=self.users[invitee].user_id
            )
        )

    @precondition(lambda self: self.expedition_ids)
    @rule(pick=picks, which=st.integers(0, USERS), accept=st.sampled_from([True, True, False]))
    def invitee_answers(self, pick: int, which: int, accept: bool) -> None:
        expedition_id = self._expedition(pick)
        members = self.world.uow.store.expeditions[expedition_id].members
        pending = [m for m in members if m.status is MembershipStatus.INVITED] or members
        if not pending:
            return
        member_id = pending[which % len(pending)].user_id
        actor = next(user for user in self.users if user.user_id == member_id)
        answer = self.service.confirm_invitation if accept else self.service.decline_invitation
        self._attempt(answer(actor=actor, expedition_id=expedition_id))

    @precondition(lambda self: self.expedition_ids)
    @rule(actor=people, pick=picks, accept=st.booleans())
    def anyone_answers(self, actor: int, pick: int, accept: bool) -> None:
        answer = self.service.confirm_invitation if accept else self.service.decline_invitation
        self._attempt(answer(actor=self.users[actor], expedition_id=self._expedition(pick)))

    @precondition(lambda self: self.expedition_ids)
    @rule(pick=picks, status=statuses)
    def chief_changes_status(self, pick: int, status: ExpeditionStatus) -> None:
        expedition_id = self._expedition(pick)
        self._attempt(
            self.service.change_status(actor=self._chief_of(expedition_id), expedition_id=expedition_id, target=status)
        )

    @precondition(lambda self: self.expedition_ids)
    @rule(actor=people, pick=picks, status=statuses)
    def change_status(self, actor: int, pick: int, status: ExpeditionStatus) -> None:
        self._attempt(
            self.service.change_status(actor=self.users[actor], expedition_id=self._expedition(pick), target=status)
        )

    @rule(minutes=st.integers(1, 45))
    def time_passes(self, minutes: int) -> None:
        self.world.clock.advance(minutes=minutes)

    @invariant()
    def confirmed_members_never_exceed_capacity(self) -> None:
        for expedition in self.world.uow.store.expeditions.values():
            assert len(expedition.confirmed_ids) <= expedition.capacity

    @invariant()
    def nobody_is_confirmed_in_two_active_expeditions(self) -> None:
        seen: set[int] = set()
        for expedition in self.world.uow.store.expeditions.values():
            if expedition.status is ExpeditionStatus.ACTIVE:
                assert not (seen & expedition.confirmed_ids)
                seen |= expedition.confirmed_ids

    @invariant()
    def memberships_are_unique_and_never_the_chief(self) -> None:
        for expedition in self.world.uow.store.expeditions.values():
            user_ids = [m.user_id for m in expedition.members]
            assert len(user_ids) == len(set(user_ids))
            assert expedition.chief_id not in user_ids

    @invariant()
    def started_expeditions_had_their_crew(self) -> None:
        for expedition in self.world.uow.store.expeditions.values():
            if expedition.status in {ExpeditionStatus.ACTIVE, ExpeditionStatus.FINISHED}:
                assert len(expedition.confirmed_ids) >= 2
                assert expedition.start_at <= self.world.clock.now()

    @invariant()
    def every_success_committed_and_published_exactly_one_event_along_the_table(self) -> None:
        events = self.world.notifier.published
        assert len(events) == self.world.uow.commits == self.successes + len(self.expedition_ids)
        for event in events:
            if isinstance(event, ExpeditionStatusChanged):
                assert event.status in TRANSITIONS[event.previous_status]


ExpeditionCommands.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
test_random_command_sequences_keep_every_invariant = ExpeditionCommands.TestCase
