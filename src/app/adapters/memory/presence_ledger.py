"""Presence: a user is online while at least one of their sockets, in any server process, is alive.

Each socket is a connection with a lease that its process renews by heartbeat. A connection ends
when its socket closes, or when its lease runs out because its process died. The ledger below is
the rule in plain Python; the in-process tracker uses it directly and the Redis tracker applies the
same steps atomically in Redis.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PresenceLedger:
    """Leases of live connections per user, with expiry times on a caller-given clock (seconds)."""

    ttl_s: float
    leases: dict[int, dict[str, float]] = field(default_factory=dict)

    def live(self, user_id: int, now: float) -> int:
        """How many connections of the user are alive at ``now`` (expired ones are forgotten)."""
        leases = self.leases.get(user_id, {})
        for connection_id in [c for c, until in leases.items() if until <= now]:
            del leases[connection_id]
        return len(leases)

    def connect(self, user_id: int, connection_id: str, now: float) -> bool:
        """Open a connection; True when the user had no live connection before (came online)."""
        was_online = self.live(user_id, now) > 0
        self.leases.setdefault(user_id, {})[connection_id] = now + self.ttl_s
        return not was_online

    def renew(self, user_id: int, connection_id: str, now: float) -> bool:
        """Extend the lease of a connection that is still open; one whose lease is gone (it ran out
        while its process stalled, or the store lost it) is opened again. True when the user thereby
        came online again. Only the process holding the open socket renews it."""
        leases = self.leases.get(user_id, {})
        if connection_id in leases and leases[connection_id] > now:
            leases[connection_id] = now + self.ttl_s
            return False
        return self.connect(user_id, connection_id, now)

    def disconnect(self, user_id: int, connection_id: str, now: float) -> bool:
        """Close a connection; True when it was the user's last live one (went offline)."""
        leases = self.leases.get(user_id, {})
        had = leases.pop(connection_id, None) is not None
        if self.live(user_id, now) == 0:
            self.leases.pop(user_id, None)
            return had
        return False

    def sweep(self, now: float) -> list[int]:
        """Forget expired leases; the users whose last connection just expired (went offline)."""
        gone = []
        for user_id in list(self.leases):
            before = len(self.leases[user_id])
            if self.live(user_id, now) == 0:
                del self.leases[user_id]
                if before:
                    gone.append(user_id)
        return gone

    def online(self, user_ids: list[int], now: float) -> set[int]:
        return {user_id for user_id in user_ids if self.live(user_id, now) > 0}
