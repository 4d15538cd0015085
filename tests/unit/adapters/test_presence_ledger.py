"""The presence rule as a state machine: online exactly while some connection's lease is alive."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from app.adapters.memory.presence_ledger import PresenceLedger

USERS = st.integers(min_value=1, max_value=3)
CONNECTIONS = st.sampled_from(["a", "b", "c", "d"])


class PresenceMachine(RuleBasedStateMachine):
    """A model of leases next to the ledger; every transition the ledger reports must match the model."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = PresenceLedger(ttl_s=10)
        self.now = 0.0
        self.leases: dict[tuple[int, str], float] = {}

    def _online(self, user_id: int) -> bool:
        return any(u == user_id and until > self.now for (u, _), until in self.leases.items())

    @rule(user_id=USERS, connection=CONNECTIONS)
    def connect(self, user_id: int, connection: str) -> None:
        was = self._online(user_id)
        came = self.ledger.connect(user_id, connection, self.now)
        self.leases[(user_id, connection)] = self.now + 10
        assert came == (not was)

    @rule(user_id=USERS, connection=CONNECTIONS)
    def disconnect(self, user_id: int, connection: str) -> None:
        was_live = self.leases.get((user_id, connection), 0) > self.now
        self.leases.pop((user_id, connection), None)
        went = self.ledger.disconnect(user_id, connection, self.now)
        assert went == (was_live and not self._online(user_id))

    @rule(user_id=USERS, connection=CONNECTIONS)
    def renew(self, user_id: int, connection: str) -> None:
        was = self._online(user_id)
        came = self.ledger.renew(user_id, connection, self.now)
        self.leases[(user_id, connection)] = self.now + 10  # an open socket's lease: renewed, or opened again
        assert came == (not was)

    @rule(seconds=st.sampled_from([1.0, 4.0, 9.0, 11.0]))
    def wait(self, seconds: float) -> None:
        self.now += seconds

    @rule()
    def sweep(self) -> None:
        gone = set(self.ledger.sweep(self.now))
        assert all(not self._online(u) for u in gone)

    @invariant()
    def online_matches_the_leases(self) -> None:
        assert self.ledger.online([1, 2, 3], self.now) == {u for u in (1, 2, 3) if self._online(u)}


PresenceMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_presence_ledger_matches_the_lease_model = PresenceMachine.TestCase
