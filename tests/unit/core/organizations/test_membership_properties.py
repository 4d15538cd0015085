"""Membership invariants hold after any sequence of adds and removes by anyone (hypothesis state machine)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from app.core.accounts.model import User
from app.core.organizations.model import NewOrganization
from app.core.shared.errors import DomainError
from app.core.shared.principal import Principal, Role
from tests.builders import a_world, an_organizations_service

PEOPLE = 5
T = TypeVar("T")


class Memberships(RuleBasedStateMachine):
    """A model (a set of member ids) next to the service; they must agree after every step."""

    @initialize(creator=st.integers(1, PEOPLE))
    def create(self, creator: int) -> None:
        self.world = a_world()
        for user_id in range(1, PEOPLE + 1):
            self.world.uow.store.users[user_id] = User(
                id=user_id, email=f"u{user_id}@example.com", name=f"u{user_id}", password_hash="h"
            )
        self.service = an_organizations_service(self.world)
        card = self.run(self.service.create(actor=self.actor(creator), draft=NewOrganization(title="Club")))
        self.organization_id = card.organization.id
        self.model = {creator}

    def actor(self, user_id: int) -> Principal:
        return Principal(user_id=user_id, roles=frozenset({Role.MEMBER}))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(coroutine)

    @rule(actor=st.integers(1, PEOPLE), user=st.integers(1, PEOPLE + 1))
    def add(self, actor: int, user: int) -> None:
        allowed = actor in self.model and user <= PEOPLE and user not in self.model
        try:
            self.run(
                self.service.add_member(actor=self.actor(actor), organization_id=self.organization_id, user_id=user)
            )
        except DomainError:
            assert not allowed
            return
        assert allowed
        self.model.add(user)

    @rule(actor=st.integers(1, PEOPLE), user=st.integers(1, PEOPLE))
    def remove(self, actor: int, user: int) -> None:
        allowed = actor in self.model and user in self.model and len(self.model) > 1
        try:
            self.run(
                self.service.remove_member(actor=self.actor(actor), organization_id=self.organization_id, user_id=user)
            )
        except DomainError:
            assert not allowed
            return
        assert allowed
        self.model.discard(user)

    @invariant()
    def agrees_with_the_model_and_never_empties(self) -> None:
        stored = self.world.uow.store.organizations[self.organization_id]
        assert stored.member_ids == self.model
        assert len(stored.member_ids) >= 1


Memberships.TestCase.settings = settings(max_examples=60, stateful_step_count=20, deadline=None)
test_memberships = Memberships.TestCase
